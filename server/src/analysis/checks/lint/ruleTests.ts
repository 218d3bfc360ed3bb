import type { AddressSpec, InterfaceSpec, Match, OptionUse, PortRange, Rule } from '../../../model/rule';
import { isUnknownMatch } from '../../../model/rule';
import { saveOptionName } from '../../../format/optionNames';

/**
 * A rule broken down into independent tests on one packet property each, so that "every packet the
 * later rule matches is also matched by the earlier one" can be decided test by test. Only facts the
 * man pages state are used (iptables(8), iptables-extensions(8)); anything else is either an opaque
 * test (equal only to the very same option) or makes the rule unusable as a shadowing witness.
 */
export type RuleTest =
  | { readonly dim: 'protocol'; readonly negated: boolean; readonly name: string }
  | {
      readonly dim: 'source' | 'destination';
      readonly negated: boolean;
      readonly nets: readonly AddressSpec[];
    }
  | { readonly dim: 'in' | 'out'; readonly negated: boolean; readonly iface: InterfaceSpec }
  /** `-f`: second and later fragments; `! -f` (and every port/icmp match): unfragmented or first fragments. */
  | { readonly dim: 'fragment'; readonly negated: boolean }
  /** Port sets with negation already applied: the packet's port lies in one of the intervals. */
  | { readonly dim: 'sport' | 'dport'; readonly intervals: readonly Interval[] }
  | {
      readonly dim: 'nfmark' | 'ctmark';
      readonly negated: boolean;
      readonly value: number;
      readonly mask: number;
    }
  /** Conntrack states with negation applied, within {INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED}. */
  | { readonly dim: 'ctstate'; readonly states: ReadonlySet<string> }
  | { readonly dim: 'tcpflags'; readonly negated: boolean; readonly mask: number; readonly comp: number }
  /** A test we only compare for equality: same module, option, negation and arguments. */
  | { readonly dim: 'opaque'; readonly key: string };

export interface Interval {
  readonly from: number;
  readonly to: number;
}

export interface RuleTests {
  /** False when the rule holds a test we cannot reason about (unknown or stateful module). */
  readonly decidable: boolean;
  readonly familyOnly?: 4 | 6;
  readonly tests: readonly RuleTest[];
}

/**
 * Matches whose result depends on state that changes as packets are counted (token buckets, counters,
 * random draws, recent lists, the clock): two equal options can still disagree, so they never prove coverage.
 */
const statefulModules = new Set([
  'limit',
  'statistic',
  'recent',
  'hashlimit',
  'connlimit',
  'quota',
  'connbytes',
  'nth',
  'random',
  'time',
  'nfacct',
  'rateest',
]);

/** The five mutually exclusive conntrack states (xt_conntrack; SNAT/DNAT are orthogonal flags). */
const exclusiveStates = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'];

/** Matches that never match a non-first fragment (xt_tcpudp, xt_multiport, icmp: `if (par->fragoff != 0) return false`). */
const fragmentExcluding = new Set(['tcp', 'udp', 'multiport', 'icmp', 'icmp6']);

const allPorts: Interval = { from: 0, to: 0xffff };

export function ruleTests(rule: Rule): RuleTests {
  const tests: RuleTest[] = [];
  let decidable = true;
  const p = rule.protocol;
  if (p && !(p.value === 'all' && !p.negated))
    tests.push({ dim: 'protocol', negated: p.negated, name: p.value });
  if (rule.source && !allAddresses(rule.source.value, rule.source.negated)) {
    tests.push({ dim: 'source', negated: rule.source.negated, nets: rule.source.value });
  }
  if (rule.destination && !allAddresses(rule.destination.value, rule.destination.negated)) {
    tests.push({ dim: 'destination', negated: rule.destination.negated, nets: rule.destination.value });
  }
  if (rule.inInterface)
    tests.push({ dim: 'in', negated: rule.inInterface.negated, iface: rule.inInterface.value });
  if (rule.outInterface)
    tests.push({ dim: 'out', negated: rule.outInterface.negated, iface: rule.outInterface.value });
  if (rule.fragment) tests.push({ dim: 'fragment', negated: rule.fragment.negated });
  // A generic option the model holds no typed value for (a hostname, say) cannot be compared.
  for (const use of rule.genericOptions) {
    if (use.name === 'source' && !rule.source) decidable = false;
    if (use.name === 'destination' && !rule.destination) decidable = false;
  }
  for (const match of rule.matches) {
    const result = matchTests(match);
    if (result === undefined) decidable = false;
    else tests.push(...result);
  }
  return { decidable, familyOnly: rule.familyOnly, tests };
}

