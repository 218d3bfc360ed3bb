import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import type { Rule } from '../../../model/rule';
import { analyzeIstio } from '../../../istio/classify';
import { reconcileGuardrails } from '../../../istio/constants';
import { deleteLineEdit } from './istioEdits';

const guardedChains: ReadonlySet<string> = new Set(reconcileGuardrails.chains);
const guardedProtocols: ReadonlySet<string> = new Set(reconcileGuardrails.protocols);
const guardrailCount = reconcileGuardrails.chains.length * reconcileGuardrails.protocols.length;

function isGuardrail(rule: Rule): boolean {
  return (
    rule.table === reconcileGuardrails.table &&
    guardedChains.has(rule.chain) &&
    rule.target?.kind === reconcileGuardrails.target &&
    rule.protocol !== undefined &&
    !rule.protocol.negated &&
    guardedProtocols.has(rule.protocol.value) &&
    !rule.source &&
    !rule.destination &&
    !rule.inInterface &&
    !rule.outInterface &&
    rule.matches.every((m) => m.options.length === 0)
  );
}

/**
 * The filter-table DROP guardrails Istio's reconcile inserts while it rewrites a pod's rules
 * (istio-ambient.md §6). Left behind (a dump taken mid-reconcile, or after a crash) they black-hole all
 * TCP/UDP of the pod. Flagged in a file with ambient in-pod rules, or when all six are present.
 */
export const reconcileGuardrailsCheck: Check = {
  id: 'istio.reconcile-guardrails',
  run({ doc }) {
    const analysis = analyzeIstio(doc);
    const findings: Finding[] = [];
    for (const cls of analysis.contexts) {
      const filter = cls.context.tableByName.get(reconcileGuardrails.table);
      if (!filter) continue;
      const guardrails = [...filter.chains.values()].flatMap((c) => c.rules.filter(isGuardrail));
      const ambient = analysis.contexts.some((c) => c.kind === 'ambient-inpod');
      if (!ambient && guardrails.length < guardrailCount) continue;
      for (const rule of guardrails) {
        findings.push(
          finding(
            'istio.reconcile-guardrail',
            rule.span,
            `This looks like a guardrail Istio's reconcile inserts while it rewrites the pod's rules (filter ${rule.chain}, -p ${rule.protocol?.value} -j DROP). Left in place it drops all ${rule.protocol?.value.toUpperCase()} ${rule.chain === 'INPUT' ? 'arriving at' : rule.chain === 'OUTPUT' ? 'sent by' : 'forwarded through'} the pod.`,
            {
              fixes: [
                {
                  title: 'Delete the guardrail',
                  edits: [deleteLineEdit(rule.line)],
                  isPreferred: true,
                  fixAllKey: 'istio.delete-guardrail',
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
