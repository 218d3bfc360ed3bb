/**
 * REJECT, SNAT, MASQUERADE and DNAT to the peer, against the real Linux kernel (needs root): the
 * hand-written rule sets of natRejectCases.ts are loaded into a pod namespace, real connections
 * and datagrams are sent, and three things must equal the simulator's prediction:
 *
 * - the per-rule packet counters (rules only: chain policies also count the ICMP errors and RSTs
 *   REJECT generates, which the simulator does not trace; see natRejectCases.ts for why no rule
 *   can match those);
 * - what the client observed: connect() succeeding, refused (ECONNREFUSED: a tcp-reset RST, or an
 *   ICMP port-unreachable, which tcp_v4_err / tcp_v6_err turn into ECONNREFUSED for a SYN_SENT
 *   socket) or timing out; for a datagram, sendto()'s error (EPERM when netfilter drops it on the
 *   sending path, as REJECT does) and the error the ICMP reply raises on the connected socket;
 * - who accepted it and the addresses the listener saw: the remote address and port (after SNAT /
 *   MASQUERADE) against the simulator's final source, the local address and port (after DNAT)
 *   against its final destination.
 *
 * Any disagreement is a simulator bug: fix the simulator, never this test.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { formatAddress, parseAddress } from '../../../server/src/trace/address';
import { simulate } from '../../../server/src/trace/simulator';
import type { PacketSpec, TraceResult } from '../../../server/src/trace/types';
import { PodPair, podAddress } from '../lib/pod';
import type { AgentEvent, CounterMap } from '../lib/pod';
import {
  appPorts,
  expectedAccepts,
  expectedConnect,
  expectedCounters,
  listenerMarks,
  loadRules,
  prepare,
  wirePackets,
  ztunnelListeners,
} from './differential';
import type { KernelConnection, LoadedRules } from './differential';
import { natRejectCases, secondaryPodAddress, snatAddress } from './natRejectCases';

/** Seconds a client waits for a handshake or an ICMP-raised error before calling it "none". */
const clientWait = 0.25;

function run(args: readonly string[]): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Python's exception text reduced to the errno the test reasons about. */
function errnoOf(error: string | undefined): string {
  if (error === undefined) return 'none';
  if (error.startsWith('ConnectionRefusedError')) return 'ECONNREFUSED';
  if (error.startsWith('TimeoutError')) return 'timeout';
  if (error.startsWith('PermissionError')) return 'EPERM';
  if (/No route to host/.test(error)) return 'EHOSTUNREACH';
  return error;
}

/** The REJECT rule that decided some packet of the trace, with its --reject-with. */
function rejection(trace: TraceResult): { readonly with: string | undefined } | undefined {
  for (const packet of trace.packets) {
    if (packet.final.fate !== 'reject') continue;
    for (const step of packet.steps) {
      if (step.kind === 'rule' && step.action === 'reject' && step.rule.target?.kind === 'REJECT')
        return { with: step.rule.target.rejectWith };
    }
  }
  return undefined;
}

/**
 * The errno a rejected connection's client sees. tcp-reset: the RST aborts the SYN_SENT socket
 * with ECONNREFUSED (tcp_reset()); a port-unreachable maps to ECONNREFUSED (icmp_err_convert /
 * icmpv6_err_convert), and is what REJECT sends when --reject-with is absent (iptables-extensions(8)).
 */
function rejectErrno(rejectWith: string | undefined): string {
  if (rejectWith === undefined || rejectWith === 'tcp-reset' || /port-unreachable$/.test(rejectWith))
    return 'ECONNREFUSED';
  return `unmodelled --reject-with ${rejectWith}`;
}

/** The client's observation the simulator predicts, in the same words as observed(). */
function expectedObservation(trace: TraceResult): string {
  const first = trace.packets[0];
  const rejected = rejection(trace);
  if (first.spec.protocol === 'tcp') {
    if (expectedConnect(trace)) return 'connected';
    return rejected !== undefined ? rejectErrno(rejected.with) : 'timeout';
  }
  const send = expectedConnect(trace) ? 'none' : 'EPERM';
  const icmp = rejected !== undefined ? rejectErrno(rejected.with) : 'none';
  return `send ${send}, icmp ${icmp}`;
}

