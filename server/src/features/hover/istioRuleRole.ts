import type { Rule } from '../../model/rule';
import { orderConstraints, firstInChainConstraints } from '../../istio/orderConstraints';
import type { IstioContext } from './istioContext';
import { recognizedRule } from './istioContext';

/** At most this many order constraints are listed, so the hover stays short. */
const maxOrderLines = 3;

/**
 * The role of an Istio rule (its catalogue id and purpose), what breaks if it is missing, and the order
 * constraints that tie it to its neighbours, all read from istio/catalogue.ts and istio/orderConstraints.ts.
 */
export function istioRuleRole(ctx: IstioContext, rule: Rule): string[] {
  const recognized = recognizedRule(ctx, rule);
  if (!recognized) return [];
  const { entry } = recognized;
  const lines = [
    `**Istio rule ${entry.id} — ${entry.title}.** ${entry.purpose}`,
    `If missing: ${entry.consequence}.`,
  ];
  const order: string[] = [];
  for (const c of orderConstraints) {
    if (c.table !== entry.table || c.chain !== entry.chain) continue;
    if (c.before === entry.id) order.push(`Must stay before ${c.after}; otherwise ${c.consequence}.`);
    else if (c.after === entry.id) order.push(`Must stay after ${c.before}; otherwise ${c.consequence}.`);
  }
  for (const c of firstInChainConstraints) {
    if (c.id === entry.id) order.push(`Must be the first rule of ${c.chain}; otherwise ${c.consequence}.`);
  }
  lines.push(...order.slice(0, maxOrderLines));
  if (order.length > maxOrderLines) lines.push(`(${order.length - maxOrderLines} more order constraints)`);
  for (const m of recognized.mismatches.slice(0, 2)) {
    lines.push(`Differs from Istio's rule: \`${m.actual}\` where Istio writes \`${m.expected}\`.`);
  }
  lines.push(`_(${entry.source.file}, ${entry.source.version})_`);
  return lines;
}
