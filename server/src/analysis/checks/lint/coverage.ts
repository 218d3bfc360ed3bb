import type { AddressSpec, InterfaceSpec } from '../../../model/rule';
import type { Interval, RuleTest, RuleTests } from './ruleTests';

/**
 * Whether every packet `later` matches is also matched by `earlier` — proven test by test: each test
 * of the earlier rule must be implied by one test of the later rule. Sound, not complete: when in
 * doubt the answer is false, so a shadowing warning is never a guess.
 */
export function covers(earlier: RuleTests, later: RuleTests): boolean {
  if (!earlier.decidable) return false;
  if (earlier.familyOnly !== undefined && earlier.familyOnly !== later.familyOnly) return false;
  return earlier.tests.every((e) => later.tests.some((l) => implies(l, e)));
}

/** Whether a packet passing test `l` necessarily passes test `e`. */
export function implies(l: RuleTest, e: RuleTest): boolean {
  switch (e.dim) {
    case 'protocol':
      if (l.dim !== 'protocol') return false;
      if (!e.negated) return !l.negated && l.name === e.name;
      return l.negated ? l.name === e.name : l.name !== e.name && l.name !== 'all';
    case 'source':
    case 'destination': {
      if (l.dim !== e.dim) return false;
      if (!e.negated) return !l.negated && l.nets.every((n) => e.nets.some((m) => netContains(m, n)));
      if (!l.negated) return l.nets.every((n) => e.nets.every((m) => netsDisjoint(m, n)));
      return e.nets.every((m) => l.nets.some((n) => netContains(n, m)));
    }
    case 'in':
    case 'out': {
      if (l.dim !== e.dim) return false;
      if (!e.negated) return !l.negated && ifaceContains(e.iface, l.iface);
      if (!l.negated) return ifaceDisjoint(e.iface, l.iface);
      return ifaceContains(l.iface, e.iface);
    }
    case 'fragment':
      return l.dim === 'fragment' && l.negated === e.negated;
    case 'sport':
    case 'dport':
      return l.dim === e.dim && intervalsWithin(l.intervals, e.intervals);
    case 'nfmark':
    case 'ctmark': {
      if (l.dim !== e.dim) return false;
      if (!e.negated) {
        // (x & lm) == lv implies (x & em) == ev when em ⊆ lm and lv agrees with ev on em.
        return !l.negated && (e.mask & ~l.mask) === 0 && (l.value & e.mask) >>> 0 === e.value;
      }
      if (!l.negated) return ((l.value ^ e.value) & l.mask & e.mask) >>> 0 !== 0;
      // !(x & lm == lv) implies !(x & em == ev) when (x & em == ev) implies (x & lm == lv).
      return (l.mask & ~e.mask) === 0 && (e.value & l.mask) >>> 0 === l.value;
    }
    case 'ctstate':
      return l.dim === 'ctstate' && [...l.states].every((s) => e.states.has(s));
    case 'tcpflags':
      if (l.dim !== 'tcpflags') return false;
      if (e.negated) return l.negated && l.mask === e.mask && l.comp === e.comp;
      return !l.negated && (e.mask & ~l.mask) === 0 && (l.comp & e.mask) === e.comp;
    case 'opaque':
      return l.dim === 'opaque' && l.key === e.key;
  }
}

/** a ⊇ b for value/mask networks, masks not necessarily contiguous. */
function netContains(a: AddressSpec, b: AddressSpec): boolean {
  if (a.family !== b.family) return false;
  return (a.mask & ~b.mask) === 0n && (b.address & a.mask) === (a.address & a.mask);
}

function netsDisjoint(a: AddressSpec, b: AddressSpec): boolean {
  if (a.family !== b.family) return false;
  return ((a.address ^ b.address) & a.mask & b.mask) !== 0n;
}

/** `eth+` ⊇ `eth0` ⊇ `eth0`; a lone `+` matches every name (iptables(8), -i). */
function ifaceContains(a: InterfaceSpec, b: InterfaceSpec): boolean {
  if (!a.wildcard) return !b.wildcard && a.name === b.name;
  return b.name.startsWith(a.name);
}

function ifaceDisjoint(a: InterfaceSpec, b: InterfaceSpec): boolean {
  if (!a.wildcard && !b.wildcard) return a.name !== b.name;
  if (a.wildcard && !b.wildcard) return !b.name.startsWith(a.name);
  if (!a.wildcard && b.wildcard) return !a.name.startsWith(b.name);
  return !a.name.startsWith(b.name) && !b.name.startsWith(a.name);
}

function intervalsWithin(inner: readonly Interval[], outer: readonly Interval[]): boolean {
  return inner.every((i) => outer.some((o) => o.from <= i.from && i.to <= o.to));
}
