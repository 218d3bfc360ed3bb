/**
 * One rule against one packet: the generic options and every match, each to true / false /
 * undecidable. Semantics from iptables(8) and iptables-extensions(8) of iptables 1.8.9; where the
 * packet alone cannot settle a match (ipset content, a random statistic, socket lookups, an unknown
 * module) the answer is `undecidable` with the reason, never a guess (ARCHITECTURE rule 8).
 */
import type { AddressSpec, CtState, InterfaceSpec, Match, Negatable, PortRange, Rule } from '../model/rule';
import { isUnknownMatch } from '../model/rule';
import type { Hook, MatchOutcome, PacketState, TraceProtocol } from './types';

/** What a match may ask about besides the packet itself. */
export interface MatchContext {
  readonly hook: Hook;
  readonly packet: PacketState;
  /** Owner of the sending socket; undefined when the packet was not sent by a local socket. */
  readonly socket?: { readonly uid?: number; readonly gid?: number };
  /** The connection's tuples, for the conntrack --ctorig and --ctrepl options and the SNAT/DNAT pseudo states. */
  readonly connection?: ConnectionView;
  /** Routing-table type of an address as addrtype sees it. */
  addressType(address: bigint): string;
}

export interface Tuple {
  readonly src: bigint;
  readonly dst: bigint;
  readonly sport: number;
  readonly dport: number;
}

export interface ConnectionView {
  readonly original: Tuple;
  readonly reply: Tuple;
  readonly seenReply: boolean;
  readonly confirmed: boolean;
}

export type RuleOutcome =
  | { readonly matched: true }
  /** `condition` indexes the rule's conditions (see describeCondition). */
  | { readonly matched: false; readonly condition: number }
  | { readonly matched: 'undecidable'; readonly reason: string };

/**
 * Conditions are numbered in kernel order: 0 `-4/-6`, 1 `-s`, 2 `-d`, 3 `-i`, 4 `-o`, 5 `-p`,
 * 6 `-f`, then 7 + n for the n-th `-m` match.
 */
const firstMatchCondition = 7;
const matchedOutcome: RuleOutcome = { matched: true };
/** Shared outcome objects, so tracing a long chain allocates nothing per rule that fails. */
const failedOutcomes: RuleOutcome[] = Array.from({ length: 64 }, (_, condition) => ({
  matched: false,
  condition,
}));

function failedAt(condition: number): RuleOutcome {
  return failedOutcomes[condition] ?? { matched: false, condition };
}

/**
 * Evaluates a rule's conditions. The kernel ANDs them left to right; a definite failure anywhere
 * therefore decides the rule even after an undecidable one.
 */
export function evaluateRule(rule: Rule, ctx: MatchContext): RuleOutcome {
  const p = ctx.packet;
  if (rule.familyOnly !== undefined && rule.familyOnly !== p.family) return failedAt(0);
  if (rule.source && anyAddress(rule.source.value, p.src) === rule.source.negated) return failedAt(1);
  if (rule.destination && anyAddress(rule.destination.value, p.dst) === rule.destination.negated)
    return failedAt(2);
  if (rule.inInterface && interfaceMatches(rule.inInterface.value, p.iif) === rule.inInterface.negated)
    return failedAt(3);
  if (rule.outInterface && interfaceMatches(rule.outInterface.value, p.oif) === rule.outInterface.negated)
    return failedAt(4);
  if (rule.protocol && protocolMatches(rule.protocol.value, p.protocol) === rule.protocol.negated)
    return failedAt(5);
  // Only unfragmented packets are simulated: `-f` matches second and later fragments.
  if (rule.fragment && !rule.fragment.negated) return failedAt(6);
  let undecidable: string | undefined;
  const matches = rule.matches;
  for (let i = 0; i < matches.length; i++) {
    const result = evaluateMatch(matches[i], ctx);
    if (result.outcome === false) return failedAt(firstMatchCondition + i);
    if (result.outcome === 'undecidable' && undecidable === undefined) {
      undecidable = result.reason ? `${matchText(matches[i])}: ${result.reason}` : matchText(matches[i]);
    }
  }
  return undecidable === undefined ? matchedOutcome : { matched: 'undecidable', reason: undecidable };
}

