/**
 * Drives a generator of work in time slices on the server's event loop, so a parse of a 450,000-line
 * dump never holds the loop for long: between slices, queued LSP messages (hovers on other files,
 * cancellations, the next edit) are handled.
 */

/**
 * How long one slice may run before the loop gets a turn. A request crosses about six turns before
 * its answer is written (the reader, the message queue, runSafe, the feature, the writer), and each
 * turn waits for one slice: measured on a 150,000-line open, 20 ms slices kept a hover on another
 * file waiting 100–130 ms, 5 ms slices 30–60 ms, with no measurable change in the parse time.
 */
export const sliceMs = 8;

/**
 * The slice length while other work runs between slices: a request on its way through its turns.
 * Each of its turns then waits 2 ms instead of 8, and the request is answered sooner (a hover every
 * 50 ms while a 450k-line dump opened: median 43–52 → 27–28 ms by hand, 42–53 → 37–39 ms in the
 * bench, whose client also takes progress reports; the open is no slower).
 */
export const shortSliceMs = 2;

/** A turn given away that took longer than this ran other work; an idle turn takes a few microseconds. */
const busyTurnMs = 0.3;

export interface SliceOptions<P> {
  /** Checked between slices; when it returns true the work is dropped and the result is undefined. */
  readonly abandoned: () => boolean;
  /** Called between slices with the generator's last progress value and the time spent so far. */
  readonly onSlice?: (progress: P, elapsedMs: number) => void;
  /** The clock in milliseconds (performance.now; tests pass their own). */
  readonly clock?: () => number;
}

/** Gives the event loop a turn: pending I/O callbacks (incoming requests) run before `setImmediate`. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `work` to completion in slices of about {@link sliceMs}, or {@link shortSliceMs} after a turn
 * in which other work ran; undefined when abandoned.
 */
export async function runInSlices<P, T>(
  work: Generator<P, T, void>,
  options: SliceOptions<P>,
): Promise<T | undefined> {
  const now = options.clock ?? (() => performance.now());
  const started = now();
  let budget = sliceMs;
  for (;;) {
    const sliceStart = now();
    const sliceEnd = sliceStart + budget;
    let step = work.next();
    while (!step.done && now() < sliceEnd) step = work.next();
    if (step.done) {
      // The caller often starts more sliced work with the result at once (the checks after a parse):
      // after a long last slice the loop gets its turn first, or both would run as one.
      if (now() - sliceStart > shortSliceMs) await nextTurn();
      return step.value;
    }
    options.onSlice?.(step.value, now() - started);
    // What onSlice queued (a progress report's write) runs first: it is this work's, not other work.
    await Promise.resolve();
    const yieldedAt = now();
    await nextTurn();
    budget = now() - yieldedAt > busyTurnMs ? shortSliceMs : sliceMs;
    if (options.abandoned()) {
      work.return(undefined as never);
      return undefined;
    }
  }
}
