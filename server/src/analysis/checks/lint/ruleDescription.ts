import type { Rule } from '../../../model/rule';

/** `line 12 (-j ACCEPT)`: how a lint message points at another rule. */
export function describeRule(rule: Rule): string {
  const target = rule.target ? ` (${rule.target.goto ? '-g' : '-j'} ${rule.target.name})` : '';
  return `line ${rule.line + 1}${target}`;
}
