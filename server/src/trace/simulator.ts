/**
 * The netfilter simulator: walks packets through the hooks, tables and chains of a parsed rule set
 * the way the kernel does (reference iptables-format.md §10–§12):
 *
 * - hook order by table priority (raw, conntrack, mangle, nat, filter, security per hook: (raw −300, conntrack −200, mangle −150, nat DNAT −100, filter 0,
 *   security 50, nat SNAT 100; linux/netfilter_ipv4.h), routing where the kernel routes, and a
 *   re-route after mangle/nat OUTPUT changed the mark or the destination;
 * - conntrack across the packets of a scenario; nat only for a connection's first packet, its
 *   binding applied to every later packet in both directions;
 * - a locally generated packet routed to `lo` re-enters as inbound on `lo` with its conntrack
 *   entry attached (so nat PREROUTING/INPUT are skipped) and its mark kept;
 * - jump/goto/RETURN, policies, ACCEPT ending only the current table at this hook;
 * - undecidable matches fork the trace: the main branch assumes "matched", every other outcome is
 *   returned as an alternative with its assumptions.
 *
 * Pure and total: never throws on a rule set, and every traversal is bounded.
 */
import type { ConnmarkSaveRestore, Rule, XmarkOp } from '../model/rule';
import type { ChainModel, Ruleset, TableModel } from '../model/ruleset';
import { formatAddress, loopbackAddress } from './address';
import { ConntrackTable } from './conntrack';
import type { Connection } from './conntrack';
import { evaluateRule } from './evaluate';
import type { ConnectionView, MatchContext } from './evaluate';
import { chainPrefilter, failsOnDestination } from './prefilter';
import { extendMissRun, type OpenMissRun } from './misses';
import type { ChainPrefilter } from './prefilter';
import { Host } from './routing';
import type {
  Assumption,
  Hook,
  PacketFinal,
  PacketSpec,
  PacketState,
  PacketTrace,
  PolicyRoute,
  ScenarioPacket,
  StepAction,
  TableName,
  TraceOptions,
  TraceResult,
  TraceStep,
} from './types';

/** Hooks where nat chooses a destination binding; the others choose a source binding. */
const dnatHooks: ReadonlySet<Hook> = new Set(['PREROUTING', 'OUTPUT']);

const defaultMaxDepth = 64;
const defaultMaxAlternatives = 16;
/** Bound on rules evaluated in one table pass, so a goto cycle (which never deepens the stack) still ends. */
const maxRulesPerPass = 250_000;

/** Istio's policy route for ambient pods (istio-ambient.md §5; cni/pkg/iptables/iptables_linux.go). */
export const istioPolicyRoute: PolicyRoute = {
  mark: 0x111,
  mask: 0xfff,
  table: 100,
  local: true,
  text: 'ip rule add fwmark 0x111/0xfff lookup 100; ip route add local default dev lo table 100',
};

/** Resolved environment: the host, socket marks, and the sentences that state each assumption. */
interface Environment {
  readonly host: Host;
  /** Per family: conntrack runs in this netns (some rule needs it), see conntrackNeeded. */
  readonly conntrack: Readonly<Record<4 | 6, boolean>>;
  readonly socketMarks: ReadonlyMap<number, number>;
  readonly maxDepth: number;
  readonly maxAlternatives: number;
  readonly notes: readonly string[];
}

/** Simulates the packets of a scenario (or a single packet) through a rule set. Never throws. */
export function simulate(
  ruleset: Ruleset,
  packets: readonly ScenarioPacket[],
  options: TraceOptions = {},
): TraceResult {
  const index = indexTables(ruleset);
  const env = resolveEnvironment(ruleset, index, packets, options);
  const main = new Run(index, env, new Map()).execute(packets);
  const alternatives: TraceResult[] = [];
  // Enumerate the decision tree breadth-first: each run fixes a prefix of decisions and flips one default.
  const queue: { decisions: Map<string, boolean>; pending: readonly PendingDecision[] }[] = [
    { decisions: new Map(), pending: main.pending },
  ];
  while (queue.length > 0 && alternatives.length < env.maxAlternatives) {
    const { decisions, pending } = queue.shift()!;
    for (let i = 0; i < pending.length && alternatives.length < env.maxAlternatives; i++) {
      const next = new Map(decisions);
      for (let j = 0; j < i; j++) next.set(pending[j].key, true);
      next.set(pending[i].key, false);
      const run = new Run(index, env, next).execute(packets);
      alternatives.push(run.result([]));
      queue.push({ decisions: next, pending: run.pending });
    }
  }
  return main.result(alternatives);
}

interface PendingDecision {
  readonly key: string;
}

/** Tables of each family by name, so a step never scans the file (a pasted v4+v6 dump has both). */
interface TableIndex {
  get(family: 4 | 6, name: TableName): TableModel | undefined;
}

function indexTables(ruleset: Ruleset): TableIndex {
  const byFamily = new Map<string, TableModel>();
  const any = new Map<string, TableModel>();
  for (const table of ruleset.tables) {
    const family = table.family === 'ipv6' ? 6 : 4;
    if (!byFamily.has(`${family}:${table.name}`)) byFamily.set(`${family}:${table.name}`, table);
    if (!any.has(table.name)) any.set(table.name, table);
  }
  const hasFamily = (family: number): boolean =>
    ruleset.tables.some((t) => (t.family === 'ipv6' ? 6 : 4) === family);
  return {
    get: (family, name) => (hasFamily(family) ? byFamily.get(`${family}:${name}`) : any.get(name)),
  };
}

