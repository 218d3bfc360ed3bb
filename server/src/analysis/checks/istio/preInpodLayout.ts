import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { preInpodChainPrefix } from '../../../istio/constants';

/** `ztunnel-*` chains: node-level ambient from Istio 1.20 or older, removed in 1.21 (istio-ambient.md §4). */
export const preInpodLayoutCheck: Check = {
  id: 'istio.pre-inpod-layout',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      for (const table of cls.context.tables) {
        const chain = [...table.chains.values()].find((c) => c.name.startsWith(preInpodChainPrefix));
        if (!chain) continue;
        findings.push(
          finding(
            'istio.pre-inpod-layout',
            chain.declarationSpan ?? table.nameSpan,
            `Chain ${chain.name} belongs to the node-level ambient redirection of Istio 1.20 or older (geneve tunnels, ztunnel-* chains), removed in 1.21; current releases program each pod instead. This extension does not analyse that layout.`,
          ),
        );
        break;
      }
    }
    return findings;
  },
};
