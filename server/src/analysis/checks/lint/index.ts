import type { Check } from '../../check';
import { rulesAfterTerminal } from './rulesAfterTerminal';
import { shadowedRules } from './shadowedRules';
import { unusedChains } from './unusedChains';
import { istioZeroCounters } from './istioZeroCounters';

/** The lint checks, in the order they run. */
export const lintChecks: readonly Check[] = [
  rulesAfterTerminal,
  shadowedRules,
  unusedChains,
  istioZeroCounters,
];