function resolveEnvironment(
  ruleset: Ruleset,
  index: TableIndex,
  packets: readonly ScenarioPacket[],
  options: TraceOptions,
): Environment {
  const notes: string[] = [];
  const ambient = looksLikeAmbientPod(ruleset);
  const policyRoutes = options.policyRoutes ?? (ambient ? [istioPolicyRoute] : []);
  for (const route of policyRoutes) {
    notes.push(`a policy route the dump cannot show: ${route.text}`);
  }
  const local: bigint[] = [];
  for (const p of packets) {
    if (p.kind !== 'packet') continue;
    if (p.spec.origin === 'out' && !p.spec.transparent && !local.includes(p.spec.src)) local.push(p.spec.src);
    if (p.spec.origin === 'in' && !local.includes(p.spec.dst)) local.push(p.spec.dst);
  }
  const localAddresses = options.localAddresses ?? local;
  const family =
    packets.find((p) => p.kind === 'packet')?.kind === 'packet'
      ? (packets.find((p) => p.kind === 'packet') as { spec: PacketSpec }).spec.family
      : 4;
  if (localAddresses.length > 0) {
    notes.push(
      `local addresses: ${localAddresses.map((a) => formatAddress(family, a)).join(', ')} and loopback`,
    );
  }
  const defaultInterface = options.defaultInterface ?? 'eth0';
  notes.push(`non-local destinations leave through ${defaultInterface}; IP forwarding is on`);
  const socketMarks =
    options.socketMarks ??
    (ambient ? new Map([15001, 15006, 15008, 15053].map((port) => [port, 0x539] as const)) : new Map());
  if (socketMarks.size > 0) {
    notes.push(
      `local listeners carry SO_MARK: ${[...socketMarks].map(([port, mark]) => `${port} → 0x${mark.toString(16)}`).join(', ')}`,
    );
  }
  const conntrack = { 4: conntrackRuns(index, 4, options), 6: conntrackRuns(index, 6, options) };
  if (!conntrack[family]) {
    notes.push(
      'conntrack is not running: no rule needs it (as the kernel registers its hooks only on demand), so nat is never consulted',
    );
  }
  return {
    host: new Host(localAddresses, policyRoutes, defaultInterface, options.interfaceAddresses ?? new Map()),
    conntrack,
    socketMarks,
    maxDepth: options.maxDepth ?? defaultMaxDepth,
    maxAlternatives: options.maxAlternatives ?? defaultMaxAlternatives,
    notes,
  };
}

/** Matches and targets whose kernel modules switch conntrack on in the netns (their checkentry calls nf_ct_netns_get). */
const conntrackMatches: ReadonlySet<string> = new Set([
  'conntrack',
  'state',
  'connmark',
  'connbytes',
  'connlimit',
  'connlabel',
  'helper',
]);
const conntrackTargets: ReadonlySet<string> = new Set([
  'CONNMARK',
  'CT',
  'NOTRACK',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'REDIRECT',
  'NETMAP',
  'CONNSECMARK',
]);

/**
 * Whether conntrack runs for a family. Since Linux 4.10 ("netfilter: conntrack: register hooks in
 * netns when needed by ruleset") a network namespace tracks connections only while some rule needs
 * it; without conntrack there is no entry, so the nat table is never consulted — the kernel tests
 * showed exactly that for rule sets without such rules. `options.conntrack` overrides it for hosts
 * where something outside the dump (nftables, another tool) switched it on.
 */
function conntrackRuns(index: TableIndex, family: 4 | 6, options: TraceOptions): boolean {
  if (options.conntrack === 'on') return true;
  if (options.conntrack === 'off') return false;
  for (const name of ['raw', 'mangle', 'nat', 'filter', 'security'] as const) {
    const table = index.get(family, name);
    if (table === undefined) continue;
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        if (rule.matches.some((m) => conntrackMatches.has(m.module))) return true;
        if (
          rule.target !== undefined &&
          conntrackTargets.has(rule.target.kind === 'unknown' ? rule.target.name : rule.target.kind)
        )
          return true;
      }
    }
  }
  return false;
}

/** An in-pod ambient dump: Istio's chains with the 0x111 connmark restore in mangle. */
export function looksLikeAmbientPod(ruleset: Ruleset): boolean {
  return ruleset.tables.some(
    (t) =>
      t.name === 'mangle' &&
      (t.chains.get('ISTIO_OUTPUT')?.rules.some((r) => r.target?.kind === 'CONNMARK') ?? false),
  );
}

type Verdict =
  | { readonly kind: 'accept'; readonly tproxyPort?: number }
  | { readonly kind: 'drop' | 'reject' | 'loop'; readonly line: number };

/** One exploration of the decision tree. */
class Run {
  private readonly conntrack = new ConntrackTable();
  private readonly traces: PacketTrace[] = [];
  private readonly resolvedSpecs: (PacketSpec | undefined)[] = [];
  private readonly assumptions: Assumption[] = [];
  /** Per packet: it reached the other end of its connection (see reachedPeer). */
  private readonly arrived: boolean[] = [];
  readonly pending: PendingDecision[] = [];

  // Per-packet state.
  private steps: TraceStep[] = [];
  private packetIndex = 0;
  private pass = 0;
  private state!: PacketState;
  private spec!: PacketSpec;
  private connection: Connection | undefined;

  constructor(
    private readonly tables: TableIndex,
    private readonly env: Environment,
    private readonly decisions: ReadonlyMap<string, boolean>,
  ) {}

