import type { Rule } from '../../../model/rule';
import type { RuleTest } from './ruleTests';
import { endsChainTraversal } from './terminal';

/** Packet or connection properties a continuing target may change before the next rule runs. */
export type Mutation = 'none' | 'nfmark' | 'ctmark' | 'anything';

/**
 * Targets that only observe (log, trace, count): the next rule sees the packet as this one did
 * (iptables-extensions(8), LOG/NFLOG/TRACE/AUDIT).
 */
const observers = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT']);

/**
 * What a rule may change for the rules after it in the same chain. MARK changes the packet mark;
 * CONNMARK changes the connection mark, or the packet mark with --restore-mark; a `-j` to a user
 * chain may run anything and return; any other continuing target is assumed to change anything.
 */
export function mutationOf(rule: Rule): Mutation {
  const target = rule.target;
  if (!target || endsChainTraversal(rule) || observers.has(target.name)) return 'none';
  if (target.kind === 'MARK') return 'nfmark';
  if (target.kind === 'CONNMARK') {
    if (!target.op) return 'anything';
    return target.op.kind === 'restore-mark' ? 'nfmark' : 'ctmark';
  }
  return 'anything';
}

/** Whether a test still holds for a packet after `mutation` ran. */
export function survives(test: RuleTest, mutation: Mutation): boolean {
  switch (mutation) {
    case 'none':
      return true;
    case 'nfmark':
      return test.dim !== 'nfmark';
    case 'ctmark':
      return test.dim !== 'ctmark';
    case 'anything':
      return false;
  }
}