/**
 * The client's observation. A connect() that timed out with a soft error pending counts as that
 * error: the ICMP reached the socket while connect() held its lock (the kernel then keeps it in
 * sk_err_soft and waits for the SYN's retransmission, which the IPv6 path does every time here),
 * so the reject was delivered all the same.
 */
function observed(protocol: 'tcp' | 'udp', result: AgentEvent): string {
  if (protocol === 'tcp') {
    if (result.ok === true) return 'connected';
    return result.soft_error ?? errnoOf(result.error);
  }
  return `send ${errnoOf(result.error)}, icmp ${errnoOf(result.icmp_error)}`;
}

/** `peer:9000 from 10.244.0.77:41003 to 10.244.0.1:9000` (the local side only for TCP). */
function describeAccept(
  where: string,
  protocol: string,
  remote: readonly [string, number],
  local: readonly [string | null, number] | undefined,
): string {
  const to = protocol === 'tcp' && local !== undefined ? ` to ${local[0]}:${local[1]}` : '';
  return `${where} from ${remote[0]}:${remote[1]}${to}`;
}

function expectedAcceptText(trace: TraceResult): string[] {
  const f = trace.packets[0].final;
  const family = trace.packets[0].spec.family;
  return expectedAccepts(trace).map((where) =>
    describeAccept(
      where,
      trace.packets[0].spec.protocol,
      [formatAddress(family, f.src), f.sport],
      [formatAddress(family, f.dst), f.dport],
    ),
  );
}

