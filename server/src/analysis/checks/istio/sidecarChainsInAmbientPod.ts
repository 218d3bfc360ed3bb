import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';

/**
 * Sidecar-mode chains (ISTIO_INBOUND, ISTIO_REDIRECT …) in a pod that also has ambient in-pod rules:
 * leftovers from sidecar mode (istio-ambient.md §6, §9, §11).
 */
export const sidecarChainsInAmbientPodCheck: Check = {
  id: 'istio.sidecar-chains-in-ambient-pod',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod') continue;
      for (const table of cls.context.tables) {
        for (const name of cls.sidecarChains) {
          const chain = table.chains.get(name);
          if (!chain) continue;
          const span = chain.declarationSpan ?? chain.rules[0]?.span ?? table.nameSpan;
          const used = (doc.ruleset.callers.get(`${table.index}:${name}`) ?? []).length > 0;
          findings.push(
            finding(
              'istio.sidecar-chains-in-ambient-pod',
              span,
              `Sidecar-mode chain ${name} in an ambient pod${used ? ', still jumped to' : ''}: ${used ? 'traffic is redirected to Envoy ports where no sidecar listens, so connections fail' : 'a leftover from sidecar mode'}. Istio's reconcile deletes every ISTIO_* chain it does not expect.`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
