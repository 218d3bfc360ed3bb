/**
 * The two renderings of a trace: the JSON of `iptables/trace` and `trace --format json`
 * (common/traceProtocol.ts), and a text form in the vocabulary of `xtables-monitor --trace`
 * (`PACKET:` lines, then `TRACE: table:chain:rule|return|policy:…` events with the rule re-printed),
 * so a simulated trace can be read side by side with a live one (reference iptables-format.md §11).
 */
import type {
  TraceJsonFinal,
  TraceJsonResult,
  TraceJsonState,
  TraceJsonStep,
} from '../../../common/traceProtocol';
import { formatAddress } from './address';
import { describeCondition } from './evaluate';
import { formatPacketSpec } from './packet';
import type {
  Family,
  MissesStep,
  PacketFinal,
  PacketState,
  PacketTrace,
  TraceResult,
  TraceStep,
} from './types';
import type { Rule } from '../model/rule';
import { missedCondition, missedRules } from './misses';

/** The JSON form. Never throws. */
export function formatTraceJson(result: TraceResult): TraceJsonResult {
  return {
    packets: result.packets.map((p) => ({
      description: p.description,
      spec: formatPacketSpec(p.spec),
      steps: stepsJson(p.steps),
      final: finalJson(p.spec.family, p.final),
    })),
    assumptions: result.assumptions.map((a) => ({ ...a })),
    environment: [...result.environment],
    alternatives: result.alternatives.map(formatTraceJson),
  };
}

function stateJson(s: PacketState): TraceJsonState {
  return {
    family: s.family,
    protocol: s.protocol,
    src: formatAddress(s.family, s.src),
    dst: formatAddress(s.family, s.dst),
    sport: s.sport,
    dport: s.dport,
    ...(s.iif !== undefined ? { iif: s.iif } : {}),
    ...(s.oif !== undefined ? { oif: s.oif } : {}),
    mark: s.mark,
    ctmark: s.ctmark,
    ctstate: s.ctstate,
    ctdir: s.ctdir,
    zone: s.zone,
  };
}

/** Runs of more consecutive non-matching rules than this become one `skipped` step. */
const longestListedMissRun = 10;

/**
 * The steps as JSON. A run of rules that did not match is listed rule by rule, each with the
 * condition that failed, up to ten; a longer one becomes one `skipped` step: a trace through a
 * 30,000-service KUBE-SERVICES chain would otherwise answer with 30 MB.
 */
function stepsJson(steps: readonly TraceStep[]): TraceJsonStep[] {
  const out: TraceJsonStep[] = [];
  for (const step of steps) {
    if (step.kind !== 'misses') out.push(stepJson(step));
    else if (step.count > longestListedMissRun) out.push(skippedJson(step));
    else missedRules(step).forEach((rule, i) => out.push(missJson(step, rule, missedCondition(step, i))));
  }
  return out;
}

/** Where a miss run happened: the fields its rule steps and its `skipped` step share. */
function runPlace(run: MissesStep) {
  return {
    packet: run.packet,
    pass: run.pass,
    hook: run.hook,
    state: stateJson(run.state),
    table: run.table,
    chain: run.chain,
  };
}

function missJson(run: MissesStep, rule: Rule, condition: number): TraceJsonStep {
  return {
    kind: 'rule',
    ...runPlace(run),
    line: rule.line + 1,
    matched: false,
    action: 'continue',
    note: `not matched: ${describeCondition(rule, condition)}`,
  };
}

function skippedJson(run: MissesStep): TraceJsonStep {
  const first = run.chainRules[run.first]!.line + 1;
  const last = run.chainRules[run.first + run.count - 1]!.line + 1;
  const count = run.count;
  return {
    kind: 'skipped',
    ...runPlace(run),
    line: first,
    lastLine: last,
    count,
    matched: false,
    note: `not matched: none of the ${count.toLocaleString('en-US')} rules of lines ${first}–${last}`,
  };
}