/** The text of one condition of a rule, as written, for "not matched: …" explanations. */
export function describeCondition(rule: Rule, condition: number): string {
  switch (condition) {
    case 0:
      return `-${rule.familyOnly} (rule is for IPv${rule.familyOnly} only)`;
    case 1:
      return rule.source ? optionText(rule.source) : '-s';
    case 2:
      return rule.destination ? optionText(rule.destination) : '-d';
    case 3:
      return rule.inInterface ? optionText(rule.inInterface) : '-i';
    case 4:
      return rule.outInterface ? optionText(rule.outInterface) : '-o';
    case 5:
      return rule.protocol ? optionText(rule.protocol) : '-p';
    case 6:
      return rule.fragment ? optionText(rule.fragment) : '-f';
    default: {
      const match = rule.matches[condition - firstMatchCondition];
      return match ? matchText(match) : `condition ${condition}`;
    }
  }
}

interface MatchResult {
  readonly outcome: MatchOutcome;
  readonly reason?: string;
}

const decided = (outcome: boolean): MatchResult => ({ outcome });
const cannot = (reason: string): MatchResult => ({ outcome: 'undecidable', reason });

/** ANDs the options of one match; an undecidable option keeps looking for a definite failure. */
function all(results: readonly MatchResult[]): MatchResult {
  let pending: MatchResult | undefined;
  for (const r of results) {
    if (r.outcome === false) return r;
    if (r.outcome === 'undecidable') pending ??= r;
  }
  return pending ?? decided(true);
}

function opt<T>(n: Negatable<T> | undefined, test: (value: T) => MatchOutcome): MatchResult {
  if (n === undefined) return decided(true);
  const outcome = test(n.value);
  return { outcome: n.negated && outcome !== 'undecidable' ? !outcome : outcome };
}

