import type { BlockingResult } from './blockingBench';
import type { CliResult } from './cliBench';
import type { Dump } from './dumps';
import type { EditResult } from './editBench';
import type { MachineInfo } from './machine';
import type { NativeResult } from './nativeBench';
import type { OpenResult } from './openBench';
import type { ParseResult } from './parseBench';
import type { LatencyResult, TraceResult } from './requestBench';
import { serverNodeFlags } from '../../common/serverFlags';
import { fitExponent, growthVerdict } from './stats';

/** Everything one `npm run bench` measured. */
export interface SuiteResults {
  readonly machineAtStart: MachineInfo;
  readonly machineAtEnd: MachineInfo;
  readonly runs: number;
  readonly durationS: number;
  readonly dumps: readonly Dump[];
  readonly open: readonly OpenResult[];
  /** The same opens sent with vscode-jsonrpc's whole-message writer, as Neovim and most clients send. */
  readonly openStockWriter: readonly OpenResult[];
  readonly nft: readonly NativeResult[];
  readonly legacy: readonly NativeResult[];
  /** Ours and legacy on the dumps with repeated chain declarations dropped (legacy rejects repeats). */
  readonly openUnique: readonly OpenResult[];
  readonly legacyUnique: readonly NativeResult[];
  readonly edit?: EditResult;
  readonly requests: readonly LatencyResult[];
  readonly requestsDump?: Dump;
  readonly traces: readonly TraceResult[];
  readonly cli: readonly CliResult[];
  readonly parse: readonly ParseResult[];
  readonly blocking?: BlockingResult;
}

const ms = (value: number): string =>
  !Number.isFinite(value)
    ? '–'
    : value >= 100
      ? value.toFixed(0)
      : value >= 10
        ? value.toFixed(1)
        : value.toFixed(2);
const s = (value: number): string => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : '–');
const mb = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MB` : '–');
const ratio = (a: number, b: number): string =>
  b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–';
const lines = (n: number): string => n.toLocaleString('en-US');
const met = (ok: boolean): string => (ok ? '**met**' : '**not met**');

function machineSection(r: SuiteResults): string[] {
  const m = r.machineAtStart;
  const load = (info: MachineInfo) => info.loadAverage.map((l) => l.toFixed(2)).join(' ');
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}; ` +
      `${m.iptables} / ${m.iptablesLegacy}.`,
    `Run: ${m.date} → ${r.machineAtEnd.date} (${(r.durationS / 60).toFixed(1)} min); load average ` +
      `${load(m)} at start, ${load(r.machineAtEnd)} at end (1/5/15 min). Medians of ${r.runs} runs unless stated.`,
  ];
}

function openSection(r: SuiteResults): string[] {
  const out = [
    `### 1. Open → diagnostics (fresh \`node ${serverNodeFlags.join(' ')} dist/server.js --stdio\` per run, the flags VS Code's client passes) vs \`iptables-nft-restore --test\``,
    '',
    "The client writes didOpen as the extension's client does, in pieces while it escapes them " +
      "(common/streamingMessageWriter.ts). The last two columns send it with vscode-jsonrpc's stock " +
      'writer instead, which builds the whole message first, as Neovim and most other clients do.',
    '',
    '| dump | lines | MB | ours: didOpen → diagnostics (server CPU) | ours: server peak RSS | nft --test: wall (CPU) | nft: peak RSS | wall ours/nft | CPU ours/nft | memory ours/nft | diagnostics | ours, stock writer | its wall/nft |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const open of r.open) {
    const nft = r.nft.find((n) => n.dump.file === open.dump.file);
    const stock = r.openStockWriter.find((o) => o.dump.file === open.dump.file);
    out.push(
      `| ${open.dump.label} | ${lines(open.dump.lines)} | ${(open.dump.bytes / 1e6).toFixed(1)} | ${s(open.medianMs)} (${s(open.medianCpuMs)}) | ` +
        `${mb(open.medianPeakRssKiB)} | ${nft ? `${s(nft.medianMs)} (${s(nft.medianCpuMs)})` : '–'}${nft && !nft.accepted ? ' (rejected)' : ''} | ` +
        `${nft ? mb(nft.medianPeakRssKiB) : '–'} | ${nft ? ratio(open.medianMs, nft.medianMs) : '–'} | ` +
        `${nft ? ratio(open.medianCpuMs, nft.medianCpuMs) : '–'} | ` +
        `${nft ? ratio(open.medianPeakRssKiB, nft.medianPeakRssKiB) : '–'} | ${open.samples[0]?.diagnostics ?? '–'} | ` +
        `${stock ? `${s(stock.medianMs)} (${s(stock.medianCpuMs)})` : '–'} | ${stock && nft ? ratio(stock.medianMs, nft.medianMs) : '–'} |`,
    );
  }
  out.push(
    '',
    r.legacyUnique.length > 0
      ? 'iptables-legacy-restore --test on the same dumps, and on the dumps with repeated `:CHAIN` lines dropped:'
      : 'iptables-legacy-restore --test on the same dumps:',
    '',
    '| dump | lines | legacy: result | legacy: wall (CPU) | legacy: peak RSS | ours: didOpen → diagnostics (server CPU) | ours: peak RSS | wall ours/legacy | CPU ours/legacy | memory ours/legacy |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const legacy of [...r.legacy, ...r.legacyUnique]) {
    const ours = [...r.open, ...r.openUnique].find((o) => o.dump.file === legacy.dump.file);
    const result = legacy.accepted ? 'accepted' : `rejected: ${legacy.error.replace(/\|/g, '\\|')}`;
    out.push(
      `| ${legacy.dump.label} | ${lines(legacy.dump.lines)} | ${result} | ${s(legacy.medianMs)} (${s(legacy.medianCpuMs)}) | ` +
        `${mb(legacy.medianPeakRssKiB)} | ${ours ? `${s(ours.medianMs)} (${s(ours.medianCpuMs)})` : '–'} | ` +
        `${ours ? mb(ours.medianPeakRssKiB) : '–'} | ` +
        `${ours && legacy.accepted ? ratio(ours.medianMs, legacy.medianMs) : '–'} | ` +
        `${ours && legacy.accepted ? ratio(ours.medianCpuMs, legacy.medianCpuMs) : '–'} | ` +
        `${ours && legacy.accepted ? ratio(ours.medianPeakRssKiB, legacy.medianPeakRssKiB) : '–'} |`,
    );
  }
  return out;
}