  execute(packets: readonly ScenarioPacket[]): this {
    packets.forEach((packet, i) => {
      this.packetIndex = i;
      const spec = this.resolveSpec(packet);
      this.resolvedSpecs.push(spec);
      if (spec === undefined) {
        this.arrived.push(false);
        const earlier = packet.kind === 'packet' ? i : packet.of;
        const base = this.traces[earlier];
        this.traces.push({
          spec: base.spec,
          description: packet.description,
          steps: [],
          final: { ...base.final, fate: 'not-sent', delivered: undefined, decidedBy: undefined },
        });
        return;
      }
      const trace = this.tracePacket(spec, packet.description);
      this.traces.push(trace);
      this.arrived.push(this.reachedPeer(packet, trace));
    });
    return this;
  }

  result(alternatives: readonly TraceResult[]): TraceResult {
    return { packets: this.traces, assumptions: this.assumptions, environment: this.env.notes, alternatives };
  }

  /**
   * Whether a packet reached the other end of its connection: a reply must come back to where the
   * first packet came from (a local socket, or out of the host), else the sender never sees it.
   */
  private reachedPeer(packet: ScenarioPacket, trace: PacketTrace): boolean {
    if (trace.final.fate !== 'accept') return false;
    if (packet.kind !== 'reply') return true;
    const senderIsLocal = this.resolvedSpecs[packet.of]?.origin === 'out';
    return senderIsLocal === (trace.final.delivered === 'local');
  }

  /** Turns a reply/follow-up into a concrete packet from where the earlier packet ended up. */
  private resolveSpec(packet: ScenarioPacket): PacketSpec | undefined {
    if (packet.kind === 'packet') return packet.spec;
    const earlier = this.traces[packet.of];
    const earlierSpec = this.resolvedSpecs[packet.of];
    if (earlier === undefined || earlierSpec === undefined || earlier.final.fate !== 'accept')
      return undefined;
    if (packet.kind === 'again') {
      if (packet.requires !== undefined && !this.arrived[packet.requires]) return undefined;
      return { ...earlierSpec, tcpFlags: packet.tcpFlags, ctstate: undefined, ctmark: undefined };
    }
    const f = earlier.final;
    const base = {
      family: earlierSpec.family,
      protocol: earlierSpec.protocol,
      src: f.dst,
      dst: f.src,
      sport: f.dport,
      dport: f.sport,
      tcpFlags: packet.tcpFlags,
    };
    if (f.delivered === 'local') {
      const mark = f.socketPort !== undefined ? (this.env.socketMarks.get(f.socketPort) ?? 0) : 0;
      return { ...base, origin: 'out', mark };
    }
    return { ...base, origin: 'in', iif: f.oif, mark: 0 };
  }

  private tracePacket(spec: PacketSpec, description: string): PacketTrace {
    this.steps = [];
    this.pass = 0;
    this.spec = spec;
    this.connection = undefined;
    this.state = {
      family: spec.family,
      protocol: spec.protocol,
      src: spec.src,
      dst: spec.dst,
      sport: spec.sport,
      dport: spec.dport,
      iif: spec.origin === 'out' ? undefined : (spec.iif ?? this.env.host.defaultInterface),
      oif: undefined,
      mark: spec.mark >>> 0,
      ctmark: 0,
      // Before the conntrack hook (raw) the kernel sees no entry, which conntrack matches read as INVALID.
      ctstate: 'INVALID',
      ctdir: 'ORIGINAL',
      zone: 0,
      tcpFlags: spec.tcpFlags,
    };
    const final = spec.origin === 'out' ? this.outbound() : this.inbound();
    return { spec, description, steps: this.steps, final };
  }

  // ---- paths -------------------------------------------------------------------------------------

  private outbound(): PacketFinal {
    const host = this.env.host;
    let route = host.route(this.state.family, this.state.dst, this.state.mark, this.spec.oif);
    this.set({ oif: route.oif });
    this.push({
      kind: 'route',
      result: route.result === 'local' ? 'local' : 'out',
      oif: route.oif,
      reason: route.reason,
    });

    let v = this.runTable('OUTPUT', 'raw');
    if (v.kind !== 'accept') return this.ended(v);
    this.track('OUTPUT');
    const beforeMangle = this.state;
    v = this.runTable('OUTPUT', 'mangle');
    if (v.kind !== 'accept') return this.ended(v);
    if (
      beforeMangle.mark !== this.state.mark ||
      beforeMangle.dst !== this.state.dst ||
      beforeMangle.src !== this.state.src
    ) {
      route = this.reroute('mark or address changed in mangle OUTPUT');
    }
    const beforeNat = this.state;
    v = this.natHook('OUTPUT');
    if (v.kind !== 'accept') return this.ended(v);
    if (beforeNat.dst !== this.state.dst || beforeNat.dport !== this.state.dport) {
      route = this.reroute('destination changed in nat OUTPUT');
    }
    for (const table of ['filter', 'security'] as const) {
      v = this.runTable('OUTPUT', table);
      if (v.kind !== 'accept') return this.ended(v);
    }
    v = this.postrouting();
    if (v.kind !== 'accept') return this.ended(v);
    if (route.result === 'local') return this.loopBack();
    return this.delivered('out', route.oif);
  }

