import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import { chainKey } from '../../../model/ruleset';

/**
 * A user-defined chain that no `-j`/`-g` of its table reaches is never traversed, so its rules never
 * run. (Rules loaded with `--noflush` from another file could still jump to it; the message says so.)
 */
export const unusedChains: Check = {
  id: 'lint.unused-chains',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const table of doc.ruleset.tables) {
      for (const chain of table.chains.values()) {
        if (chain.builtin || !chain.declarationSpan) continue;
        const callers = doc.ruleset.callers.get(chainKey(table, chain.name)) ?? [];
        if (callers.length > 0) continue;
        findings.push(
          finding(
            'lint.unused-chain',
            chain.declarationSpan,
            `Nothing in table ${table.name} jumps to chain ${chain.name}, so its ${chain.rules.length} rule(s) never run (unless another file loaded with --noflush jumps to it).`,
            { unnecessary: true },
          ),
        );
      }
    }
    return findings;
  },
};