function editSection(edit: EditResult | undefined): string[] {
  if (!edit) return [];
  return [
    `### 2. Edit → diagnostics (${edit.dump.label} lines, ${edit.samplesMs.length} one-character incremental edits)`,
    '',
    `Server debounce \`${edit.debounce.name}\` = ${edit.debounce.ms} ms (read from server/src/lsp/registerDiagnostics.ts).`,
    '',
    '| | median | p90 | max |',
    '| --- | ---: | ---: | ---: |',
    `| didChange → diagnostics | ${ms(edit.medianMs)} ms | ${ms(edit.p90Ms)} ms | ${ms(Math.max(...edit.samplesMs))} ms |`,
    `| net of the debounce | ${ms(edit.medianNetMs)} ms | ${ms(edit.p90NetMs)} ms | ${ms(Math.max(...edit.samplesMs) - edit.debounce.ms)} ms |`,
  ];
}

function requestSection(r: SuiteResults): string[] {
  if (r.requests.length === 0) return [];
  const out = [
    `### 3. Requests on the ${r.requestsDump?.label ?? ''} dump (client-side round trip over stdio, document parsed)`,
    '',
    '| request | first | samples | median | p90 | p99 | max | empty answers |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const q of r.requests) {
    out.push(
      `| ${q.request} | ${ms(q.firstMs)} ms | ${q.count} | ${ms(q.medianMs)} ms | ${ms(q.p90Ms)} ms | ${ms(q.p99Ms)} ms | ` +
        `${ms(q.maxMs)} ms | ${q.empty} |`,
    );
  }
  return out;
}

function traceSection(r: SuiteResults): string[] {
  if (r.traces.length === 0) return [];
  const out = [
    '### 4. `iptables/trace` to the last service in KUBE-SERVICES',
    '',
    '| dump | packet | first | median | p90 | max | answer size | outcome |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const t of r.traces) {
    out.push(
      `| ${t.dump.label} | \`${t.packet}\` | ${ms(t.firstMs)} ms | ${ms(t.medianMs)} ms (${t.count}) | ${ms(t.p90Ms)} ms | ` +
        `${ms(t.maxMs)} ms | ${(t.responseBytes / 1e6).toFixed(1)} MB | ${t.outcome} |`,
    );
  }
  return out;
}

function cliSection(r: SuiteResults): string[] {
  const out = [
    '### 5. CLI `node dist/cli.js check FILE`',
    '',
    '| dump | lines | wall | CPU | peak RSS | exit codes |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const c of r.cli) {
    out.push(
      `| ${c.dump.label} | ${lines(c.dump.lines)} | ${s(c.medianMs)} | ${s(c.medianCpuMs)} | ${mb(c.medianPeakRssKiB)} | ${c.exitCodes.join(', ')} |`,
    );
  }
  return out;
}

interface Series {
  readonly name: string;
  readonly points: readonly { dump: Dump; time: number }[];
}