function evaluateMatch(match: Match, ctx: MatchContext): MatchResult {
  const p = ctx.packet;
  if (isUnknownMatch(match)) return cannot(`module '${match.module}' is not simulated`);
  switch (match.module) {
    case 'tcp':
      if (p.protocol !== 'tcp') return decided(false);
      return all([
        opt(match.sport, (r) => inRange(r, p.sport)),
        opt(match.dport, (r) => inRange(r, p.dport)),
        opt(match.tcpFlags, (f) => tcpFlagsMatch(f.mask, f.comp, p.tcpFlags)),
        match.tcpOption ? cannot('TCP options are not part of the packet spec') : decided(true),
      ]);
    case 'udp':
      if (p.protocol !== 'udp') return decided(false);
      return all([
        opt(match.sport, (r) => inRange(r, p.sport)),
        opt(match.dport, (r) => inRange(r, p.dport)),
      ]);
    case 'multiport':
      if (p.protocol !== 'tcp' && p.protocol !== 'udp') return decided(false);
      return all([
        opt(match.sports, (list) => list.some((r) => inRange(r, p.sport))),
        opt(match.dports, (list) => list.some((r) => inRange(r, p.dport))),
        opt(match.ports, (list) => list.some((r) => inRange(r, p.sport) || inRange(r, p.dport))),
      ]);
    case 'mark':
      return opt(match.mark, (m) => (p.mark & m.mask) >>> 0 === m.value >>> 0);
    case 'connmark':
      if (p.ctstate === 'UNTRACKED' || p.ctstate === 'INVALID') return decided(false);
      return opt(match.mark, (m) => (p.ctmark & m.mask) >>> 0 === m.value >>> 0);
    case 'conntrack':
      return all([
        opt(match.ctstate, (states) => states.some((s) => stateMatches(s, ctx))),
        opt(match.ctproto, (proto) => protocolMatches(proto, p.protocol)),
        opt(match.ctorigsrc, (a) => connectionAddress(ctx, a, (c) => c.original.src)),
        opt(match.ctorigdst, (a) => connectionAddress(ctx, a, (c) => c.original.dst)),
        opt(match.ctreplsrc, (a) => connectionAddress(ctx, a, (c) => c.reply.src)),
        opt(match.ctrepldst, (a) => connectionAddress(ctx, a, (c) => c.reply.dst)),
        opt(match.ctorigsrcport, (r) => connectionPort(ctx, r, (c) => c.original.sport)),
        opt(match.ctorigdstport, (r) => connectionPort(ctx, r, (c) => c.original.dport)),
        opt(match.ctreplsrcport, (r) => connectionPort(ctx, r, (c) => c.reply.sport)),
        opt(match.ctrepldstport, (r) => connectionPort(ctx, r, (c) => c.reply.dport)),
        opt(match.ctdir, (dir) => (ctx.connection ? dir === p.ctdir : false)),
        match.ctstatus ? ctstatusMatch(match.ctstatus, ctx) : decided(true),
      ]);
    case 'state':
      return opt(match.state, (states) => states.some((s) => stateMatches(s, ctx)));
    case 'owner': {
      // xt_owner: only packets with a local socket match; --socket-exists alone asks just that.
      if (ctx.socket === undefined)
        return decided(match.socketExists?.negated === true && !match.uidOwner && !match.gidOwner);
      const socket = ctx.socket;
      return all([
        opt(match.socketExists, () => true),
        match.uidOwner ? idMatch(match.uidOwner, socket.uid, 'uid') : decided(true),
        match.gidOwner ? idMatch(match.gidOwner, socket.gid, 'gid') : decided(true),
      ]);
    }
    case 'socket':
      return cannot('needs a socket lookup on this host');
    case 'addrtype':
      return all([
        opt(match.srcType, (types) => types.includes(ctx.addressType(p.src))),
        opt(match.dstType, (types) => types.includes(ctx.addressType(p.dst))),
      ]);
    case 'comment':
      return decided(true);
    case 'statistic':
      if (match.mode === 'random' && match.probability !== undefined) {
        if (match.probability >= 1) return decided(!match.negated);
        if (match.probability <= 0) return decided(match.negated);
        return cannot(`random with probability ${match.probability}`);
      }
      return cannot('depends on earlier packets (nth mode)');
    case 'set':
      return match.matchSet
        ? cannot(`the content of ipset '${match.matchSet.value.name}' is not in the dump`)
        : decided(true);
    case 'iprange':
      return all([
        opt(match.srcRange, (r) => r.from.address <= p.src && p.src <= r.to.address),
        opt(match.dstRange, (r) => r.from.address <= p.dst && p.dst <= r.to.address),
      ]);
    case 'physdev':
      return cannot('bridge ports are not simulated');
    case 'icmp':
      if (p.protocol !== 'icmp') return decided(false);
      return cannot('ICMP type is not tracked for this packet');
    case 'icmp6':
      if (p.protocol !== 'icmpv6') return decided(false);
      return cannot('ICMPv6 type is not tracked for this packet');
    case 'mac':
      return cannot('link-layer addresses are not simulated');
    case 'limit':
      return cannot('depends on the packet rate');
  }
}

function anyAddress(list: readonly AddressSpec[], address: bigint): boolean {
  return list.some((a) => (a.address & a.mask) === (address & a.mask));
}

/** iptables(8) -i/-o: `+` makes the name a prefix; no interface known (wrong hook) means no match. */
function interfaceMatches(spec: InterfaceSpec, name: string | undefined): boolean {
  if (name === undefined) return spec.wildcard && spec.name === '';
  return spec.wildcard ? name.startsWith(spec.name) : name === spec.name;
}

