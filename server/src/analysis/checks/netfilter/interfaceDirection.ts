import type { OptionUse, Rule } from '../../../model/rule';
import type { TableModel } from '../../../model/ruleset';
import type { Hook, OptionSpec } from '../../../netfilter/spec';
import { genericOptions } from '../../../netfilter/generic';
import type { Check, CheckContext } from '../../check';
import { finding, type Finding } from '../../findings';
import { commandRules, describePlacement, effectiveRules, ruleVerbs } from './placement';
import { describePath, hooksReaching, pathFrom, reachOf, relatedForPath } from './reachability';

/**
 * `-i` where packets have no input interface (OUTPUT, POSTROUTING) and `-o` where the output
 * interface is not known yet (PREROUTING, INPUT). iptables refuses these on the builtin chain by
 * name ("Can't use -i with OUTPUT"), for every command that carries a rule. In a user chain the
 * tools accept the rule, but if every builtin chain that reaches it lacks that interface the
 * option can never match (or, negated, always matches) — a warning. The allowed hooks are the
 * `hooks` of the generic `in-interface`/`out-interface` options in the knowledge base.
 */
export const interfaceDirectionCheck: Check = {
  id: 'netfilter.interface-direction',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    const interfaceOptions = genericOptions.filter((o) => o.hooks !== undefined && o.value === 'interface');
    for (const { command, rule } of commandRules(doc, ruleVerbs)) {
      const chain = command.chainToken?.text ?? rule.chain;
      for (const { use, spec } of interfaceUses(rule, interfaceOptions)) {
        if (isHookName(chain) && !spec.hooks?.includes(chain)) {
          findings.push(
            finding(
              'netfilter.interface-wrong-hook',
              use.token.span,
              `${use.token.text} is only meaningful in ${describePlacement({ hooks: spec.hooks })}; iptables refuses it in ${chain}.`,
            ),
          );
        }
      }
    }
    for (const { table, rule } of effectiveRules(doc.ruleset)) {
      if (table.chains.get(rule.chain)?.builtin !== false) {
        continue;
      }
      for (const { use, spec } of interfaceUses(rule, interfaceOptions)) {
        const warning = userChainWarning(table, rule.chain, use, spec);
        if (warning) {
          findings.push(warning);
        }
      }
    }
    return findings;
  },
};

const hookNames: ReadonlySet<string> = new Set<Hook>([
  'PREROUTING',
  'INPUT',
  'FORWARD',
  'OUTPUT',
  'POSTROUTING',
]);

function isHookName(name: string): name is Hook {
  return hookNames.has(name);
}

function* interfaceUses(
  rule: Rule,
  interfaceOptions: readonly OptionSpec[],
): Generator<{ use: OptionUse; spec: OptionSpec }> {
  for (const use of rule.genericOptions) {
    const spec = interfaceOptions.find((o) => o.name === use.name);
    if (spec) {
      yield { use, spec };
    }
  }
}

function userChainWarning(
  table: TableModel,
  chain: string,
  use: OptionUse,
  spec: OptionSpec,
): Finding | undefined {
  const reach = reachOf(table);
  const reaching = hooksReaching(reach, chain);
  if (reaching.length === 0 || reaching.some((h) => spec.hooks?.includes(h))) {
    return undefined;
  }
  const hook = reaching[0];
  const path = pathFrom(reach, hook, chain);
  const outcome = use.negated ? 'always matches' : 'never matches';
  return finding(
    'netfilter.interface-wrong-hook',
    use.token.span,
    `${use.token.text} ${outcome} here: this chain is only reached from ${reaching.join(', ')} (${describePath(hook, path)}), and ${use.token.text} is only meaningful in ${describePlacement({ hooks: spec.hooks })}.`,
    { severity: 'warning', related: relatedForPath(path) },
  );
}
