import type { Rule } from '../../model/rule';
import type { Severity } from '../../analysis/findings';
import { orderConstraints, firstInChainConstraints } from '../../istio/orderConstraints';
import type { IstioContext } from './istioContext';
import { recognizedRule } from './istioContext';

const severityRank: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

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
  // Only constraints whose partner rule is in this dump matter to the reader; the severe ones first.
  const present = new Set(ctx.classification?.context.recognized.map((r) => r.id) ?? []);
  const relevant = orderConstraints
    .filter((c) => c.table === entry.table && c.chain === entry.chain)
    .filter(
      (c) =>
        (c.before === entry.id && present.has(c.after)) || (c.after === entry.id && present.has(c.before)),
    )
    .sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
  const order = relevant.map((c) =>
    c.before === entry.id
      ? `Must stay before ${c.after}; otherwise ${c.consequence}.`
      : `Must stay after ${c.before}; otherwise ${c.consequence}.`,
  );
  for (const c of firstInChainConstraints) {
    if (c.id === entry.id) order.push(`Must be the first rule of ${c.chain}; otherwise ${c.consequence}.`);
  }
  lines.push(...order.slice(0, maxOrderLines));
  if (order.length > maxOrderLines)
    lines.push(
      `(${order.length - maxOrderLines} more order constraint${order.length - maxOrderLines === 1 ? '' : 's'})`,
    );
  for (const m of recognized.mismatches.slice(0, 2)) {
    lines.push(`Differs from Istio's rule: \`${m.actual}\` where Istio writes \`${m.expected}\`.`);
  }
  lines.push(`_(${entry.source.file}, ${entry.source.version})_`);
  return lines;
}
