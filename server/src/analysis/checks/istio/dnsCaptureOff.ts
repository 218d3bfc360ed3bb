import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';

/** DNS capture is off for the pod (no port-53 rules, no raw table): information (istio-ambient.md §3.3, §11). */
export const dnsCaptureOffCheck: Check = {
  id: 'istio.dns-capture-off',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod' || cls.variant?.dns !== 'off') continue;
      // Only the nat table shows DNS capture; a dump without it (`iptables-save -t mangle`) says nothing.
      const nat = cls.context.tableByName.get('nat');
      if (!nat) continue;
      findings.push(
        finding(
          'istio.dns-capture-off',
          nat.nameSpan,
          "DNS capture is off for this pod (no port-53 REDIRECTs, no raw table): the app's DNS queries bypass ztunnel's DNS proxy, so hosts known only to the mesh (ServiceEntry without addresses) do not resolve. Off was the default up to 1.24 and can be set per pod with ambient.istio.io/dns-capture.",
        ),
      );
    }
    return findings;
  },
};
