import type { CodeInfo } from '../findings';

/**
 * netfilter codes: what the kernel (or iptables' own placement checks) refuses when a table is
 * committed, judged per builtin chain and through user-chain reachability. Every code is
 * documented in docs/diagnostics/netfilter.md under its anchor. Severities are the defaults for
 * the nft backend; a restriction only the legacy backend enforces is reported as a warning that
 * names iptables-legacy.
 */
export const netfilterCodes = {
  'netfilter.target-wrong-table': {
    severity: 'error',
    title: 'Target not allowed in this table',
    docs: 'netfilter.md#netfilter-target-wrong-table',
  },
  'netfilter.target-wrong-hook': {
    severity: 'error',
    title: 'Target not allowed in a builtin chain that reaches this rule',
    docs: 'netfilter.md#netfilter-target-wrong-hook',
  },
  'netfilter.target-needs-protocol': {
    severity: 'error',
    title: 'Target needs a protocol match in the same rule',
    docs: 'netfilter.md#netfilter-target-needs-protocol',
  },
  'netfilter.tcpmss-needs-syn-match': {
    severity: 'warning',
    title: 'iptables-legacy refuses TCPMSS without a SYN match',
    docs: 'netfilter.md#netfilter-tcpmss-needs-syn-match',
  },
  'netfilter.match-wrong-table': {
    severity: 'error',
    title: 'Match not allowed in this table',
    docs: 'netfilter.md#netfilter-match-wrong-table',
  },
  'netfilter.match-wrong-hook': {
    severity: 'error',
    title: 'Match not allowed in a builtin chain that reaches this rule',
    docs: 'netfilter.md#netfilter-match-wrong-hook',
  },
  'netfilter.interface-wrong-hook': {
    severity: 'error',
    title: 'Interface option where the packet has no such interface',
    docs: 'netfilter.md#netfilter-interface-wrong-hook',
  },
  'netfilter.jump-loop': {
    severity: 'error',
    title: 'Jump loop reachable from a builtin chain',
    docs: 'netfilter.md#netfilter-jump-loop',
  },
  'netfilter.jump-too-deep': {
    severity: 'error',
    title: 'User chains nested deeper than nf_tables allows',
    docs: 'netfilter.md#netfilter-jump-too-deep',
  },
} satisfies Record<string, CodeInfo>;
