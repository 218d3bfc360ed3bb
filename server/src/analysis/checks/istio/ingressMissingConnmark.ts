import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { catalogueEntry } from '../../../istio/catalogue';
import { renderExpected } from '../../../istio/recognize';
import { insertBeforeLineEdit, insertionPoint } from './istioEdits';

/**
 * An ingress-mode pod (`bypass-inbound-capture`) without M3: what 1.24–1.28 wrote, and the cause of
 * istio/istio#58546 (inbound HBONE times out), fixed in 1.29 (istio-ambient.md §3.1, §11).
 */
export const ingressMissingConnmarkCheck: Check = {
  id: 'istio.ingress-missing-connmark',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      const v = cls.variant;
      if (cls.kind !== 'ambient-inpod' || !v?.ingress || v.expectsConnmarkRule) continue;
      const mangle = cls.context.tableByName.get('mangle');
      if (!mangle) continue;
      const entry = catalogueEntry('M3');
      const point = insertionPoint(
        {
          ...cls,
          expected: cls.expected.map((c) =>
            c.table === 'mangle' && c.chain === entry.chain ? { ...c, rules: [{ id: 'M3' }] } : c,
          ),
        },
        mangle,
        entry.chain,
        { id: 'M3' },
        false,
      );
      const text = renderExpected(entry, cls.context.values);
      findings.push(
        finding(
          'istio.ingress-missing-connmark',
          point.reportSpan,
          `Ingress-mode pod without ${entry.id} (${entry.title}), as Istio 1.24–1.28 wrote it: inbound HBONE connections through ztunnel time out because ${entry.consequence} (istio/istio#58546, fixed in 1.29). Expected: ${text}`,
          {
            fixes: point.chainExists
              ? [
                  {
                    title: `Insert Istio's ${entry.id} rule (as 1.29+ writes it)`,
                    edits: [insertBeforeLineEdit(doc, point.beforeLine, text)],
                    isPreferred: true,
                    fixAllKey: 'istio.insert-missing-rule',
                  },
                ]
              : undefined,
          },
        ),
      );
    }
    return findings;
  },
};
