import type { Rule, Target } from '../../../model/rule';

import { findTarget } from '../../../netfilter/lookup';
import type { Check, CheckContext } from '../../check';
import { finding, type Finding } from '../../findings';
import { commandRules, addingVerbs } from './placement';

/**
 * Targets whose kernel module checks the rule's own `-p` (not negated): TPROXY needs tcp or udp,
 * TCPMSS, SYNPROXY and TCPOPTSTRIP need tcp, `REJECT --reject-with tcp-reset` needs tcp. A `-p`
 * on the calling rule does not count — the kernel only looks at the rule that carries the target.
 * Facts: TargetSpec.kernelRequiresProtocol and OptionSpec.valueRequiresProtocol.
 */
export const targetProtocolCheck: Check = {
  id: 'netfilter.target-protocol',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    for (const { rule } of commandRules(doc, addingVerbs)) {
      const target = rule.target;
      const spec = target && target.kind !== 'chain' ? findTarget(target.name) : undefined;
      if (!target || !spec) {
        continue;
      }
      const needed = spec.kernelRequiresProtocol;
      if (needed && !hasProtocol(rule, needed)) {
        findings.push(protocolFinding(rule, target, target.name, needed));
      }
      for (const use of target.options) {
        const option = spec.options.find((o) => o.name === use.name);
        const value = use.args[0]?.text;
        const forValue = value === undefined ? undefined : option?.valueRequiresProtocol?.[value];
        if (forValue && !hasProtocol(rule, forValue)) {
          findings.push(
            protocolFinding(
              rule,
              target,
              `${target.name} ${use.token.text} ${value}`,
              forValue,
              use.token.span,
            ),
          );
        }
      }
    }
    return findings;
  },
};

function hasProtocol(rule: Rule, protocols: readonly string[]): boolean {
  const p = rule.protocol;
  return p !== undefined && !p.negated && protocols.includes(p.value);
}

function protocolFinding(
  rule: Rule,
  target: Target,
  what: string,
  protocols: readonly string[],
  span = target.nameToken.span,
): Finding {
  const wanted = protocols.map((p) => `-p ${p}`).join(' or ');
  const written = rule.protocol
    ? `this rule has ${rule.protocol.negated ? '! ' : ''}-p ${rule.protocol.value}`
    : 'this rule has no -p';
  return finding(
    'netfilter.target-needs-protocol',
    span,
    `${what} needs ${wanted} in the same rule, but ${written}; the kernel refuses the rule when the table is committed.`,
  );
}
