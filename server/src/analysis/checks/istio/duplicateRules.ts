import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { deleteLineEdit } from './istioEdits';

/**
 * An Istio rule present twice in one chain. Harmless for packets, but Istio's state check counts rules
 * (istio-ambient.md §6), so it sees a difference and rewrites the pod (or, without reconcile, fails).
 */
export const duplicateRulesCheck: Check = {
  id: 'istio.duplicate-rules',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      for (const d of cls.context.duplicates) {
        findings.push(
          finding(
            'istio.duplicate-rule',
            d.rule.span,
            `Duplicate of Istio's ${d.of.id} (${d.of.entry.title}). Istio's state check counts rules, so it treats this pod's rules as stale.`,
            {
              related: [{ span: d.of.rule.span, message: 'first occurrence' }],
              fixes: [
                {
                  title: 'Delete the duplicate',
                  edits: [deleteLineEdit(d.rule.line)],
                  isPreferred: true,
                  fixAllKey: 'istio.delete-duplicate',
                },
              ],
            },
          ),
        );
      }
    }
    return findings;
  },
};