function allAddresses(nets: readonly AddressSpec[], negated: boolean): boolean {
  return !negated && nets.some((n) => n.mask === 0n);
}

/** The tests one match contributes; undefined when the match cannot be reasoned about. */
function matchTests(match: Match): RuleTest[] | undefined {
  if (isUnknownMatch(match) || statefulModules.has(match.module)) return undefined;
  const tests: RuleTest[] = [];
  if (fragmentExcluding.has(match.module)) tests.push({ dim: 'fragment', negated: true });
  switch (match.module) {
    case 'comment':
      return [];
    case 'tcp':
    case 'udp':
      if (match.sport) tests.push(portTest('sport', [match.sport.value], match.sport.negated));
      if (match.dport) tests.push(portTest('dport', [match.dport.value], match.dport.negated));
      if (match.module === 'tcp' && match.tcpFlags) {
        const mask = flagBits(match.tcpFlags.value.mask);
        const comp = flagBits(match.tcpFlags.value.comp);
        if (mask === undefined || comp === undefined) return undefined;
        tests.push({ dim: 'tcpflags', negated: match.tcpFlags.negated, mask, comp });
      }
      return [...tests, ...opaqueRest(match, ['sport', 'dport', 'tcp-flags', 'syn'])];
    case 'multiport':
      if (match.sports) tests.push(portTest('sport', match.sports.value, match.sports.negated));
      if (match.dports) tests.push(portTest('dport', match.dports.value, match.dports.negated));
      return [...tests, ...opaqueRest(match, ['sports', 'dports'])];
    case 'mark':
    case 'connmark':
      if (match.mark) {
        const dim = match.module === 'mark' ? 'nfmark' : 'ctmark';
        const { value, mask } = match.mark.value;
        tests.push({ dim, negated: match.mark.negated, value: value >>> 0, mask: mask >>> 0 });
      }
      return [...tests, ...opaqueRest(match, ['mark'])];
    case 'conntrack':
    case 'state': {
      const states = match.module === 'conntrack' ? match.ctstate : match.state;
      const named = match.module === 'conntrack' ? 'ctstate' : 'state';
      if (states && states.value.every((s) => exclusiveStates.includes(s))) {
        const set = new Set<string>(states.value);
        const effective = states.negated ? exclusiveStates.filter((s) => !set.has(s)) : [...set];
        tests.push({ dim: 'ctstate', states: new Set(effective) });
        return [...tests, ...opaqueRest(match, [named])];
      }
      return [...tests, ...opaqueRest(match, [])];
    }
    default:
      return [...tests, ...opaqueRest(match, [])];
  }
}

function portTest(dim: 'sport' | 'dport', ranges: readonly PortRange[], negated: boolean): RuleTest {
  const intervals = ranges.map((r) => ({ from: Math.min(r.from, r.to), to: Math.max(r.from, r.to) }));
  return { dim, intervals: negated ? complement(intervals, allPorts) : normalise(intervals) };
}

function opaqueRest(match: Match, handled: readonly string[]): RuleTest[] {
  return match.options
    .filter((o) => !handled.includes(saveOptionName(o.name)))
    .map((o) => ({ dim: 'opaque' as const, key: opaqueKey(match.module, o) }));
}

function opaqueKey(module: string, use: OptionUse): string {
  return `${module}\u0000${use.name}\u0000${use.negated ? '!' : ''}\u0000${use.args.map((a) => a.text).join('\u0000')}`;
}

const tcpFlagBits: Readonly<Record<string, number>> = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ALL: 0x3f,
  NONE: 0,
};

function flagBits(names: readonly string[]): number | undefined {
  let bits = 0;
  for (const name of names) {
    const bit = tcpFlagBits[name.toUpperCase()];
    if (bit === undefined) return undefined;
    bits |= bit;
  }
  return bits;
}

export function normalise(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to + 1) out[out.length - 1] = { from: last.from, to: Math.max(last.to, i.to) };
    else out.push({ ...i });
  }
  return out;
}

function complement(intervals: readonly Interval[], universe: Interval): Interval[] {
  const out: Interval[] = [];
  let next = universe.from;
  for (const i of normalise(intervals)) {
    if (i.from > next) out.push({ from: next, to: i.from - 1 });
    next = Math.max(next, i.to + 1);
  }
  if (next <= universe.to) out.push({ from: next, to: universe.to });
  return out;
}
