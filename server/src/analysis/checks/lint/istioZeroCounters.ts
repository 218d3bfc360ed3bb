import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import type { Rule } from '../../../model/rule';
import { analyzeIstio } from '../../../istio/classify';

/**
 * With counters in the dump (`iptables-save -c`): an Istio rule whose absence would be an error (the
 * catalogue's `missingSeverity`) that never matched, while the rule right before or after it in the
 * same chain did. Capture that works leaves traces on every one of those rules; a zero in the middle
 * means traffic took another path (a mark that differs from ztunnel's, a rule moved, a jump missing).
 */
export const istioZeroCounters: Check = {
  id: 'lint.istio-zero-counters',
  run({ doc }) {
    if (!doc.ruleset.rules.some((r) => r.counters !== undefined)) return [];
    const findings: Finding[] = [];
    for (const { context } of analyzeIstio(doc).contexts) {
      for (const recognized of context.recognized) {
        const { rule, entry, table } = recognized;
        if (entry.missingSeverity !== 'error' || !rule.counters || rule.counters.packets !== 0n) continue;
        const rules = table.chains.get(rule.chain)?.rules ?? [];
        const index = rules.indexOf(rule);
        const neighbours = [rules[index - 1], rules[index + 1]].filter((r): r is Rule => r !== undefined);
        const busy = neighbours.find((r) => r.counters !== undefined && r.counters.packets > 0n);
        if (!busy?.counters) continue;
        findings.push(
          finding(
            'lint.istio-rule-never-matched',
            rule.counters.span,
            `Istio rule ${entry.id} (${entry.title}) never matched, while the rule at line ${busy.line + 1} matched ${busy.counters.packets} packets. ${entry.consequence}`,
            { related: [{ span: busy.span, message: 'This neighbour matched traffic.' }] },
          ),
        );
      }
    }
    return findings;
  },
};