function scalingSection(r: SuiteResults): string[] {
  const series: Series[] = [
    {
      name: 'open → diagnostics (LSP, wall)',
      points: r.open.map((o) => ({ dump: o.dump, time: o.medianMs })),
    },
    {
      name: 'open → diagnostics (server CPU)',
      points: r.open.map((o) => ({ dump: o.dump, time: o.medianCpuMs })),
    },
    {
      name: 'parseDocument on demand, on one thread (in-process, wall; the server adds its reading worker from 200k lines)',
      points: r.parse.map((p) => ({ dump: p.dump, time: p.medianOnDemandParseMs })),
    },
    {
      name: 'parseDocument on demand (in-process, CPU)',
      points: r.parse.map((p) => ({ dump: p.dump, time: p.medianOnDemandParseCpuMs })),
    },
    {
      name: 'parseDocument, full, as the CLI (in-process, wall)',
      points: r.parse.map((p) => ({ dump: p.dump, time: p.medianParseMs })),
    },
    {
      name: 'parseDocument, full (in-process, CPU)',
      points: r.parse.map((p) => ({ dump: p.dump, time: p.medianParseCpuMs })),
    },
    {
      name: 'analyze (in-process, wall)',
      points: r.parse.map((p) => ({ dump: p.dump, time: p.medianAnalyzeMs })),
    },
    { name: 'CLI check (wall)', points: r.cli.map((c) => ({ dump: c.dump, time: c.medianMs })) },
    { name: 'CLI check (CPU)', points: r.cli.map((c) => ({ dump: c.dump, time: c.medianCpuMs })) },
    {
      name: 'iptables-nft-restore --test (wall)',
      points: r.nft.map((n) => ({ dump: n.dump, time: n.medianMs })),
    },
    {
      name: 'iptables-nft-restore --test (CPU)',
      points: r.nft.map((n) => ({ dump: n.dump, time: n.medianCpuMs })),
    },
  ];
  const labels = r.dumps.map((d) => d.label);
  const steps = r.dumps
    .slice(1)
    .map((d, i) => `${r.dumps[i]!.label}→${d.label} (×${(d.lines / r.dumps[i]!.lines).toFixed(1)} lines)`);
  const out = [
    '### 6. Scaling (time ≈ c · lines^k, k fitted by least squares on the log–log points)',
    '',
    `| measure | ${labels.join(' | ')} | ${steps.map((x) => `time ratio ${x}`).join(' | ')} | k | verdict |`,
    `| --- | ${labels.map(() => '---:').join(' | ')} | ${steps.map(() => '---:').join(' | ')} | ---: | --- |`,
  ];
  for (const row of series) {
    if (row.points.length === 0) continue;
    const times = r.dumps.map((d) => row.points.find((p) => p.dump.file === d.file)?.time ?? NaN);
    const ratios = times.slice(1).map((t, i) => ratio(t, times[i]!));
    const k = fitExponent(row.points.map((p) => ({ size: p.dump.lines, time: p.time })));
    out.push(
      `| ${row.name} | ${times.map(s).join(' | ')} | ${ratios.join(' | ')} | ${Number.isFinite(k) ? k.toFixed(2) : '–'} | ${growthVerdict(k)} |`,
    );
  }
  return out;
}

function blockingSection(b: BlockingResult | undefined): string[] {
  if (!b) return [];
  return [
    `### 7. Responsiveness while the ${b.dump.label} dump is opened`,
    '',
    `A hover on a small open document every ${b.intervalMs} ms, each sent without waiting for the previous, ` +
      `from didOpen of the big dump until its diagnostics (${s(b.openMs)}).`,
    '',
    '| pings | median | worst | worst after the didOpen message was written | pings over 100 ms | progress: create / $/progress | messages shown |',
    '| ---: | ---: | ---: | ---: | ---: | --- | --- |',
    `| ${b.pings} | ${ms(b.medianMs)} ms | ${ms(b.worstMs)} ms | ${ms(b.worstAfterTransferMs)} ms | ${b.over100Ms} | ` +
      `${b.progressCreates} / ${b.progressNotifications}${b.progressTitles.length ? ` (${b.progressTitles.join('; ')})` : ''} | ` +
      `${b.shownMessages.length ? b.shownMessages.map((m) => `"${m}"`).join('; ') : 'none'} |`,
    '',
    `The worst ping was sent ${s(b.worstSentAfterOpenMs)} after didOpen; latest.json has every ping's send time and round trip.`,
    ...serverStallLines(b),
  ];
}

