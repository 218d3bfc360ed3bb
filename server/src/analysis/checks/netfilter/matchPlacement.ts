import type { Match } from '../../../model/rule';
import type { Span } from '../../../model/span';
import type { ModuleSpec } from '../../../netfilter/spec';
import { findMatchModule } from '../../../netfilter/lookup';
import type { Check, CheckContext } from '../../check';
import { finding, type Finding } from '../../findings';
import {
  commandRules,
  describePlacement,
  hasPlacementRules,
  hookViolation,
  removedRuleNote,
  rulesToPlace,
  ruleVerbs,
  tableAllowed,
  type HookViolation,
  type Placement,
} from './placement';
import { describePath, relatedForPath } from './reachability';

/**
 * Match modules (and match options) used where the kernel refuses them: `-m socket` outside
 * PREROUTING/INPUT, `-m owner` outside OUTPUT/POSTROUTING, `-m mac` after routing,
 * `addrtype --limit-iface-in` on the output path, rpfilter outside raw/mangle PREROUTING … User
 * chains are judged by the builtin chains that reach them. Facts: ModuleSpec.tables/hooks and
 * OptionSpec.hooks of the netfilter knowledge base.
 */
export const matchPlacementCheck: Check = {
  id: 'netfilter.match-placement',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    const wrongTable = new Set<Match>();
    for (const { table, rule } of commandRules(doc, ruleVerbs)) {
      for (const match of rule.matches) {
        const spec = findMatchModule(match.module);
        if (spec && spec.tables !== undefined && !tableAllowed(spec, rule.table)) {
          wrongTable.add(match);
          const where = describePlacement({ tables: spec.tables });
          const related = table
            ? [{ span: table.nameSpan, message: `the ${rule.table} table starts here` }]
            : [];
          findings.push(
            finding(
              'netfilter.match-wrong-table',
              moduleSpan(match),
              `-m ${match.module} is only valid in ${where}, not in the ${rule.table} table; the kernel refuses the rule when the table is committed.`,
              { related },
            ),
          );
        }
      }
    }
    for (const { table, rule, removed } of rulesToPlace(doc)) {
      for (const match of rule.matches) {
        const spec = findMatchModule(match.module);
        if (!spec || !hasPlacementRules(spec) || wrongTable.has(match)) {
          continue;
        }
        const violation = hookViolation(table, rule.chain, spec);
        if (violation) {
          findings.push(hookFinding(moduleSpan(match), `-m ${match.module}`, spec, violation, removed));
          continue;
        }
        for (const use of match.options) {
          const option = optionHooks(spec, use.name, use.args[0]?.text);
          const optionViolation = option && hookViolation(table, rule.chain, option);
          if (option && optionViolation) {
            findings.push(
              hookFinding(
                use.token.span,
                `-m ${match.module} ${use.token.text}`,
                option,
                optionViolation,
                removed,
                true,
              ),
            );
          }
        }
      }
    }
    return findings;
  },
};

/** The `socket` of `-m socket`; for implicit matches the first option. */
function moduleSpan(match: Match): Span {
  return match.moduleToken?.span ?? match.matchToken?.span ?? match.span;
}

/** Hooks an option narrows its module to, by itself or through its argument value. */
function optionHooks(spec: ModuleSpec, name: string, value: string | undefined): Placement | undefined {
  const option = spec.options.find((o) => o.name === name || o.aliases?.includes(name));
  const hooks = option?.hooks ?? (value === undefined ? undefined : option?.valueHooks?.[value]);
  return hooks ? { hooks } : undefined;
}

function hookFinding(
  span: Span,
  what: string,
  placement: Placement,
  violation: HookViolation,
  removed: boolean,
  optionLevel = false,
): Finding {
  const via =
    violation.path.length === 0
      ? `this rule is in ${violation.hook}`
      : `this chain is reached from ${violation.hook} (${describePath(violation.hook, violation.path)})`;
  const base = `${what} is only valid in ${describePlacement({ hooks: placement.hooks })}, but ${via}`;
  // Option-level checks live in the module's checkentry, which nft only runs with the hook of a
  // builtin chain: through a user chain only iptables-legacy enforces them (observed in a netns).
  const legacy = optionLevel && violation.path.length > 0;
  const message = legacy
    ? `iptables-legacy refuses this: ${base}. iptables-nft only checks it in builtin chains and accepts it.`
    : `${base}; the kernel refuses the rule when the table is committed.${removed ? removedRuleNote : ''}`;
  return finding('netfilter.match-wrong-hook', span, message, {
    related: relatedForPath(violation.path),
    ...(legacy ? { severity: 'warning' as const } : {}),
  });
}