function stepJson(step: Exclude<TraceStep, MissesStep>): TraceJsonStep {
  const base = {
    kind: step.kind,
    packet: step.packet,
    pass: step.pass,
    hook: step.hook,
    state: stateJson(step.state),
  };
  switch (step.kind) {
    case 'rule':
      return {
        ...base,
        table: step.table,
        chain: step.chain,
        line: step.line,
        matched: step.matched,
        action: step.action,
        ...(step.to !== undefined ? { to: step.to } : {}),
        ...(step.undecidable !== undefined
          ? {
              note: `cannot decide (${step.undecidable.reason}); assumed ${step.undecidable.assumed ? 'matched' : 'not matched'}`,
            }
          : step.effect !== undefined
            ? { note: step.effect }
            : {}),
      };
    case 'policy':
      return {
        ...base,
        table: step.table,
        chain: step.chain,
        line: step.line,
        matched: true,
        action: step.action,
      };
    case 'return':
      return { ...base, table: step.table, chain: step.chain, line: step.line, action: 'return' };
    case 'loop':
      return {
        ...base,
        table: step.table,
        chain: step.chain,
        line: step.line,
        action: 'loop',
        note: step.note,
      };
    case 'conntrack':
      return { ...base, action: step.ctstate.toLowerCase(), note: step.note };
    case 'nat-skipped':
      return { ...base, action: 'skip', note: step.note };
    case 'route':
      return { ...base, action: step.result, note: step.reason };
    case 'loopback':
      return { ...base, action: 'loopback', note: step.note };
  }
}

function finalJson(family: Family, f: PacketFinal): TraceJsonFinal {
  return {
    fate: f.fate,
    ...(f.delivered !== undefined ? { delivered: f.delivered } : {}),
    ...(f.oif !== undefined ? { oif: f.oif } : {}),
    src: formatAddress(family, f.src),
    dst: formatAddress(family, f.dst),
    sport: f.sport,
    dport: f.dport,
    ...(f.socketPort !== undefined ? { socketPort: f.socketPort } : {}),
    mark: f.mark,
    ctmark: f.ctmark,
    ...(f.decidedBy !== undefined ? { decidedBy: f.decidedBy } : {}),
  };
}

/**
 * The text form. `lines` are the document's lines, to re-print each matched rule as
 * xtables-monitor does; with `verbose`, rules that did not match are listed too.
 */
export function formatTraceText(result: TraceResult, lines: readonly string[], verbose = false): string {
  const out: string[] = [];
  for (const note of result.environment) out.push(`# assumes ${note}`);
  result.packets.forEach((p, i) => formatPacket(out, p, i, lines, verbose));
  for (const a of result.assumptions) {
    out.push(`# undecidable: line ${a.line} (${a.reason}) assumed ${a.matched ? 'matched' : 'not matched'}`);
  }
  result.alternatives.forEach((alt, i) => {
    const why = alt.assumptions
      .map((a) => `line ${a.line} ${a.matched ? 'matched' : 'not matched'}`)
      .join(', ');
    out.push('', `# alternative ${i + 1} (${why}):`);
    alt.packets.forEach((p, j) => out.push(`#   packet ${j}: ${finalText(p.spec.family, p.final)}`));
  });
  return `${out.join('\n')}\n`;
}

function formatPacket(
  out: string[],
  p: PacketTrace,
  index: number,
  lines: readonly string[],
  verbose: boolean,
): void {
  out.push('', `# packet ${index}: ${p.description}`, `# spec: ${formatPacketSpec(p.spec)}`);
  let pass = -1;
  for (const step of p.steps) {
    if (step.pass !== pass) {
      pass = step.pass;
      out.push(`PACKET: ${index} ${packetLine(step.state)}${pass > 0 ? ' (looped back)' : ''}`);
    }
    const event = eventText(step, lines, verbose);
    if (event !== undefined) out.push(` ${event}`);
  }
  out.push(`RESULT: ${index} ${finalText(p.spec.family, p.final)}`);
}

