import type { Check } from '../../check';

/** The netfilter checks, in the order they run. */
export const netfilterChecks: readonly Check[] = [];