/** The server's own event-loop stalls during the open (suite/eventLoopWatch.js), when recorded. */
function serverStallLines(b: BlockingResult): string[] {
  if (!b.serverStalls) return [];
  const writtenAfter = b.epochMs.written - b.epochMs.sent;
  const longest = (list: readonly (readonly [number, number])[]): string =>
    list.length ? `${Math.max(...list.map(([, d]) => d))} ms` : 'none over 20 ms';
  const after = b.serverStalls.filter(([at]) => at >= writtenAfter);
  const listed = b.serverStalls
    .filter(([, d]) => d > 50)
    .map(([at, d]) => `${d} ms at ${s(at)}`)
    .join(', ');
  return [
    '',
    `The server's own view (a 2 ms timer in its event loop, suite/eventLoopWatch.js): longest stall ` +
      `${longest(b.serverStalls)} during the open, ${longest(after)} after the didOpen message was written ` +
      `(${s(writtenAfter)} after didOpen); stalls over 50 ms: ${listed || 'none'}. A ping sent while the ` +
      'message was on its way waits behind it in the pipe, whatever the server does.',
  ];
}

function targetsSection(r: SuiteResults): string[] {
  const out = ['### Issue #8 targets', ''];
  for (const open of r.open.filter((o) => o.dump.lines >= 100_000)) {
    const nft = r.nft.find((n) => n.dump.file === open.dump.file);
    if (!nft) continue;
    const timeOk = open.medianMs <= nft.medianMs / 2;
    const memoryOk = open.medianPeakRssKiB <= nft.medianPeakRssKiB;
    out.push(
      `- Open → diagnostics on ${open.dump.label} at most half of \`iptables-restore --test\`, memory no higher: ` +
        `time ${met(timeOk)} (${s(open.medianMs)} vs ${s(nft.medianMs)}, ${ratio(open.medianMs, nft.medianMs)}; ` +
        `CPU ${s(open.medianCpuMs)} vs ${s(nft.medianCpuMs)}, ${ratio(open.medianCpuMs, nft.medianCpuMs)}; target ≤ 0.5×), ` +
        `memory ${met(memoryOk)} (${mb(open.medianPeakRssKiB)} vs ${mb(nft.medianPeakRssKiB)}, ${ratio(open.medianPeakRssKiB, nft.medianPeakRssKiB)}).`,
    );
  }
  if (r.edit) {
    out.push(
      `- Edit → diagnostics on ${r.edit.dump.label} under 50 ms median: ${met(r.edit.medianMs < 50)} ` +
        `(${ms(r.edit.medianMs)} ms including the ${r.edit.debounce.ms} ms debounce, ${ms(r.edit.medianNetMs)} ms net of it).`,
    );
  }
  const quick = r.requests.filter((q) => /hover|definition|completion/.test(q.request));
  if (quick.length > 0) {
    const worst = Math.max(...quick.map((q) => q.p99Ms));
    out.push(
      `- Hover/definition/completion under 5 ms p99: ${met(worst < 5)} (` +
        quick.map((q) => `${q.request.replace('textDocument/', '')} ${ms(q.p99Ms)} ms`).join(', ') +
        ').',
    );
  }
  const bigTrace = r.traces[r.traces.length - 1];
  if (bigTrace) {
    out.push(
      `- Trace under 10 ms on ${bigTrace.dump.label}: ${met(bigTrace.medianMs < 10)} (median ${ms(bigTrace.medianMs)} ms, first ${ms(bigTrace.firstMs)} ms).`,
    );
  }
  if (r.blocking) {
    const b = r.blocking;
    const stalls = b.serverStalls;
    const serverView = stalls
      ? `; the server's longest event-loop stall ${stalls.length ? Math.max(...stalls.map(([, d]) => d)) : '≤ 20'} ms`
      : '';
    out.push(
      `- No request blocked more than 100 ms on ${b.dump.label}: ${met(b.worstMs <= 100)} (worst ${ms(b.worstMs)} ms over ${b.pings} pings, ` +
        `${ms(b.worstAfterTransferMs)} ms for those sent after the didOpen message was written${serverView}). ` +
        `Progress for work over 1 s: ${met(b.openMs <= 1000 || b.progressNotifications > 0)} ` +
        `(${b.progressNotifications} $/progress notifications during a ${s(b.openMs)} open).`,
    );
  }
  return out;
}

/** The results as the markdown section BENCHMARKS.md carries. */
export function formatMarkdown(r: SuiteResults): string {
  const sections = [
    machineSection(r),
    openSection(r),
    editSection(r.edit),
    requestSection(r),
    traceSection(r),
    cliSection(r),
    scalingSection(r),
    blockingSection(r.blocking),
    targetsSection(r),
  ];
  return sections
    .filter((section) => section.length > 0)
    .map((section) => section.join('\n'))
    .join('\n\n')
    .concat('\n');
}
