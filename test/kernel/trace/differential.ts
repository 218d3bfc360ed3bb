/**
 * One differential check: a connection (or datagram) sent through the real kernel in a PodPair and
 * through the simulator, compared on per-rule and per-policy packet counters (`iptables-save -c`),
 * on which listener accepted it, and on whether the client's connect() succeeded.
 */
import { parseDocument } from '../../../server/src/parser/parseDocument';
import type { ParsedDocument } from '../../../server/src/parser/parseDocument';
import { parseAddress } from '../../../server/src/trace/address';
import { istioPolicyRoute, simulate } from '../../../server/src/trace/simulator';
import type { PacketSpec, ScenarioPacket, TraceResult } from '../../../server/src/trace/types';
import type { CounterMap, PodPair } from '../lib/pod';
import { podAddress } from '../lib/pod';

/** Ports the pod listens on (ztunnel's with SO_MARK 1337, as ztunnel sets it on every socket). */
export const ztunnelListeners = [15001, 15006, 15008, 15053] as const;
export const appPorts = [8080, 53, 9000, 9001] as const;
export const listenerMarks: Readonly<Record<number, number>> = Object.fromEntries(
  ztunnelListeners.map((p) => [p, 1337]),
);

export interface KernelConnection {
  readonly family: 4 | 6;
  readonly protocol: 'tcp' | 'udp';
  readonly origin: 'out' | 'in';
  readonly src: string;
  readonly dst: string;
  readonly dport: number;
  readonly mark?: number;
  readonly transparent?: boolean;
  readonly label: string;
}

export interface Comparison {
  readonly agreed: boolean;
  readonly report: string;
  readonly trace: TraceResult;
}

/** The tables every load declares, so what the kernel holds is exactly what the simulator reads. */
const allTables: Record<string, readonly string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** The file plus empty blocks for the tables it lacks, appended so the file's line numbers stay. */
export function completeTables(text: string): string {
  const present = new Set([...text.matchAll(/^\*(\S+)/gm)].map((m) => m[1]));
  const missing = Object.keys(allTables).filter((t) => !present.has(t));
  const base = text.endsWith('\n') ? text : `${text}\n`;
  return (
    base +
    missing
      .map((t) => `*${t}\n${allTables[t].map((c) => `:${c} ACCEPT [0:0]`).join('\n')}\nCOMMIT\n`)
      .join('')
  );
}

/** A loaded rule set: its text as the kernel got it, and our parse of that same text. */
export interface LoadedRules {
  readonly text: string;
  readonly doc: ParsedDocument;
  readonly family: 4 | 6;
  readonly policyRoute: boolean;
}

export function prepare(fileText: string, family: 4 | 6, policyRoute: boolean): LoadedRules {
  const text = completeTables(fileText);
  return { text, doc: parseDocument(text), family, policyRoute };
}

/** The packets a kernel connection puts on the wire: SYN, SYN-ACK, ACK, RST (the client closes with SO_LINGER 0). */
export function wirePackets(spec: PacketSpec): ScenarioPacket[] {
  if (spec.protocol !== 'tcp') return [{ kind: 'packet', spec, description: 'datagram' }];
  return [
    { kind: 'packet', spec, description: 'SYN' },
    { kind: 'reply', of: 0, tcpFlags: ['SYN', 'ACK'], description: 'SYN-ACK' },
    { kind: 'again', of: 0, tcpFlags: ['ACK'], requires: 1, description: 'ACK' },
    { kind: 'again', of: 0, tcpFlags: ['RST'], requires: 1, description: 'RST (close with SO_LINGER 0)' },
  ];
}

export function simulateConnection(rules: LoadedRules, conn: KernelConnection, sport: number): TraceResult {
  const pod = parseAddress(podAddress[conn.family])!.value;
  const spec: PacketSpec = {
    family: conn.family,
    protocol: conn.protocol,
    src: parseAddress(conn.src)!.value,
    dst: parseAddress(conn.dst)!.value,
    sport,
    dport: conn.dport,
    origin: conn.origin,
    ...(conn.origin === 'in' ? { iif: 'eth0' } : {}),
    mark: conn.mark ?? 0,
    ...(conn.transparent ? { transparent: true } : {}),
    tcpFlags: conn.protocol === 'tcp' ? ['SYN'] : [],
  };
  return simulate(rules.doc.ruleset, wirePackets(spec), {
    localAddresses: [pod],
    interfaceAddresses: new Map([['eth0', pod]]),
    policyRoutes: rules.policyRoute ? [istioPolicyRoute] : [],
    socketMarks: new Map(Object.entries(listenerMarks).map(([port, mark]) => [Number(port), mark])),
  });
}

