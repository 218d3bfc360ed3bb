/** What the client does after the language server process died. */
export type CrashDecision =
  /** Start a new server and tell the user once: the first crash of a burst. */
  | 'restart-and-notify'
  /** Start a new server without another notification: the user was told about this burst already. */
  | 'restart-quietly'
  /** Too many crashes in the window: leave the server stopped and say so. */
  | 'give-up';

/**
 * Decides between restarting and giving up, and whether the user should hear about a crash, so a
 * server that crashes in a loop yields one warning per burst instead of a notification per crash.
 * Pure (the clock is passed in), so it is tested without an editor.
 */
export class CrashPolicy {
  private readonly crashes: number[] = [];
  private lastNoticeAt: number | undefined;

  /**
   * @param maxCrashes restarts allowed within `windowMs`; one more crash gives up.
   * @param windowMs how long a crash counts towards giving up, and how long one notice covers.
   */
  constructor(
    private readonly maxCrashes: number,
    private readonly windowMs: number,
  ) {}

  /** Records a crash at `now` (milliseconds) and decides. */
  onCrash(now: number): CrashDecision {
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0] > this.windowMs) this.crashes.shift();
    if (this.crashes.length > this.maxCrashes) return 'give-up';
    if (this.lastNoticeAt !== undefined && now - this.lastNoticeAt <= this.windowMs) return 'restart-quietly';
    this.lastNoticeAt = now;
    return 'restart-and-notify';
  }

  /** Crashes counted in the current window (for the give-up message). */
  get recentCrashes(): number {
    return this.crashes.length;
  }

  /** Forgets the history: the user restarted the server by hand. */
  reset(): void {
    this.crashes.length = 0;
    this.lastNoticeAt = undefined;
  }
}
