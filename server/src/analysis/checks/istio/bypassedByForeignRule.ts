import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { deleteLineEdit } from './istioEdits';
import { isTerminating, mayOverlap } from './ruleOverlap';

/**
 * A rule Istio did not write that ends a builtin chain (ACCEPT, DROP, REJECT, RETURN, or a NAT verdict)
 * before Istio's jump, for traffic the jump would see: that traffic never reaches Istio's chain
 * (istio-ambient.md §3.1, §11 "Foreign-rule checks").
 */
export const bypassedByForeignRuleCheck: Check = {
  id: 'istio.bypassed-by-foreign-rule',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod' && cls.kind !== 'ambient-host') continue;
      const recognizedRules = new Set(cls.context.recognized.map((r) => r.rule));
      for (const jump of cls.context.recognized.filter((r) => r.entry.isJump)) {
        const chain = jump.table.chains.get(jump.rule.chain);
        for (const rule of chain?.rules ?? []) {
          if (rule.line >= jump.rule.line) break;
          if (recognizedRules.has(rule) || !isTerminating(rule) || !mayOverlap(rule, jump.rule)) continue;
          findings.push(
            finding(
              'istio.bypassed-by-foreign-rule',
              rule.span,
              `This ${rule.target?.name ?? ''} ends ${jump.table.name} ${rule.chain} before Istio's jump ${jump.id} (${jump.entry.title}); matching traffic never enters Istio's chain: ${jump.entry.consequence}.`,
              {
                related: [{ span: jump.rule.span, message: `Istio's jump ${jump.id}` }],
                fixes: [
                  {
                    title: 'Delete this rule',
                    edits: [deleteLineEdit(rule.line)],
                    fixAllKey: 'istio.delete-bypassing-rule',
                  },
                ],
              },
            ),
          );
        }
      }
    }
    return findings;
  },
};
