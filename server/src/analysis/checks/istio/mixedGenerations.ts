import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';

/**
 * Rules of different Istio generations in one pod (e.g. TPROXY and REDIRECT inbound capture): a pod
 * enrolled by one agent version and partly rewritten by another (istio-ambient.md §6, §8).
 */
export const mixedGenerationsCheck: Check = {
  id: 'istio.mixed-generations',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      for (const m of cls.mixedGenerations) {
        findings.push(
          finding(
            'istio.mixed-generations',
            m.rule.span,
            `Mixed Istio generations: ${m.reason}. The pod's capture no longer matches any single Istio release; restart the pod (or enable reconcile) so the CNI agent rewrites its rules.`,
          ),
        );
      }
    }
    return findings;
  },
};
