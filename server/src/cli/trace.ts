import type { CliIo } from './io';
import { exitCodes } from './io';
import { parseDocument } from '../parser/parseDocument';
import { unusableInputReason } from './inputGuard';
import { defaultSettings } from '../settings';
import { parseAddress } from '../trace/address';
import { formatTraceJson, formatTraceText } from '../trace/format';
import { scenariosFor, tracePacket, traceScenarioByName } from '../trace/tracer';
import type { PolicyRoute, TraceOptions } from '../trace/types';

const usage = `usage: iptables-lens trace FILE (--packet "SPEC" | --scenario NAME | --list-scenarios)
                          [--format text|json] [--verbose]
                          [--policy-route MARK/MASK]... [--no-policy-route] [--local ADDRESS]...
  SPEC: PROTO SRC:PORT -> DST:PORT [out|in|fwd] [iif=IF] [oif=IF] [mark=N] [ctmark=N] [ctstate=S]
        [uid=N] [gid=N] [flags=SYN,ACK] [transparent=yes]     IPv6 endpoints as [ADDR]:PORT
  e.g.  --packet "tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out"
  --policy-route 0x111/0xfff  packets with this mark are routed to local delivery (an 'ip rule' the
                              dump cannot show; Istio ambient pods get this one by default)
  FILE may be - for standard input.
exit status: 0 traced, 1 the trace could not be completed (loop), 2 usage or I/O error, or an input
that is empty or does not look like an iptables-save file`;

interface TraceArgs {
  readonly file: string;
  readonly packet?: string;
  readonly scenario?: string;
  readonly list: boolean;
  readonly format: 'text' | 'json';
  readonly verbose: boolean;
  readonly options: TraceOptions;
}

/** `iptables-lens trace`: the packet tracer for terminals and CI. Never throws. */
export async function runTrace(
  argv: readonly string[],
  io: Pick<CliIo, 'stdout' | 'stderr' | 'readFile'> & Partial<Pick<CliIo, 'readStdin'>>,
): Promise<number> {
  const parsed = parseTraceArgs(argv);
  if ('error' in parsed) {
    io.stderr(`iptables-lens trace: ${parsed.error}\n${usage}\n`);
    return exitCodes.usage;
  }
  let text: string;
  try {
    text = parsed.file === '-' && io.readStdin ? await io.readStdin() : await io.readFile(parsed.file);
  } catch (error) {
    io.stderr(`iptables-lens trace: ${(error as Error).message}\n`);
    return exitCodes.usage;
  }
  // Like the editor above its size limit: a node dump keeps its rule lines as handles, and the trace
  // reads only the lines the packet reaches (a 150,000-line dump in a second instead of four).
  const doc = parseDocument(text, {
    onDemand: text.length > defaultSettings.diagnostics.maxFileSizeForAnalysis,
  });
  const unusable = unusableInputReason(parsed.file === '-' ? '<stdin>' : parsed.file, doc);
  if (unusable !== undefined) {
    io.stderr(`iptables-lens trace: ${unusable}\n`);
    return exitCodes.usage;
  }
  if (parsed.list) {
    const scenarios = scenariosFor(doc.ruleset);
    if (parsed.format === 'json')
      io.stdout(
        `${JSON.stringify(
          scenarios.map(({ name, title, description }) => ({ name, title, description })),
          null,
          2,
        )}\n`,
      );
    else io.stdout(scenarios.map((s) => `${s.name.padEnd(24)} ${s.title}\n`).join(''));
    return exitCodes.clean;
  }
  const outcome =
    parsed.packet !== undefined
      ? tracePacket(doc, parsed.packet, parsed.options)
      : traceScenarioByName(doc, parsed.scenario ?? '', parsed.options);
  if (!outcome.ok) {
    io.stderr(`iptables-lens trace: ${outcome.error}\n`);
    return exitCodes.usage;
  }
  if (parsed.format === 'json') {
    io.stdout(`${JSON.stringify(formatTraceJson(outcome.result), null, 2)}\n`);
  } else {
    io.stdout(formatTraceText(outcome.result, text.split(/\r?\n/), parsed.verbose));
  }
  return outcome.result.packets.some((p) => p.final.fate === 'loop') ? exitCodes.findings : exitCodes.clean;
}

function parseTraceArgs(argv: readonly string[]): TraceArgs | { error: string } {
  let file: string | undefined;
  let packet: string | undefined;
  let scenario: string | undefined;
  let list = false;
  let format: 'text' | 'json' = 'text';
  let verbose = false;
  let policyRoutes: PolicyRoute[] | undefined;
  const local: bigint[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--packet':
      case '-p':
        packet = value();
        if (packet === undefined) return { error: '--packet needs a spec' };
        break;
      case '--scenario':
      case '-s':
        scenario = value();
        if (scenario === undefined) return { error: '--scenario needs a name' };
        break;
      case '--list-scenarios':
        list = true;
        break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') return { error: `unknown format '${f ?? ''}' (text or json)` };
        format = f;
        break;
      }
      case '--verbose':
      case '-v':
        verbose = true;
        break;
      case '--no-policy-route':
        policyRoutes = [];
        break;
      case '--policy-route': {
        const text = value() ?? '';
        const m = /^(0x[0-9a-f]+|\d+)(?:\/(0x[0-9a-f]+|\d+))?$/i.exec(text);
        if (m === null)
          return { error: `bad --policy-route '${text}' (expected MARK[/MASK], e.g. 0x111/0xfff)` };
        const mark = Number(m[1]) >>> 0;
        const mask = m[2] !== undefined ? Number(m[2]) >>> 0 : 0xffffffff;
        (policyRoutes ??= []).push({
          mark,
          mask,
          table: 100,
          local: true,
          text: `ip rule add fwmark ${text} lookup 100; ip route add local default dev lo table 100`,
        });
        break;
      }
      case '--local': {
        const text = value() ?? '';
        const address = parseAddress(text);
        if (address === undefined) return { error: `bad --local address '${text}'` };
        local.push(address.value);
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return { error: `unknown option '${arg}'` };
        if (file !== undefined) return { error: `only one FILE may be traced (got '${file}' and '${arg}')` };
        file = arg;
    }
  }
  if (file === undefined) return { error: 'missing FILE' };
  const modes = [packet !== undefined, scenario !== undefined, list].filter(Boolean).length;
  if (modes !== 1) return { error: 'give exactly one of --packet, --scenario or --list-scenarios' };
  const options: TraceOptions = {
    ...(policyRoutes !== undefined ? { policyRoutes } : {}),
    ...(local.length > 0 ? { localAddresses: local } : {}),
  };
  return { file, packet, scenario, list, format, verbose, options };
}
