import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { covers } from './coverage';
import { ruleTests, type RuleTests } from './ruleTests';
import { endsChainTraversal, isUnconditional } from './terminal';
import { describeRule } from './ruleDescription';
import { mutationOf, survives } from './mutations';
import { analyzeIstio } from '../../../istio/classify';
import type { Rule } from '../../../model/rule';

/** Chains longer than this are skipped: the pairwise comparison would cost more than it tells. */
const maxRulesPerChain = 3000;

/**
 * A rule is shadowed when an earlier rule of the same chain ends traversal (ACCEPT, DROP, RETURN,
 * REDIRECT, a goto …) for every packet the later rule would match. Coverage is proven test by test
 * (CIDR containment with any mask, port ranges, interface wildcards, marks with masks, negation,
 * protocols, conntrack states); unknown and stateful modules never prove anything.
 * Between the two rules, nothing may have changed what the earlier rule tested (a MARK before a
 * mark test, a jump to a user chain that may change anything and return).
 * Rules after an unconditional terminating rule are left to `lint.rule-after-terminal`. A pair of
 * rules that are both Istio's own (recognised by the Istio catalogue) is left to the istio checks:
 * Istio writes a defensive RETURN after each virtual-interface REDIRECT, which is dead by netfilter
 * semantics but is what a healthy pod looks like.
 */
export const shadowedRules: Check = {
  id: 'lint.shadowed-rules',
  run({ doc }) {
    const findings: Finding[] = [];
    const istioRules = new Set<Rule>(
      analyzeIstio(doc).contexts.flatMap((c) => c.context.recognized.map((r) => r.rule)),
    );
    for (const table of doc.ruleset.tables) {
      for (const chain of table.chains.values()) {
        const rules = chain.rules;
        if (rules.length < 2 || rules.length > maxRulesPerChain) continue;
        const stop = rules.findIndex((r) => isUnconditional(r) && endsChainTraversal(r));
        const end = stop < 0 ? rules.length : stop + 1;
        const terminators: { index: number; tests: RuleTests }[] = [];
        for (let i = 0; i < end; i++) {
          const rule = rules[i];
          if (!rule) continue;
          const tests = ruleTests(rule);
          const witness = terminators.find((t) => covers(t.tests, tests));
          const earlier = witness && rules[witness.index];
          if (earlier && !(istioRules.has(earlier) && istioRules.has(rule))) {
            findings.push(
              finding(
                'lint.shadowed-rule',
                rule.span,
                `This rule never matches: the rule at ${describeRule(earlier)} already decides every packet it would match.`,
                {
                  related: [{ span: earlier.span, message: 'This earlier rule covers it.' }],
                  unnecessary: true,
                },
              ),
            );
          }
          if (endsChainTraversal(rule)) terminators.push({ index: i, tests });
          // A rule that changes the packet (MARK, a jump that may return …) can make a later rule match
          // packets the earlier one did not: drop witnesses whose tests the change may affect.
          const mutation = mutationOf(rule);
          if (mutation !== 'none') {
            const kept = terminators.filter((t) => t.tests.tests.every((test) => survives(test, mutation)));
            terminators.length = 0;
            terminators.push(...kept);
          }
        }
      }
    }
    return findings;
  },
};
