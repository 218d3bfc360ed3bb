import type { Target } from '../../../model/rule';
import type { TableModel } from '../../../model/ruleset';
import type { OptionSpec, TargetSpec } from '../../../netfilter/spec';
import { findTarget } from '../../../netfilter/lookup';
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
 * Targets used outside the tables and hooks the kernel allows them in (REDIRECT/DNAT outside nat
 * PREROUTING/OUTPUT, TPROXY outside mangle PREROUTING, CT outside raw, REJECT outside filter …).
 * Tables are checked on every rule as written — reachable or not, as nft validates each added
 * rule; hooks are checked through the builtin chains that reach the rule's chain. The facts come
 * from the netfilter knowledge base (TargetSpec.tables/hooks and option-level hooks).
 */
export const targetPlacementCheck: Check = {
  id: 'netfilter.target-placement',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    const wrongTable = new Set<Target>();
    for (const { table, rule } of commandRules(doc, ruleVerbs)) {
      const target = rule.target;
      const spec = target && targetSpecOf(target);
      if (!target || !spec || tableAllowed(spec, rule.table)) {
        continue;
      }
      wrongTable.add(target);
      findings.push(wrongTableFinding(target, spec, rule.table, table));
    }
    for (const { table, rule, removed } of rulesToPlace(doc)) {
      const target = rule.target;
      const spec = target && targetSpecOf(target);
      if (!target || !spec || !hasPlacementRules(spec) || wrongTable.has(target)) {
        continue;
      }
      const violation = hookViolation(table, rule.chain, spec);
      if (violation) {
        findings.push(
          finding(
            'netfilter.target-wrong-hook',
            target.nameToken.span,
            hookMessage(spec, target.name, violation, spec.placementEnforcedBy === 'legacy') +
              (removed ? removedRuleNote : ''),
            {
              related: relatedForPath(violation.path),
              ...legacyOnly(spec),
            },
          ),
        );
        continue;
      }
      for (const use of target.options) {
        const option = optionSpecOf(spec, use.name);
        const optionViolation = option?.hooks && hookViolation(table, rule.chain, { hooks: option.hooks });
        if (option && optionViolation) {
          // Option-level checks live in the module's checkentry, which nft only runs with the hook
          // of a builtin chain: through a user chain only iptables-legacy enforces them.
          const legacy = optionViolation.path.length > 0;
          const what = `${target.name} --${option.name}`;
          findings.push(
            finding(
              'netfilter.target-wrong-hook',
              use.token.span,
              hookMessage({ hooks: option.hooks }, what, optionViolation, legacy) +
                (removed ? removedRuleNote : ''),
              {
                related: relatedForPath(optionViolation.path),
                ...(legacy ? { severity: 'warning' as const } : {}),
              },
            ),
          );
        }
      }
    }
    return findings;
  },
};

function targetSpecOf(target: Target): TargetSpec | undefined {
  return target.kind === 'chain' ? undefined : findTarget(target.name);
}

function optionSpecOf(spec: TargetSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.name === name || o.aliases?.includes(name));
}

/** Restrictions only the legacy backend enforces become warnings that say so. */
function legacyOnly(spec: TargetSpec): { severity?: 'warning' } {
  return spec.placementEnforcedBy === 'legacy' ? { severity: 'warning' } : {};
}

function wrongTableFinding(
  target: Target,
  spec: TargetSpec,
  tableName: string,
  table: TableModel | undefined,
): Finding {
  const where = describePlacement(spec.tables ? { tables: spec.tables } : {});
  const base = `${target.name} is only valid in ${where}, not in the ${tableName} table`;
  const message =
    spec.placementEnforcedBy === 'legacy'
      ? `iptables-legacy refuses this: ${base}. iptables-nft implements ${target.name} natively and accepts it.`
      : `${base}; iptables-restore refuses the rule.`;
  const related = table ? [{ span: table.nameSpan, message: `the ${tableName} table starts here` }] : [];
  return finding('netfilter.target-wrong-table', target.nameToken.span, message, {
    related,
    ...legacyOnly(spec),
  });
}

function hookMessage(placement: Placement, what: string, violation: HookViolation, legacy = false): string {
  const via =
    violation.path.length === 0
      ? `this rule is in ${violation.hook}`
      : `this chain is reached from ${violation.hook} (${describePath(violation.hook, violation.path)})`;
  const base = `${what} is only valid in ${describePlacement({ hooks: placement.hooks })}, but ${via}`;
  return legacy
    ? `iptables-legacy refuses this: ${base}. iptables-nft accepts it.`
    : `${base}; the kernel refuses the rule when the table is committed.`;
}
