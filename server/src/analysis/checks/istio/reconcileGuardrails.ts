import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import type { Rule } from '../../../model/rule';
import { analyzeIstio } from '../../../istio/classify';
import { deleteLineEdit } from './istioEdits';

/** The chains Istio's reconcile guards, with `-I <chain> 1 -p tcp|udp -j DROP`. Source: istio/istio cni/pkg/iptables/iptables.go (1.25+). */
const guardedChains = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

function isGuardrail(rule: Rule): boolean {
  return (
    rule.table === 'filter' &&
    guardedChains.has(rule.chain) &&
    rule.target?.kind === 'DROP' &&
    rule.protocol !== undefined &&
    !rule.protocol.negated &&
    (rule.protocol.value === 'tcp' || rule.protocol.value === 'udp') &&
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
      const filter = cls.context.tableByName.get('filter');
      if (!filter) continue;
      const guardrails = [...filter.chains.values()].flatMap((c) => c.rules.filter(isGuardrail));
      const ambient = analysis.contexts.some((c) => c.kind === 'ambient-inpod');
      if (!ambient && guardrails.length < 6) continue;
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