/** `IN=lo OUT= SRC=… DST=… SPORT=… DPORT=… SYN MARK=0x539`, the fields xtables-monitor prints. */
function packetLine(s: PacketState): string {
  const parts = [
    `IN=${s.iif ?? ''}`,
    `OUT=${s.oif ?? ''}`,
    `SRC=${formatAddress(s.family, s.src)}`,
    `DST=${formatAddress(s.family, s.dst)}`,
  ];
  parts.push(`PROTO=${s.protocol.toUpperCase()}`);
  if (s.protocol === 'tcp' || s.protocol === 'udp') parts.push(`SPORT=${s.sport}`, `DPORT=${s.dport}`);
  if (s.protocol === 'tcp') parts.push(...s.tcpFlags);
  if (s.mark !== 0) parts.push(`MARK=0x${s.mark.toString(16)}`);
  return parts.join(' ');
}

function eventText(step: TraceStep, lines: readonly string[], verbose: boolean): string | undefined {
  const ruleText = (line: number): string => (lines[line - 1] ?? '').trim();
  switch (step.kind) {
    case 'misses':
      return verbose
        ? missedRules(step)
            .map(
              (rule, i) =>
                `  (${step.table}:${step.chain}:rule:L${rule.line + 1} not matched: ${describeCondition(rule, missedCondition(step, i))})`,
            )
            .join('\n')
        : undefined;
    case 'rule': {
      const verdict =
        step.action === 'jump' || step.action === 'goto'
          ? `${step.action.toUpperCase()} ${step.to ?? ''}`
          : step.action.toUpperCase();
      const notes: string[] = [];
      if (step.undecidable)
        notes.push(
          `undecidable: ${step.undecidable.reason}, assumed ${step.undecidable.assumed ? 'matched' : 'not matched'}`,
        );
      if (step.effect) notes.push(step.effect);
      const verdictText =
        step.matched === 'undecidable' && step.undecidable?.assumed === false ? 'SKIPPED' : verdict;
      return `TRACE: ${step.hook} ${step.table}:${step.chain}:rule:L${step.line}:${verdictText}  ${ruleText(step.line)}${notes.length ? `  # ${notes.join('; ')}` : ''}`;
    }
    case 'return':
      return `TRACE: ${step.hook} ${step.table}:${step.chain}:return:`;
    case 'policy':
      return `TRACE: ${step.hook} ${step.table}:${step.chain}:policy:${step.action.toUpperCase()}`;
    case 'loop':
      return `TRACE: ${step.hook} ${step.table}:${step.chain}:rule:L${step.line}:LOOP  # ${step.note}`;
    case 'conntrack':
      return `CT: ${step.ctstate} ${step.ctdir} (${step.note})${step.state.ctmark !== 0 ? ` CTMARK=0x${step.state.ctmark.toString(16)}` : ''}`;
    case 'nat-skipped':
      return `NAT: ${step.hook} ${step.note}`;
    case 'route':
      return `ROUTE: ${step.result}${step.oif !== undefined ? ` OUT=${step.oif}` : ''} (${step.reason})`;
    case 'loopback':
      return `LOOPBACK: ${step.note}`;
  }
}

function finalText(family: Family, f: PacketFinal): string {
  const ep = (a: bigint, port: number): string =>
    family === 6 ? `[${formatAddress(6, a)}]:${port}` : `${formatAddress(4, a)}:${port}`;
  const where =
    f.delivered === 'local'
      ? ` delivered locally${f.socketPort !== undefined ? ` to the socket on port ${f.socketPort}` : ''}`
      : f.delivered !== undefined
        ? ` ${f.delivered === 'out' ? 'sent out' : 'forwarded'}${f.oif ? ` via ${f.oif}` : ''}`
        : '';
  const by = f.decidedBy !== undefined ? ` by line ${f.decidedBy}` : '';
  return `${f.fate.toUpperCase()}${by}${where}; ${ep(f.src, f.sport)} -> ${ep(f.dst, f.dport)} mark=0x${f.mark.toString(16)} ctmark=0x${f.ctmark.toString(16)}`;
}