  /** A packet routed to `lo` comes back in as inbound, conntrack entry and mark attached. */
  private loopBack(): PacketFinal {
    this.pass = 1;
    this.set({ iif: 'lo', oif: undefined });
    this.push({ kind: 'loopback', note: 'looped back: re-enters as inbound on lo (conntrack entry kept)' });
    return this.inboundAfterConntrack(true);
  }

  private inbound(): PacketFinal {
    const v = this.runTable('PREROUTING', 'raw');
    if (v.kind !== 'accept') return this.ended(v);
    this.track('PREROUTING');
    return this.inboundAfterConntrack(false);
  }

  private inboundAfterConntrack(looped: boolean): PacketFinal {
    if (looped) {
      const v = this.runTable('PREROUTING', 'raw');
      if (v.kind !== 'accept') return this.ended(v);
    }
    let v = this.runTable('PREROUTING', 'mangle');
    if (v.kind !== 'accept') return this.ended(v);
    const tproxyPort = v.tproxyPort;
    v = this.natHook('PREROUTING');
    if (v.kind !== 'accept') return this.ended(v);
    // `fwd` only documents the user's intent: the routing decision is what the kernel would do.
    // A looped-back packet keeps the route its output path chose (ip_rcv_finish routes only an skb
    // without one), so a mark changed after that routing does not send it elsewhere.
    const route = looped
      ? {
          result: 'local' as const,
          oif: 'lo',
          reason: 'looped back: keeps the local route of its output path',
        }
      : this.env.host.route(this.state.family, this.state.dst, this.state.mark, this.spec.oif);
    const local = route.result === 'local';
    this.push({
      kind: 'route',
      result: local ? 'local' : 'forward',
      oif: local ? undefined : route.oif,
      reason: route.reason,
    });
    if (local) {
      for (const table of ['mangle', 'filter', 'security'] as const) {
        v = this.runTable('INPUT', table);
        if (v.kind !== 'accept') return this.ended(v);
      }
      v = this.natHook('INPUT');
      if (v.kind !== 'accept') return this.ended(v);
      this.confirm();
      const socketPort =
        tproxyPort ??
        (this.state.ctdir === 'ORIGINAL' ? this.connection?.socketPort : undefined) ??
        this.state.dport;
      if (
        this.connection !== undefined &&
        this.connection.socketPort === undefined &&
        this.state.ctdir === 'ORIGINAL'
      ) {
        this.connection.socketPort = socketPort;
      }
      return this.delivered(
        'local',
        undefined,
        this.spec.protocol === 'tcp' || this.spec.protocol === 'udp' ? socketPort : undefined,
      );
    }
    this.set({ oif: route.oif });
    for (const table of ['mangle', 'filter', 'security'] as const) {
      v = this.runTable('FORWARD', table);
      if (v.kind !== 'accept') return this.ended(v);
    }
    v = this.postrouting();
    if (v.kind !== 'accept') return this.ended(v);
    return this.delivered('forward', route.oif);
  }

  private postrouting(): Verdict {
    const v = this.runTable('POSTROUTING', 'mangle');
    if (v.kind !== 'accept') return v;
    const n = this.natHook('POSTROUTING');
    if (n.kind !== 'accept') return n;
    this.confirm();
    return n;
  }

  private reroute(why: string): ReturnType<Host['route']> {
    const route = this.env.host.route(this.state.family, this.state.dst, this.state.mark, this.spec.oif);
    this.set({ oif: route.oif });
    this.push({
      kind: 'route',
      result: route.result === 'local' ? 'local' : 'out',
      oif: route.oif,
      reason: `re-route (${why}): ${route.reason}`,
    });
    return route;
  }

  // ---- conntrack and nat --------------------------------------------------------------------------

  /** The conntrack hook (priority −200): look up or create the packet's connection. */
  private track(hook: Hook): void {
    if (!this.env.conntrack[this.state.family]) {
      this.push(
        {
          kind: 'conntrack',
          ctstate: 'INVALID',
          ctdir: 'ORIGINAL',
          note: 'conntrack is not running: no rule of this family needs it, so no entry and no nat',
        },
        hook,
      );
      return;
    }
    if (this.state.ctstate === 'UNTRACKED') {
      this.push(
        {
          kind: 'conntrack',
          ctstate: 'UNTRACKED',
          ctdir: 'ORIGINAL',
          note: 'not tracked (raw NOTRACK / CT --notrack)',
        },
        hook,
      );
      return;
    }
    const forced = this.spec.ctstate;
    if (
      (forced !== undefined && forced !== 'NEW') ||
      (forced === undefined && this.spec.ctmark !== undefined)
    ) {
      if (forced === 'INVALID' || forced === 'UNTRACKED') {
        this.set({ ctstate: forced });
        this.push(
          { kind: 'conntrack', ctstate: forced, ctdir: 'ORIGINAL', note: 'state given in the packet spec' },
          hook,
        );
        return;
      }
      const lookup = this.conntrack.lookup(this.state);
      const connection =
        lookup.created || lookup.connection === undefined
          ? this.conntrack.assume(this.state, this.spec.ctmark ?? 0)
          : lookup.connection;
      if (this.spec.ctmark !== undefined) connection.ctmark = this.spec.ctmark >>> 0;
      this.connection = connection;
      const state = forced ?? 'ESTABLISHED';
      this.set({
        ctstate: state,
        ctdir: lookup.created ? 'ORIGINAL' : lookup.direction,
        ctmark: connection.ctmark,
      });
      this.push(
        {
          kind: 'conntrack',
          ctstate: state,
          ctdir: this.state.ctdir,
          note: 'existing connection assumed from the packet spec',
        },
        hook,
      );
      return;
    }
    const lookup = this.conntrack.lookup(this.state);
    this.connection = lookup.connection;
    if (lookup.connection !== undefined && lookup.created && this.spec.ctmark !== undefined)
      lookup.connection.ctmark = this.spec.ctmark >>> 0;
    this.set({ ctstate: lookup.state, ctdir: lookup.direction, ctmark: lookup.connection?.ctmark ?? 0 });
    this.push({ kind: 'conntrack', ctstate: lookup.state, ctdir: lookup.direction, note: lookup.note }, hook);
  }

