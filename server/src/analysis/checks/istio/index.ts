import type { Check } from '../../check';

/** The istio checks, in the order they run. */
export const istioChecks: readonly Check[] = [];