/** Rule counters only (see the file comment for why policies are left out). */
function ruleCounters(map: CounterMap): string {
  return [...map]
    .filter(([key]) => !key.endsWith(':policy'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
}

describe('REJECT, SNAT, MASQUERADE and DNAT to the peer agree with the Linux kernel', function () {
  this.timeout(1_800_000);
  const pair = new PodPair(0, 'nft', 'ipl-rj');
  let sport = 41000;
  let agreements = 0;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    pair.create();
    // The pod sends ICMP errors to the peer in quick succession: no per-destination rate limit.
    run([
      'ip',
      'netns',
      'exec',
      pair.pod,
      'sysctl',
      '-qw',
      'net.ipv4.icmp_ratelimit=0',
      'net.ipv6.icmp.ratelimit=0',
    ]);
    run(['ip', '-n', pair.pod, 'addr', 'add', `${secondaryPodAddress[4]}/24`, 'dev', 'eth0']);
    // Deprecated (preferred_lft 0): a client may bind it, source selection never picks it (RFC 6724 rule 3).
    run([
      'ip',
      '-n',
      pair.pod,
      'addr',
      'add',
      `${secondaryPodAddress[6]}/64`,
      'dev',
      'eth0',
      'nodad',
      'preferred_lft',
      '0',
    ]);
    // Static neighbours on the peer: no ARP/ND to resolve, and the SNAT address (owned by nobody)
    // reaches the pod, which undoes the translation in PREROUTING before routing.
    const podMac = /link\/ether ([0-9a-f:]+)/.exec(run(['ip', '-n', pair.pod, 'link', 'show', 'eth0']))![1];
    for (const address of [secondaryPodAddress[4], secondaryPodAddress[6], snatAddress[4], snatAddress[6]])
      run([
        'ip',
        '-n',
        pair.peer,
        'neigh',
        'replace',
        address,
        'lladdr',
        podMac,
        'dev',
        'eth0',
        'nud',
        'permanent',
      ]);
    const podPorts = [...new Set([...appPorts, ...ztunnelListeners])];
    await pair.startAgents(podPorts, [...appPorts, 15008, 3080], listenerMarks);
  });

  after(() => {
    pair.destroy();
    if (agreements > 0) console.log(`      kernel agreements: ${agreements} connections`);
  });

  function simulateIn(rules: LoadedRules, conn: KernelConnection, port: number): TraceResult {
    const family = conn.family;
    const pod = parseAddress(podAddress[family])!.value;
    const secondary = parseAddress(secondaryPodAddress[family])!.value;
    const spec: PacketSpec = {
      family,
      protocol: conn.protocol,
      src: parseAddress(conn.src)!.value,
      dst: parseAddress(conn.dst)!.value,
      sport: port,
      dport: conn.dport,
      origin: conn.origin,
      ...(conn.origin === 'in' ? { iif: 'eth0' } : {}),
      mark: 0,
      tcpFlags: conn.protocol === 'tcp' ? ['SYN'] : [],
    };
    return simulate(rules.doc.ruleset, wirePackets(spec), {
      localAddresses: [pod, secondary],
      interfaceAddresses: new Map([['eth0', pod]]),
      policyRoutes: [],
      socketMarks: new Map(Object.entries(listenerMarks).map(([p, mark]) => [Number(p), mark])),
    });
  }

  /** One connection through kernel and simulator; the mismatch report, or '' when they agree. */
  async function compare(
    rules: LoadedRules,
    conn: KernelConnection,
    before: CounterMap,
  ): Promise<{ report: string; totals: CounterMap }> {
    const port = sport++;
    const trace = simulateIn(rules, conn, port);
    const agent = conn.origin === 'out' ? pair.podAgent : pair.peerAgent;
    const result = await agent.client({
      cmd: conn.protocol,
      family: conn.family,
      src: conn.src,
      sport: port,
      dst: conn.dst,
      dport: conn.dport,
      timeout: clientWait,
      ...(conn.protocol === 'udp' ? { awaitError: clientWait } : {}),
    });
    await pair.podAgent.sync();
    await pair.peerAgent.sync();
    const accepts = [
      ...pair.podAgent.take().map((e) => ({ where: `pod:${e.listener}`, e })),
      ...pair.peerAgent.take().map((e) => ({ where: `peer:${e.listener}`, e })),
    ].map(({ where, e }) => describeAccept(where, e.proto ?? '?', e.peer ?? ['?', 0], e.local));
    const totals = await pair.counters(rules.family);
    const actual: CounterMap = new Map();
    for (const [key, value] of totals) {
      if (value !== (before.get(key) ?? 0)) actual.set(key, value - (before.get(key) ?? 0));
    }
    const lines: string[] = [];
    const kernelCounters = ruleCounters(actual);
    const simulatedCounters = ruleCounters(expectedCounters(rules, trace));
    if (kernelCounters !== simulatedCounters)
      lines.push(
        `  rule counters kernel:    ${kernelCounters}`,
        `  rule counters simulator: ${simulatedCounters}`,
      );
    const seen = observed(conn.protocol, result);
    const predicted = expectedObservation(trace);
    if (seen !== predicted) lines.push(`  client kernel: ${seen}; simulator: ${predicted}`);
    const expectedAccept = expectedAcceptText(trace);
    if (accepts.join(' | ') !== expectedAccept.join(' | '))
      lines.push(
        `  accepted kernel: [${accepts.join(' | ')}]`,
        `  accepted simulator: [${expectedAccept.join(' | ')}]`,
      );
    const report = lines.length === 0 ? '' : [`${conn.label} (sport ${port}):`, ...lines].join('\n');
    return { report, totals };
  }

  for (const family of [4, 6] as const) {
    for (const c of natRejectCases(family)) {
      it(`Should agree with the kernel on ${c.name}`, async () => {
        const rules = prepare(c.text, c.family, false);
        await loadRules(pair, rules);
        const failures: string[] = [];
        let counters: CounterMap = new Map();
        for (const conn of c.connections) {
          const { report, totals } = await compare(rules, conn, counters);
          counters = totals;
          if (report === '') agreements++;
          else failures.push(report);
        }
        assert.deepEqual(failures, []);
      });
    }
  }
});
