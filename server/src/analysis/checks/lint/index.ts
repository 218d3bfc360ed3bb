import type { Check } from '../../check';

/** The lint checks, in the order they run. */
export const lintChecks: readonly Check[] = [];
