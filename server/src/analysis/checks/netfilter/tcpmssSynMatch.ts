import type { Rule, TcpMatch } from '../../../model/rule';
import type { Check, CheckContext } from '../../check';
import { finding, type Finding } from '../../findings';
import { effectiveRules } from './placement';

/**
 * The legacy TCPMSS module (net/netfilter/xt_TCPMSS.c, `tcpmss_tg4_check`) refuses a rule unless it
 * also has a `tcp` match whose `--tcp-flags` comparison includes SYN without negation ("Only works
 * on TCP SYN packets"). iptables-nft does not pass the rule's other matches to that check and
 * accepts it — so this is a warning that names the legacy backend.
 */
export const tcpmssSynMatchCheck: Check = {
  id: 'netfilter.tcpmss-syn-match',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    for (const { rule } of effectiveRules(doc.ruleset)) {
      const target = rule.target;
      if (target?.kind !== 'TCPMSS' || !isTcp(rule) || hasSynMatch(rule)) {
        continue;
      }
      findings.push(
        finding(
          'netfilter.tcpmss-needs-syn-match',
          target.nameToken.span,
          'iptables-legacy refuses TCPMSS in a rule without a SYN match (add `-m tcp --tcp-flags SYN,RST SYN` or `--syn`); iptables-nft accepts it.',
        ),
      );
    }
    return findings;
  },
};

/** Without `-p tcp` the protocol check already refuses the rule on both backends. */
function isTcp(rule: Rule): boolean {
  return rule.protocol !== undefined && !rule.protocol.negated && rule.protocol.value === 'tcp';
}

function hasSynMatch(rule: Rule): boolean {
  return rule.matches.some((m) => {
    if (m.module !== 'tcp') {
      return false;
    }
    const flags = (m as TcpMatch).tcpFlags;
    return flags !== undefined && !flags.negated && flags.value.comp.some((f) => f === 'SYN' || f === 'ALL');
  });
}
