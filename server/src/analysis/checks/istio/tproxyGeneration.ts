import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { formatVersionRange } from '../../../istio/generations';

/** TPROXY-generation inbound capture: the default of 1.21–1.23, opt-in in 1.24, removed in 1.25 (istio-ambient.md §8, §11). */
export const tproxyGenerationCheck: Check = {
  id: 'istio.tproxy-generation',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.variant?.generation !== 'tproxy') continue;
      const first = cls.context.recognized.find((r) => r.id.startsWith('T'));
      if (!first) continue;
      findings.push(
        finding(
          'istio.tproxy-generation',
          first.rule.span,
          `TPROXY inbound capture in mangle ISTIO_PRERT (Istio ${cls.versionRange ? formatVersionRange(cls.versionRange) : '1.21–1.24'}). Istio 1.25 removed this mode: after an upgrade the pod gets REDIRECT rules in nat ISTIO_PRERT once it restarts or is reconciled. The istio.io traffic-redirection page still shows this older dump.`,
        ),
      );
    }
    return findings;
  },
};
