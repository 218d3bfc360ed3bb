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
import { istioPolicyRoute, simulate } from '../../../server/src/trace/simulator';
import type { PacketSpec, PacketState, ScenarioPacket, TraceResult } from '../../../server/src/trace/types';
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
import { randomCase } from './randomRules';

const randomCount = Number(process.env.IPL_TRACE_EFFECTS_RANDOM ?? 200);

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

/** The simulator's view of the pod: its two addresses, eth0's primary one, ztunnel's socket marks. */
function simulateSpec(rules: LoadedRules, packets: readonly ScenarioPacket[]): TraceResult {
  const family = rules.family;
  const pod = parseAddress(podAddress[family])!.value;
  const secondary = parseAddress(secondaryPodAddress[family])!.value;
  return simulate(rules.doc.ruleset, packets, {
    localAddresses: [pod, secondary],
    interfaceAddresses: new Map([['eth0', pod]]),
    policyRoutes: rules.policyRoute ? [istioPolicyRoute] : [],
    socketMarks: new Map(Object.entries(listenerMarks).map(([p, mark]) => [Number(p), mark])),
  });
}

function simulateConnection(rules: LoadedRules, conn: KernelConnection, port: number): TraceResult {
  const spec: PacketSpec = {
    family: conn.family,
    protocol: conn.protocol,
    src: parseAddress(conn.src)!.value,
    dst: parseAddress(conn.dst)!.value,
    sport: port,
    dport: conn.dport,
    origin: conn.origin,
    ...(conn.origin === 'in' ? { iif: 'eth0' } : {}),
    mark: conn.mark ?? 0,
    tcpFlags: conn.protocol === 'tcp' ? ['SYN'] : [],
  };
  return simulateSpec(rules, wirePackets(spec));
}

/** The REJECT that decided the client's first packet: its --reject-with and the packet as it was rejected. */
interface Rejection {
  readonly with: string | undefined;
  readonly state: PacketState;
}

/**
 * The REJECT rule that decided the client's first packet. (A rejected reply sends its error to the
 * server side; the client only sees its handshake time out.)
 */
function rejection(trace: TraceResult): Rejection | undefined {
  const first = trace.packets[0];
  if (first.final.fate === 'reject') {
    for (const step of first.steps) {
      if (step.kind === 'rule' && step.action === 'reject' && step.rule.target?.kind === 'REJECT')
        return { with: step.rule.target.rejectWith, state: step.state };
    }
  }
  return undefined;
}

/**
 * Whether REJECT's answer gets back to the client. It is a locally generated packet (nf_send_reset /
 * nf_send_unreach send it through ip_local_out, mark 0 as fwmark_reflect is off), so it crosses the
 * pod's OUTPUT and POSTROUTING chains, and for a local client also PREROUTING and INPUT: a DROP
 * policy there swallows it. No rule can match it (natRejectCases.ts), so its fate is the policies';
 * the simulator traces it like any packet from the rejected packet's destination to its source.
 */