/** Packet counts per rule/policy the simulator predicts, keyed like PodPair.counters(). */
export function expectedCounters(rules: LoadedRules, trace: TraceResult): CounterMap {
  const indexByLine = new Map<string, string>();
  for (const table of rules.doc.ruleset.tables) {
    for (const chain of table.chains.values()) {
      chain.rules.forEach((rule, i) =>
        indexByLine.set(`${table.name}:${rule.line + 1}`, `${table.name}:${chain.name}:${i}`),
      );
    }
  }
  const counts: CounterMap = new Map();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const packet of trace.packets) {
    for (const step of packet.steps) {
      if (step.kind === 'rule' && step.matched === true)
        add(indexByLine.get(`${step.table}:${step.line}`) ?? `?${step.line}`);
      if (step.kind === 'policy') add(`${step.table}:${step.chain}:policy`);
    }
  }
  return counts;
}

/** Which listener the simulator says accepts the connection: `pod:PORT` / `peer:PORT`, or none. */
export function expectedAccepts(trace: TraceResult): string[] {
  const [first, synAck, ack] = trace.packets;
  const accepted =
    first.spec.protocol === 'tcp'
      ? [first, synAck, ack].every((p) => p?.final.fate === 'accept')
      : first.final.fate === 'accept';
  if (!accepted) return [];
  const f = first.final;
  return [f.delivered === 'local' ? `pod:${f.socketPort}` : `peer:${f.dport}`];
}

function describeMap(map: CounterMap): string {
  return [...map]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Runs one connection through the kernel (rules freshly loaded, so counters start at zero) and compares. */
export async function compareConnection(
  pair: PodPair,
  rules: LoadedRules,
  conn: KernelConnection,
  sport: number,
): Promise<Comparison> {
  pair.load(rules.family === 4 ? rules.text : undefined, rules.family === 6 ? rules.text : undefined, false);
  const trace = simulateConnection(rules, conn, sport);
  const agent = conn.origin === 'out' ? pair.podAgent : pair.peerAgent;
  const result = await agent.client({
    cmd: conn.protocol,
    family: conn.family,
    src: conn.src,
    sport,
    dst: conn.dst,
    dport: conn.dport,
    mark: conn.mark ?? 0,
    transparent: conn.transparent ?? false,
    timeout: 0.25,
  });
  await pair.podAgent.sync();
  await pair.peerAgent.sync();
  const accepts = [
    ...pair.podAgent.take().map((e) => `pod:${e.listener}`),
    ...pair.peerAgent.take().map((e) => `peer:${e.listener}`),
  ];
  const actual = pair.counters(rules.family);
  // Undecidable matches (statistic, ipset) make the simulator list every outcome: the kernel must pick one of them.
  const candidates = [trace, ...trace.alternatives];
  const verdicts = candidates.map((candidate) => {
    const expected = expectedCounters(rules, candidate);
    const expectedAccept = expectedAccepts(candidate);
    const expectedConnect =
      conn.protocol === 'udp' ||
      (candidate.packets[0].final.fate === 'accept' && candidate.packets[1]?.final.fate === 'accept');
    const countersAgree = describeMap(actual) === describeMap(expected);
    const acceptsAgree = accepts.join(',') === expectedAccept.join(',');
    const connectAgrees = (result.ok ?? false) === expectedConnect;
    return { countersAgree, acceptsAgree, connectAgrees, expected, expectedAccept, expectedConnect };
  });
  const agreed = verdicts.some((v) => v.countersAgree && v.acceptsAgree && v.connectAgrees);
  const v = verdicts[0];
  const report = agreed
    ? ''
    : [
        `${conn.label} (sport ${sport})${candidates.length > 1 ? ` [none of ${candidates.length} outcomes; main shown]` : ''}:`,
        v.countersAgree
          ? ''
          : `  counters kernel:    ${describeMap(actual)}\n  counters simulator: ${describeMap(v.expected)}`,
        v.acceptsAgree
          ? ''
          : `  accepted kernel: [${accepts.join(',')}] simulator: [${v.expectedAccept.join(',')}]`,
        v.connectAgrees
          ? ''
          : `  connect kernel: ${result.ok ? 'ok' : (result.error ?? 'failed')} simulator: ${v.expectedConnect ? 'ok' : 'fails'}`,
      ]
        .filter((l) => l !== '')
        .join('\n');
  return { agreed, report, trace };
}