  private confirm(): void {
    if (this.connection !== undefined) this.conntrack.confirm(this.connection);
  }

  /**
   * A nat hook: the chains run only for a connection that has not chosen this binding yet; every
   * other tracked packet gets the stored binding applied (which changes nothing without NAT).
   */
  private natHook(hook: Hook): Verdict {
    const c = this.connection;
    if (
      this.tables.get(this.state.family, 'nat') === undefined ||
      c === undefined ||
      this.state.ctstate === 'UNTRACKED'
    ) {
      return { kind: 'accept' };
    }
    const destination = dnatHooks.has(hook);
    const done = destination ? c.dstNatDone : c.srcNatDone;
    if (!done && this.state.ctdir === 'ORIGINAL') {
      const v = this.runTable(hook, 'nat');
      if (destination) c.dstNatDone = true;
      else c.srcNatDone = true;
      return v.kind === 'accept' ? { kind: 'accept' } : v;
    }
    const before = this.state;
    this.applyBinding(c, destination);
    const changed = before !== this.state;
    this.push(
      {
        kind: 'nat-skipped',
        note: changed
          ? `nat not consulted (not a new connection); stored binding applied: ${describeChange(before, this.state)}`
          : 'nat not consulted (not a new connection)',
      },
      hook,
    );
    return { kind: 'accept' };
  }

  /** The manip the kernel applies at this hook type for the packet's direction (nf_nat_packet). */
  private applyBinding(c: Connection, destination: boolean): void {
    const original = this.state.ctdir === 'ORIGINAL';
    if (destination) {
      const target = original
        ? { dst: c.reply.src, dport: c.reply.sport }
        : { dst: c.original.src, dport: c.original.sport };
      if (target.dst !== this.state.dst || target.dport !== this.state.dport) this.set(target);
    } else {
      const target = original
        ? { src: c.reply.dst, sport: c.reply.dport }
        : { src: c.original.dst, sport: c.original.dport };
      if (target.src !== this.state.src || target.sport !== this.state.sport) this.set(target);
    }
  }

  // ---- chain traversal ----------------------------------------------------------------------------

  private runTable(hook: Hook, name: TableName): Verdict {
    const table = this.tables.get(this.state.family, name);
    if (table === undefined) return { kind: 'accept' };
    const base = table.chains.get(hook);
    if (base === undefined) return { kind: 'accept' };
    const stack: { chain: ChainModel; next: number }[] = [];
    let chain = base;
    let index = 0;
    let evaluated = 0;
    const gotos = new Set<string>();
    let prefilterChain: ChainModel | undefined;
    let prefilter: ChainPrefilter | undefined;
    let dstFor: PacketState | undefined;
    let dstNumber = 0;
    for (;;) {
      if (index >= chain.rules.length) {
        const popped = this.leaveChain(table, hook, chain, base, stack, undefined);
        if (popped === undefined) return this.policy(table, hook, base);
        ({ chain, next: index } = popped);
        continue;
      }
      const rule = chain.rules[index];
      if (++evaluated > maxRulesPerPass)
        return this.loop(
          table,
          hook,
          chain,
          rule,
          `more than ${maxRulesPerPass} rules evaluated in one pass`,
        );
      if (this.state.family === 4) {
        if (prefilterChain !== chain) {
          prefilterChain = chain;
          prefilter = chainPrefilter(chain);
        }
        if (dstFor !== this.state) {
          dstFor = this.state;
          dstNumber = Number(this.state.dst);
        }
        if (failsOnDestination(prefilter!, index, dstNumber)) {
          // The whole run of rules the prefilter rejects is recorded at once, without reading the
          // rule objects: the chain names where they are, the prefilter why they fail (condition 2).
          // Each still counts towards the per-pass limit, which the next iteration checks.
          let end = index + 1;
          while (
            end < chain.rules.length &&
            evaluated < maxRulesPerPass &&
            failsOnDestination(prefilter!, end, dstNumber)
          ) {
            end++;
            evaluated++;
          }
          this.notMatched(chain, hook, index, end, 2);
          index = end;
          continue;
        }
      }
      const matched = this.match(rule, hook, chain, index);
      if (matched !== true) {
        index++;
        continue;
      }
      const target = rule.target;
      if (target === undefined) {
        this.ruleStep(table, hook, rule, true, 'continue');
        index++;
        continue;
      }
      switch (target.kind) {
        case 'ACCEPT':
          this.ruleStep(table, hook, rule, true, 'accept');
          return { kind: 'accept' };
        case 'DROP':
          this.ruleStep(table, hook, rule, true, 'drop');
          return { kind: 'drop', line: rule.line + 1 };
        case 'REJECT':
          this.ruleStep(table, hook, rule, true, 'reject');
          return { kind: 'reject', line: rule.line + 1 };
        case 'RETURN': {
          this.ruleStep(table, hook, rule, true, 'return');
          const popped = this.leaveChain(table, hook, chain, base, stack, rule);
          if (popped === undefined) return this.policy(table, hook, base);
          ({ chain, next: index } = popped);
          continue;
        }
        case 'chain': {
          const callee = table.chains.get(target.name);
          if (callee === undefined) {
            this.ruleStep(table, hook, rule, true, 'unknown-target', {
              effect: `chain ${target.name} does not exist in ${table.name}; continuing`,
            });
            index++;
            continue;
          }
          if (stack.length + 1 > this.env.maxDepth) {
            return this.loop(
              table,
              hook,
              chain,
              rule,
              `jump depth exceeds ${this.env.maxDepth} (a jump cycle?)`,
            );
          }
          if (target.goto) {
            // A goto cycle never deepens the stack: the same goto, with the same return points
            // and an unchanged packet, taken twice can only repeat forever.
            const key = `${stack.map((f) => `${f.chain.name}@${f.next}`).join('/')}|${rule.line}|${this.stateVersion}`;
            if (gotos.has(key))
              return this.loop(table, hook, chain, rule, `goto cycle through ${target.name}`);
            gotos.add(key);
          }
          this.ruleStep(table, hook, rule, true, target.goto ? 'goto' : 'jump', { to: target.name });
          if (!target.goto) stack.push({ chain, next: index + 1 });
          chain = callee;
          index = 0;
          continue;
        }
        default: {
          const v = this.applyTarget(table, hook, rule);
          if (v !== undefined) return v;
          index++;
        }
      }
    }
  }

