import * as assert from 'assert';
import { runInSlices, shortSliceMs, sliceMs } from '../../../server/src/lsp/sliceRunner';

/**
 * The slice runner on a clock the test moves: each step of the work takes 1 ms, and "other work"
 * (what a request does in the turns it crosses) takes 1 ms in a turn between two slices.
 */
describe('runInSlices (lsp/sliceRunner.ts)', () => {
  /** Runs 200 steps of 1 ms; other work runs in the turns after the slices `busy` says. */
  async function stepsPerSlice(busy: (slice: number) => boolean): Promise<number[]> {
    let clock = 0;
    const sizes: number[] = [];
    let current = 0;
    function* work(): Generator<number, string, void> {
      for (let i = 0; i < 200; i++) {
        clock += 1;
        current++;
        yield i;
      }
      return 'done';
    }
    const result = await runInSlices(work(), {
      abandoned: () => false,
      clock: () => clock,
      onSlice: () => {
        const slice = sizes.length;
        sizes.push(current);
        current = 0;
        // Scheduled before the runner's own turn, so it runs in the turn the runner gives away.
        if (busy(slice)) setImmediate(() => (clock += 1));
      },
    });
    assert.strictEqual(result, 'done');
    return sizes;
  }

  it('Should run slices of sliceMs while nothing else runs', async () => {
    const sizes = await stepsPerSlice(() => false);
    assert.ok(sizes.length > 10);
    // A slice runs until the clock has passed its end: sliceMs steps of 1 ms.
    for (const size of sizes) assert.strictEqual(size, sliceMs);
  });

  it('Should shorten the slice after a turn in which other work ran, and lengthen it again after', async () => {
    // Other work in the turns after slices 3 to 6 only.
    const sizes = await stepsPerSlice((slice) => slice >= 3 && slice <= 6);
    assert.deepStrictEqual(sizes.slice(0, 9), [
      sliceMs,
      sliceMs,
      sliceMs,
      sliceMs,
      shortSliceMs,
      shortSliceMs,
      shortSliceMs,
      shortSliceMs,
      sliceMs,
    ]);
  });
});