const protocolAliases: Readonly<Record<string, TraceProtocol>> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  'ipv6-icmp': 'icmpv6',
  icmp6: 'icmpv6',
  '58': 'icmpv6',
};

function protocolMatches(ruleProtocol: string, protocol: TraceProtocol): boolean {
  const name = ruleProtocol.toLowerCase();
  if (name === 'all' || name === '0') return true;
  return protocolAliases[name] === protocol;
}

function inRange(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** `--tcp-flags mask comp`: the flags in mask must be exactly those in comp. */
function tcpFlagsMatch(mask: readonly string[], comp: readonly string[], flags: readonly string[]): boolean {
  const expand = (list: readonly string[]): string[] =>
    list.flatMap((f) =>
      f.toUpperCase() === 'ALL'
        ? ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG']
        : f.toUpperCase() === 'NONE'
          ? []
          : [f.toUpperCase()],
    );
  const inMask = expand(mask);
  const wanted = new Set(expand(comp));
  return inMask.every((f) => flags.includes(f as never) === wanted.has(f));
}

/** conntrack --ctstate: the four real states plus the SNAT/DNAT pseudo states (iptables-extensions(8), conntrack). */
function stateMatches(state: CtState, ctx: MatchContext): boolean {
  const p = ctx.packet;
  if (state === 'SNAT' || state === 'DNAT') {
    const c = ctx.connection;
    if (c === undefined) return false;
    return state === 'DNAT'
      ? c.original.dst !== c.reply.src || c.original.dport !== c.reply.sport
      : c.original.src !== c.reply.dst || c.original.sport !== c.reply.dport;
  }
  return p.ctstate === state;
}

function ctstatusMatch(n: Negatable<readonly string[]>, ctx: MatchContext): MatchResult {
  const c = ctx.connection;
  const status = new Set<string>();
  if (c?.seenReply) status.add('SEEN_REPLY');
  if (c?.confirmed) status.add('CONFIRMED');
  const unknown = n.value.find((s) => !['NONE', 'SEEN_REPLY', 'CONFIRMED'].includes(s.toUpperCase()));
  if (unknown !== undefined) return cannot(`conntrack status ${unknown} is not simulated`);
  const hit = n.value.some((s) =>
    s.toUpperCase() === 'NONE' ? status.size === 0 : status.has(s.toUpperCase()),
  );
  return decided(n.negated ? !hit : hit);
}

function connectionAddress(ctx: MatchContext, a: AddressSpec, pick: (c: ConnectionView) => bigint): boolean {
  return ctx.connection !== undefined && (pick(ctx.connection) & a.mask) === (a.address & a.mask);
}

function connectionPort(ctx: MatchContext, r: PortRange, pick: (c: ConnectionView) => number): boolean {
  return ctx.connection !== undefined && inRange(r, pick(ctx.connection));
}

function idMatch(
  n: Negatable<{ from: number; to: number; text: string }>,
  id: number | undefined,
  what: string,
): MatchResult {
  if (Number.isNaN(n.value.from))
    return cannot(`${what} '${n.value.text}' cannot be resolved without the host's user database`);
  if (id === undefined)
    return cannot(`the sending socket's ${what} is not given (add ${what}=N to the packet)`);
  const hit = n.value.from <= id && id <= n.value.to;
  return decided(n.negated ? !hit : hit);
}

function optionText(n: Negatable<unknown>): string {
  const o = n.option;
  return `${o.negated ? '! ' : ''}${o.token.text}${o.args.map((a) => ` ${a.text}`).join('')}`;
}

function matchText(match: Match): string {
  const head = match.implicit ? '' : `-m ${match.module}`;
  const options = match.options.map(
    (o) => `${o.negated ? '! ' : ''}${o.token.text}${o.args.map((a) => ` ${a.text}`).join('')}`,
  );
  return [head, ...options].filter((s) => s !== '').join(' ');
}