  /** Leaves a user chain (RETURN or its end); undefined when the builtin chain's policy applies. */
  private leaveChain(
    table: TableModel,
    hook: Hook,
    chain: ChainModel,
    base: ChainModel,
    stack: { chain: ChainModel; next: number }[],
    returnRule: Rule | undefined,
  ): { chain: ChainModel; next: number } | undefined {
    if (chain === base) return undefined;
    if (returnRule === undefined) {
      this.push(
        {
          kind: 'return',
          table: table.name as TableName,
          chain: chain.name,
          line: (chain.declarationLine ?? table.line) + 1,
        },
        hook,
      );
    }
    return stack.pop();
  }

  private policy(table: TableModel, hook: Hook, base: ChainModel): Verdict {
    const drop = base.policy === 'DROP';
    this.push(
      {
        kind: 'policy',
        table: table.name as TableName,
        chain: base.name,
        line: (base.declarationLine ?? table.line) + 1,
        action: drop ? 'drop' : 'accept',
      },
      hook,
    );
    return drop ? { kind: 'drop', line: (base.declarationLine ?? table.line) + 1 } : { kind: 'accept' };
  }

  private loop(table: TableModel, hook: Hook, chain: ChainModel, rule: Rule, note: string): Verdict {
    this.push(
      { kind: 'loop', table: table.name as TableName, chain: chain.name, line: rule.line + 1, note },
      hook,
    );
    return { kind: 'loop', line: rule.line + 1 };
  }

  /** Evaluates a rule, consulting or recording decisions for undecidable matches; records non-matches. */
  private match(rule: Rule, hook: Hook, chain: ChainModel, index: number): boolean {
    const outcome = evaluateRule(rule, this.matchContext(hook));
    if (outcome.matched === true) return true;
    if (outcome.matched === false) {
      this.notMatched(chain, hook, index, index + 1, outcome.condition);
      return false;
    }
    const key = `${this.packetIndex}:${this.pass}:${hook}:${rule.table}:${rule.line}`;
    let assumed = this.decisions.get(key);
    if (assumed === undefined) {
      assumed = true;
      this.pending.push({ key });
    }
    this.assumptions.push({
      line: rule.line + 1,
      packet: this.packetIndex,
      reason: outcome.reason,
      matched: assumed,
    });
    if (!assumed) {
      this.ruleStep(rule.table as TableName, hook, rule, 'undecidable', 'continue', {
        undecidable: { reason: outcome.reason, assumed },
      });
      return false;
    }
    this.pendingUndecidable = { reason: outcome.reason, assumed };
    return true;
  }

  /**
   * Records that rules `from` (inclusive) to `to` (exclusive) of `chain` did not match, all on
   * `condition`: the hot path of long chains. They join the miss run the last step holds when that
   * run ends right before them in the same chain at the same point of the trip; no object per rule
   * and no rule object read.
   */
  private notMatched(chain: ChainModel, hook: Hook, from: number, to: number, condition: number): void {
    const last = this.steps[this.steps.length - 1];
    if (
      last?.kind === 'misses' &&
      last.chainRules === chain.rules &&
      last.first + last.count === from &&
      last.hook === hook &&
      last.pass === this.pass &&
      last.packet === this.packetIndex &&
      last.state === this.state
    ) {
      extendMissRun(last as OpenMissRun, to, condition);
    } else {
      const run: OpenMissRun = {
        kind: 'misses',
        packet: this.packetIndex,
        pass: this.pass,
        hook,
        state: this.state,
        table: chain.table as TableName,
        chain: chain.name,
        chainRules: chain.rules,
        first: from,
        count: 0,
        conditions: new Uint8Array(16),
      };
      extendMissRun(run, to, condition);
      this.steps.push(run);
    }
    this.currentHook = hook;
  }

  private cachedContext: { state: PacketState; hook: Hook; pass: number; ctx: MatchContext } | undefined;

