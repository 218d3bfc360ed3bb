import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { endsChainTraversal, isUnconditional } from './terminal';
import { describeRule } from './ruleDescription';

/**
 * Rules placed after a rule that matches everything and ends the chain (`-A X -j DROP`,
 * `-A X -j RETURN`) are dead: no packet ever gets past it.
 */
export const rulesAfterTerminal: Check = {
  id: 'lint.rules-after-terminal',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const table of doc.ruleset.tables) {
      for (const chain of table.chains.values()) {
        const stopIndex = chain.rules.findIndex((r) => isUnconditional(r) && endsChainTraversal(r));
        const stop = chain.rules[stopIndex];
        if (!stop) continue;
        for (const rule of chain.rules.slice(stopIndex + 1)) {
          findings.push(
            finding(
              'lint.rule-after-terminal',
              rule.span,
              `Unreachable: the rule at ${describeRule(stop)} matches every packet and ends chain ${chain.name} before this rule.`,
              { related: [{ span: stop.span, message: 'Every packet stops here.' }], unnecessary: true },
            ),
          );
        }
      }
    }
    return findings;
  },
};
