/**
 * How the property tests under test/unit/fuzz run: a fixed seed per property (printed in the test
 * title, so any run can be replayed) and a run count from `IPL_FUZZ_RUNS` (small inside `npm test`,
 * 20000 under `npm run fuzz`).
 */
import fc from 'fast-check';

/** Runs per property inside `npm test`, keeping the whole fuzz folder well under a minute on 2 cores. */
const defaultRuns = 200;

/** The number of generated inputs each property tries. */
export const fuzzRuns = runsFromEnvironment(process.env.IPL_FUZZ_RUNS);

/**
 * Added to every property's own seed; `IPL_FUZZ_SEED=<n>` explores another part of the input space
 * without editing the tests. Fixed by default so two runs try the same inputs.
 */
const baseSeed = seedFromEnvironment(process.env.IPL_FUZZ_SEED);

function runsFromEnvironment(raw: string | undefined): number {
  const runs = Number(raw);
  return raw !== undefined && Number.isInteger(runs) && runs > 0 ? runs : defaultRuns;
}

function seedFromEnvironment(raw: string | undefined): number {
  const seed = Number(raw);
  return raw !== undefined && Number.isInteger(seed) ? seed : 0;
}

/**
 * A property's seed: its fixed number plus the base seed, kept in the 32-bit range fast-check's
 * generator takes.
 */
export function propertySeed(fixedSeed: number): number {
  return (fixedSeed + baseSeed) | 0;
}

/** The suffix every property test's title carries, e.g. ` [seed 9101, 200 runs]`. */
export function runLabel(fixedSeed: number, runs = fuzzRuns): string {
  return ` [seed ${propertySeed(fixedSeed)}, ${runs} runs]`;
}

/**
 * Checks a property with its fixed seed. On failure fast-check reports the seed, the shrunk
 * counterexample and the replay path; `endOnFailure` stops at the first one so a hang or slow
 * shrink cannot hide the report.
 */
export function checkProperty<T>(
  fixedSeed: number,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => void,
  runs = fuzzRuns,
): void {
  fc.assert(fc.property(arbitrary, predicate), {
    seed: propertySeed(fixedSeed),
    numRuns: runs,
    endOnFailure: true,
  });
}