  /** The match context, rebuilt only when the packet, hook or pass changed. */
  private matchContext(hook: Hook): MatchContext {
    const c = this.cachedContext;
    if (
      c !== undefined &&
      c.state === this.state &&
      c.hook === hook &&
      c.pass === this.pass &&
      c.ctx.connection === this.connection
    ) {
      return c.ctx;
    }
    const state = this.state;
    const ctx: MatchContext = {
      hook,
      packet: state,
      socket:
        this.spec.origin === 'out' && (hook === 'OUTPUT' || hook === 'POSTROUTING') && this.pass === 0
          ? { uid: this.spec.uid, gid: this.spec.gid }
          : undefined,
      connection: this.connection as ConnectionView | undefined,
      addressType: (a) => this.env.host.addressType(state.family, a),
    };
    this.cachedContext = { state, hook, pass: this.pass, ctx };
    return ctx;
  }

  /** Set by match() when the rule that just matched was only assumed to. */
  private pendingUndecidable: { reason: string; assumed: boolean } | undefined;

  /** Non-jump targets: effects on the packet or connection, and whether traversal of the table ends. */
  private applyTarget(table: TableModel, hook: Hook, rule: Rule): Verdict | undefined {
    const target = rule.target!;
    const before = this.state;
    const c = this.connection;
    switch (target.kind) {
      case 'MARK':
        if (target.op) this.set({ mark: xmark(this.state.mark, target.op) });
        this.ruleStep(table, hook, rule, true, 'mark', {
          effect: `mark 0x${before.mark.toString(16)} → 0x${this.state.mark.toString(16)}`,
        });
        return undefined;
      case 'CONNMARK': {
        const op = target.op;
        if (c === undefined || op === undefined) {
          this.ruleStep(table, hook, rule, true, 'connmark', {
            effect: c === undefined ? 'no connection: nothing to mark' : 'no operation',
          });
          return undefined;
        }
        if (op.kind === 'set-xmark') {
          c.ctmark = xmark(c.ctmark, op);
          this.set({ ctmark: c.ctmark });
        } else if (op.kind === 'save-mark') {
          c.ctmark = save(c.ctmark, this.state.mark, op);
          this.set({ ctmark: c.ctmark });
        } else {
          this.set({ mark: restore(this.state.mark, c.ctmark, op) });
        }
        this.ruleStep(table, hook, rule, true, 'connmark', {
          effect: describeChange(before, this.state) || 'unchanged',
        });
        return undefined;
      }
      case 'LOG':
      case 'NFLOG':
        this.ruleStep(table, hook, rule, true, 'log');
        return undefined;
      case 'TRACE':
        this.ruleStep(table, hook, rule, true, 'trace');
        return undefined;
      case 'TCPMSS':
        this.ruleStep(table, hook, rule, true, 'continue');
        return undefined;
      case 'CT':
        if (target.notrack) this.set({ ctstate: 'UNTRACKED' });
        else if (target.zone !== undefined) this.set({ zone: target.zone });
        this.ruleStep(table, hook, rule, true, 'ct', {
          effect: target.notrack
            ? 'not tracked'
            : target.zone !== undefined
              ? `zone ${target.zone}`
              : 'template',
        });
        return undefined;
      case 'NOTRACK':
        this.set({ ctstate: 'UNTRACKED' });
        this.ruleStep(table, hook, rule, true, 'notrack');
        return undefined;
      case 'REDIRECT': {
        const dst =
          hook === 'OUTPUT'
            ? loopbackAddress(this.state.family)
            : this.env.host.interfaceAddress(this.state.family, this.state.iif);
        if (dst === undefined) {
          this.ruleStep(table, hook, rule, true, 'drop', {
            effect: `incoming interface ${this.state.iif ?? '?'} has no address: dropped`,
          });
          return { kind: 'drop', line: rule.line + 1 };
        }
        this.rewriteDestination(dst, target.toPorts?.from ?? this.state.dport);
        this.ruleStep(table, hook, rule, true, 'redirect', { effect: describeChange(before, this.state) });
        return { kind: 'accept' };
      }
      case 'DNAT': {
        const to = target.toDestination;
        this.rewriteDestination(
          to?.fromAddress?.address ?? this.state.dst,
          to?.ports?.from ?? this.state.dport,
        );
        this.ruleStep(table, hook, rule, true, 'dnat', { effect: describeChange(before, this.state) });
        return { kind: 'accept' };
      }
      case 'SNAT': {
        const to = target.toSource;
        this.rewriteSource(to?.fromAddress?.address ?? this.state.src, to?.ports?.from ?? this.state.sport);
        this.ruleStep(table, hook, rule, true, 'snat', { effect: describeChange(before, this.state) });
        return { kind: 'accept' };
      }
      case 'MASQUERADE': {
        const src = this.env.host.interfaceAddress(this.state.family, this.state.oif);
        this.rewriteSource(src ?? this.state.src, target.toPorts?.from ?? this.state.sport);
        this.ruleStep(table, hook, rule, true, 'masquerade', {
          effect: describeChange(before, this.state) || `source kept`,
        });
        return { kind: 'accept' };
      }
      case 'TPROXY': {
        if (target.tproxyMark)
          this.set({
            mark: xmark(this.state.mark, {
              kind: 'set-xmark',
              value: target.tproxyMark.value,
              mask: target.tproxyMark.mask,
              writtenAs: 'tproxy-mark',
            }),
          });
        const port = target.onPort !== undefined && target.onPort !== 0 ? target.onPort : this.state.dport;
        this.ruleStep(table, hook, rule, true, 'tproxy', {
          effect: `to the local listener on port ${port} (headers unchanged)${before.mark !== this.state.mark ? `; mark 0x${before.mark.toString(16)} → 0x${this.state.mark.toString(16)}` : ''}`,
        });
        return { kind: 'accept', tproxyPort: port };
      }
      case 'unknown':
        this.ruleStep(table, hook, rule, true, 'unknown-target', {
          effect: `target ${target.name} is not simulated; assumed to continue`,
        });
        return undefined;
      default:
        return undefined;
    }
  }

