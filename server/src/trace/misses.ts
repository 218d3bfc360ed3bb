import type { Rule } from '../model/rule';
import type { MissesStep } from './types';

/** The rules of a miss run, in chain order. */
export function missedRules(run: MissesStep): readonly Rule[] {
  return run.chainRules.slice(run.first, run.first + run.count);
}

/** The condition the `i`-th rule of a miss run failed on (trace/evaluate.ts describeCondition numbering). */
export function missedCondition(run: MissesStep, i: number): number {
  return run.conditions[i]!;
}

/** A miss run being built by the simulator: grows in place while the trace stays in its chain. */
export interface OpenMissRun extends MissesStep {
  count: number;
  conditions: Uint8Array;
}

/** Appends rules `from` (inclusive) to `to` (exclusive) of the run's chain, all failing on `condition`. */
export function extendMissRun(run: OpenMissRun, to: number, condition: number): void {
  const added = to - (run.first + run.count);
  if (run.count + added > run.conditions.length) {
    // Doubling keeps appends amortised O(1); a typed array holds the conditions without a write barrier.
    const grown = new Uint8Array(Math.max(16, (run.count + added) * 2));
    grown.set(run.conditions.subarray(0, run.count));
    run.conditions = grown;
  }
  run.conditions.fill(condition, run.count, run.count + added);
  run.count += added;
}
