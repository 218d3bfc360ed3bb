import type { Rule } from '../../../model/rule';
import { targetSpecs } from '../../../netfilter/targets';

const endsChain = new Map(targetSpecs.map((t) => [t.name, t.termination !== 'continue']));

/**
 * Whether a matching packet never reaches the next rule of this chain: a verdict (ACCEPT, DROP,
 * RETURN …), a terminating extension (REDIRECT, TPROXY, DNAT …) or a `-g` goto, which does not come
 * back (iptables(8), TARGETS; the termination column of the netfilter knowledge base). A `-j` to a
 * user chain may return, and an unknown extension is not assumed to terminate.
 */
export function endsChainTraversal(rule: Rule): boolean {
  const target = rule.target;
  if (!target) return false;
  if (target.kind === 'chain') return target.goto;
  return endsChain.get(target.name) ?? false;
}

/** A rule whose only tests are comments: it matches every packet. */
export function isUnconditional(rule: Rule): boolean {
  const onlyCounters = rule.genericOptions.every((o) => ['set-counters', 'ipv4', 'ipv6'].includes(o.name));
  const protocolAll = !rule.protocol || (rule.protocol.value === 'all' && !rule.protocol.negated);
  return onlyCounters && protocolAll && rule.matches.every((m) => m.module === 'comment');
}
