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

export interface SliceOptions<P> {
  /** Checked between slices; when it returns true the work is dropped and the result is undefined. */
  readonly abandoned: () => boolean;
  /** Called between slices with the generator's last progress value and the time spent so far. */
  readonly onSlice?: (progress: P, elapsedMs: number) => void;
}

/** Gives the event loop a turn: pending I/O callbacks (incoming requests) run before `setImmediate`. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `work` to completion in slices of about {@link sliceMs}; undefined when abandoned. */
export async function runInSlices<P, T>(
  work: Generator<P, T, void>,
  options: SliceOptions<P>,
): Promise<T | undefined> {
  const started = performance.now();
  for (;;) {
    const sliceEnd = performance.now() + sliceMs;
    let step = work.next();
    while (!step.done && performance.now() < sliceEnd) step = work.next();
    if (step.done) return step.value;
    options.onSlice?.(step.value, performance.now() - started);
    await nextTurn();
    if (options.abandoned()) {
      work.return(undefined as never);
      return undefined;
    }
  }
}