  private rewriteDestination(dst: bigint, dport: number): void {
    this.set({ dst, dport });
    if (this.connection) this.connection.reply = { ...this.connection.reply, src: dst, sport: dport };
  }

  private rewriteSource(src: bigint, sport: number): void {
    this.set({ src, sport });
    if (this.connection) this.connection.reply = { ...this.connection.reply, dst: src, dport: sport };
  }

  // ---- recording ----------------------------------------------------------------------------------

  /** Bumped on every packet change, so loop detection can tell "same place, same packet". */
  private stateVersion = 0;

  private set(change: Partial<PacketState>): void {
    this.stateVersion++;
    this.state = { ...this.state, ...change };
  }

  private currentHook: Hook = 'OUTPUT';

  private push(step: DistributiveOmit<TraceStep, 'packet' | 'pass' | 'hook' | 'state'>, hook?: Hook): void {
    if (hook !== undefined) this.currentHook = hook;
    this.steps.push({
      ...step,
      packet: this.packetIndex,
      pass: this.pass,
      hook: this.currentHook,
      state: this.state,
    } as TraceStep);
  }

  private ruleStep(
    table: TableModel | TableName,
    hook: Hook,
    rule: Rule,
    matched: boolean | 'undecidable',
    action: StepAction,
    extra: {
      to?: string;
      effect?: string;
      undecidable?: { reason: string; assumed: boolean };
    } = {},
  ): void {
    const undecidable = extra.undecidable ?? (matched === true ? this.pendingUndecidable : undefined);
    this.pendingUndecidable = undefined;
    this.push(
      {
        kind: 'rule',
        table: (typeof table === 'string' ? table : table.name) as TableName,
        chain: rule.chain,
        line: rule.line + 1,
        rule,
        matched: undecidable !== undefined ? 'undecidable' : matched,
        action,
        ...(extra.to !== undefined ? { to: extra.to } : {}),
        ...(extra.effect !== undefined ? { effect: extra.effect } : {}),
        ...(undecidable !== undefined ? { undecidable } : {}),
      },
      hook,
    );
  }

  private ended(v: Verdict): PacketFinal {
    if (v.kind === 'accept') return this.delivered('local');
    return { ...this.finalBase(), fate: v.kind, decidedBy: v.line };
  }

  private delivered(where: 'local' | 'forward' | 'out', oif?: string, socketPort?: number): PacketFinal {
    return {
      ...this.finalBase(),
      fate: 'accept',
      delivered: where,
      ...(oif !== undefined ? { oif } : {}),
      ...(socketPort !== undefined ? { socketPort } : {}),
    };
  }

  private finalBase(): Omit<PacketFinal, 'fate'> {
    const s = this.state;
    return {
      src: s.src,
      dst: s.dst,
      sport: s.sport,
      dport: s.dport,
      mark: s.mark,
      ctmark: this.connection?.ctmark ?? s.ctmark,
    };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** `x = (x & ~mask) ^ value`, the kernel's xt_MARK / xt_CONNMARK set-xmark. */
function xmark(x: number, op: XmarkOp): number {
  return ((x & ~op.mask) ^ op.value) >>> 0;
}

/** CONNMARK --save-mark: `ctmark = (ctmark & ~ctmask) ^ (nfmark & nfmask)` (xt_CONNMARK.c). */
function save(ctmark: number, mark: number, op: ConnmarkSaveRestore): number {
  return ((ctmark & ~op.ctmask) ^ (mark & op.nfmask)) >>> 0;
}

/** CONNMARK --restore-mark: `nfmark = (nfmark & ~nfmask) ^ (ctmark & ctmask)` (xt_CONNMARK.c). */
function restore(mark: number, ctmark: number, op: ConnmarkSaveRestore): number {
  return ((mark & ~op.nfmask) ^ (ctmark & op.ctmask)) >>> 0;
}

/** A short "what changed" text: addresses, ports, marks. Empty when nothing did. */
export function describeChange(before: PacketState, after: PacketState): string {
  const parts: string[] = [];
  const ep = (a: bigint, port: number): string =>
    `${before.family === 6 ? `[${formatAddress(6, a)}]` : formatAddress(4, a)}${before.protocol === 'tcp' || before.protocol === 'udp' ? `:${port}` : ''}`;
  if (before.dst !== after.dst || before.dport !== after.dport)
    parts.push(`dst ${ep(before.dst, before.dport)} → ${ep(after.dst, after.dport)}`);
  if (before.src !== after.src || before.sport !== after.sport)
    parts.push(`src ${ep(before.src, before.sport)} → ${ep(after.src, after.sport)}`);
  if (before.mark !== after.mark)
    parts.push(`mark 0x${before.mark.toString(16)} → 0x${after.mark.toString(16)}`);
  if (before.ctmark !== after.ctmark)
    parts.push(`ctmark 0x${before.ctmark.toString(16)} → 0x${after.ctmark.toString(16)}`);
  return parts.join(', ');
}
