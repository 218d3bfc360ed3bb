import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';

/** Work that takes longer than this shows a progress notification in the client. */
export const progressAfterMs = 1000;

/**
 * A progress notification that appears only once the work has run for {@link progressAfterMs}: a
 * quick parse shows nothing, a 450,000-line dump shows "iptables-lens: checking file.rules 40 %".
 * Clients without `window.workDoneProgress` get a silent reporter from vscode-languageserver.
 */
export class LongWorkProgress {
  private reporter: Promise<WorkDoneProgressServerReporter> | undefined;
  private ended = false;
  /** The percentage last reported: a report that would repeat it is not sent (at most 100 per work). */
  private reported: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly title: string,
  ) {}

  /** Called between slices of the work. */
  update(done: number, total: number, elapsedMs: number): void {
    if (this.ended || elapsedMs < progressAfterMs) return;
    const percentage = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
    if (!this.reporter) {
      this.reported = percentage ?? 0;
      this.reporter = this.connection.window.createWorkDoneProgress();
      void this.reporter.then((r) => {
        if (this.ended) r.done();
        else r.begin(this.title, percentage, undefined, false);
      });
      return;
    }
    const reported = percentage ?? 0;
    if (reported === this.reported) return;
    this.reported = reported;
    void this.reporter.then((r) => {
      if (!this.ended) r.report(reported);
    });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    void this.reporter?.then((r) => r.done());
  }
}

/** The file name of a document URI, for progress titles. */
export function baseName(uri: string): string {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
