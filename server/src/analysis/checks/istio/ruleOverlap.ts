import type { Rule } from '../../../model/rule';
import type { Facet } from '../../../istio/ruleFacets';
import { ruleFacets } from '../../../istio/ruleFacets';
import { targetSpecs } from '../../../netfilter/targets';

/**
 * Whether two rules may match a common packet. Conservative: only provable disjointness (different
 * protocols, `-o lo` vs `! -o lo`, different interfaces or ports) answers false (iptables-format.md §12).
 */
export function mayOverlap(a: Rule, b: Rule): boolean {
  const fb = ruleFacets(b);
  for (const x of ruleFacets(a)) {
    for (const y of fb) {
      if (positiveKey(x.key) !== positiveKey(y.key)) continue;
      const xNeg = isNegated(x.key);
      const yNeg = isNegated(y.key);
      if (!xNeg && !yNeg && exclusiveKey(x.key) && !sameArgs(x, y) && !wildcard(x) && !wildcard(y))
        return false;
      if (xNeg !== yNeg && sameArgs(x, y)) return false;
    }
  }
  return true;
}

function isNegated(key: string): boolean {
  return key.startsWith('!') || key.includes(':!');
}

function positiveKey(key: string): string {
  return key.startsWith('!') ? key.slice(1) : key.replace(':!', ':');
}

/** Keys where two different positive values cannot both hold for one packet. */
function exclusiveKey(key: string): boolean {
  return ['p', 'i', 'o', 'tcp:dport', 'tcp:sport', 'udp:dport', 'udp:sport'].includes(key);
}

function sameArgs(a: Facet, b: Facet): boolean {
  return a.args.join(' ') === b.args.join(' ');
}

function wildcard(f: Facet): boolean {
  return f.args.some((arg) => arg.endsWith('+') || arg.includes(':') || arg === 'all');
}

const endingTargets: ReadonlySet<string> = new Set(
  targetSpecs.filter((t) => t.termination !== 'continue').map((t) => t.name),
);

/**
 * Whether a rule's target ends the packet's traversal of this chain (ACCEPT, DROP, REJECT, RETURN, the NAT
 * verdicts, TPROXY …), read from the netfilter knowledge base (iptables-format.md §12).
 */
export function isTerminating(rule: Rule): boolean {
  return rule.target !== undefined && rule.target.kind !== 'chain' && endingTargets.has(rule.target.name);
}
