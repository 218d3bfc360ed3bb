import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { ambientChains } from '../../../istio/constants';
import { deleteLineEdit } from './istioEdits';
import { isTerminating, mayOverlap } from './ruleOverlap';

const istioChains = new Set<string>(Object.values(ambientChains));

/**
 * A rule Istio does not write inside ISTIO_PRERT / ISTIO_OUTPUT / ISTIO_POSTRT of an ambient rule set.
 * When it ends traversal before Istio rules that see the same traffic it shadows them (warning);
 * otherwise it is only a surprise for Istio's reconcile, which deletes and rewrites the chain
 * (istio-ambient.md §6).
 */
export const foreignRuleInIstioChainCheck: Check = {
  id: 'istio.foreign-rule-in-istio-chain',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod' && cls.kind !== 'ambient-host') continue;
      const duplicates = new Set(cls.context.duplicates.map((d) => d.rule));
      for (const rule of cls.context.unrecognized) {
        if (!istioChains.has(rule.chain) || duplicates.has(rule)) continue;
        const shadowed = cls.context.recognized.filter(
          (rr) =>
            rr.rule.chain === rule.chain &&
            rr.table.name === rule.table &&
            rr.rule.line > rule.line &&
            mayOverlap(rule, rr.rule),
        );
        const fixes = [
          {
            title: 'Delete this rule',
            edits: [deleteLineEdit(rule.line)],
            fixAllKey: 'istio.delete-foreign-rule',
          },
        ];
        if (isTerminating(rule) && shadowed.length > 0) {
          const worst = shadowed.find((s) => s.entry.missingSeverity === 'error') ?? shadowed[0];
          findings.push(
            finding(
              'istio.foreign-rule-in-istio-chain',
              rule.span,
              `Istio does not write this rule, and its ${rule.target?.name ?? ''} runs before Istio's ${shadowed.map((s) => s.id).join(', ')} for overlapping traffic: ${worst?.entry.consequence ?? 'Istio rules are shadowed'}.`,
              {
                related: shadowed.map((s) => ({
                  span: s.rule.span,
                  message: `shadowed: ${s.id} (${s.entry.title})`,
                })),
                fixes,
              },
            ),
          );
        } else {
          findings.push(
            finding(
              'istio.foreign-rule-in-istio-chain',
              rule.span,
              `Istio does not write this rule in ${rule.chain}; it shadows no Istio rule, but Istio's reconcile (on by default since 1.29) deletes and rewrites this chain, so it will disappear.`,
              { severity: 'information', fixes },
            ),
          );
        }
      }
    }
    return findings;
  },
};