function answerReachesClient(rules: LoadedRules, trace: TraceResult, rejected: Rejection): boolean {
  const s = rejected.state;
  const reset = rejected.with === 'tcp-reset';
  if (!reset && s.family === 4 && icmpHasNoSource(rules, trace, rejected)) return false;
  const icmp: PacketSpec['protocol'] = s.family === 4 ? 'icmp' : 'icmpv6';
  const answer: PacketSpec = {
    family: s.family,
    protocol: reset ? 'tcp' : icmp,
    src: s.dst,
    dst: s.src,
    sport: reset ? s.dport : 0,
    dport: reset ? s.sport : 0,
    origin: 'out',
    mark: 0,
    tcpFlags: reset ? ['RST', 'ACK'] : [],
    // Destination unreachable, port unreachable (RFC 792 type 3 code 3; RFC 4443 type 1 code 4).
    ...(reset ? {} : s.family === 4 ? { icmpType: 3, icmpCode: 3 } : { icmpType: 1, icmpCode: 4 }),
  };
  const final = simulateSpec(rules, [{ kind: 'packet', spec: answer, description: 'REJECT answer' }])
    .packets[0].final;
  const clientIsLocal = trace.packets[0].spec.origin === 'out';
  return final.fate === 'accept' && (final.delivered === 'local') === clientIsLocal;
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

/**
 * IPv4 only: an ICMP error about a packet routed to this host takes that packet's destination as
 * its source (net/ipv4/icmp.c __icmp_send, RTCF_LOCAL). When the destination is routed here without
 * being a local address (Istio's fwmark policy route does that), the output route lookup for that
 * foreign source fails and no error is sent. (IPv6 uses the destination only when it is a local
 * address, icmp6_send; a RST is routed with ip_route_me_harder, which accepts a foreign source.)
 */
function icmpHasNoSource(rules: LoadedRules, trace: TraceResult, rejected: Rejection): boolean {
  const steps = trace.packets[0].steps;
  const at = steps.findIndex((step) => step.kind === 'rule' && step.action === 'reject');
  const route = steps
    .slice(0, at)
    .reverse()
    .find((step) => step.kind === 'route');
  if (route?.kind !== 'route' || route.result !== 'local') return false;
  const family = rules.family;
  const local = [podAddress[family], secondaryPodAddress[family]].map((a) => parseAddress(a)!.value);
  const dst = rejected.state.dst;
  const loopback = family === 4 ? dst >> 24n === 127n : dst === 1n;
  return !loopback && !local.includes(dst);
}

/** The client's observation the simulator predicts, in the same words as observed(). */
function expectedObservation(rules: LoadedRules, trace: TraceResult): string {
  const first = trace.packets[0];
  const rejected = rejection(trace);
  const heard =
    rejected !== undefined && answerReachesClient(rules, trace, rejected)
      ? rejectErrno(rejected.with)
      : undefined;
  if (first.spec.protocol === 'tcp') {
    if (expectedConnect(trace)) return 'connected';
    return heard ?? 'timeout';
  }
  const send = expectedConnect(trace) ? 'none' : 'EPERM';
  return `send ${send}, icmp ${heard ?? 'none'}`;
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

  /** One connection through kernel and simulator; the mismatch report, or '' when they agree. */
  async function compare(
    rules: LoadedRules,
    conn: KernelConnection,
    before: CounterMap,
  ): Promise<{ report: string; totals: CounterMap }> {
    const port = sport++;
    const trace = simulateConnection(rules, conn, port);
    const agent = conn.origin === 'out' ? pair.podAgent : pair.peerAgent;
    const result = await agent.client({
      cmd: conn.protocol,
      family: conn.family,
      src: conn.src,
      sport: port,
      dst: conn.dst,
      dport: conn.dport,
      mark: conn.mark ?? 0,
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
    const predicted = expectedObservation(rules, trace);
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

  let routeInstalled = false;

  /** Loads the rules (with Istio's policy route when asked) and compares every connection. */
  async function check(rules: LoadedRules, connections: readonly KernelConnection[]): Promise<string[]> {
    if (rules.policyRoute !== routeInstalled) {
      if (rules.policyRoute) pair.addIstioPolicyRoute();
      else pair.removeIstioPolicyRoute();
      routeInstalled = rules.policyRoute;
    }
    await loadRules(pair, rules);
    const failures: string[] = [];
    let counters: CounterMap = new Map();
    for (const conn of connections) {
      const { report, totals } = await compare(rules, conn, counters);
      counters = totals;
      if (report === '') agreements++;
      else failures.push(report);
    }
    return failures;
  }

  for (const family of [4, 6] as const) {
    for (const c of natRejectCases(family)) {
      it(`Should agree with the kernel on ${c.name}`, async () => {
        assert.deepEqual(await check(prepare(c.text, c.family, false), c.connections), []);
      });
    }
  }

  it(`Should agree on ${randomCount} random rule sets with REJECT, SNAT, MASQUERADE and DNAT to the peer`, async () => {
    const failures: string[] = [];
    // IPL_TRACE_SEEDS=15,21 re-runs chosen seeds while debugging.
    const seeds =
      process.env.IPL_TRACE_SEEDS?.split(',').map(Number) ??
      Array.from({ length: randomCount }, (_, i) => i + 1);
    for (const seed of seeds) {
      const c = randomCase(seed, { effects: true });
      try {
        const found = await check(prepare(c.text, c.family, c.policyRoute), c.connections);
        if (found.length > 0) failures.push(`seed ${seed}:\n${found.join('\n')}\n${c.text}`);
      } catch (error) {
        failures.push(`seed ${seed}: ${(error as Error).message}\n${c.text}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
