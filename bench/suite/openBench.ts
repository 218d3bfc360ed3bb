import * as fs from 'fs';
import type { Dump } from './dumps';
import { LspSession, type ClientWriter } from './lspSession';
import { median } from './stats';

/** One didOpen → publishDiagnostics measurement on a fresh server. */
export interface OpenSample {
  readonly ms: number;
  /** Server CPU time (user + system) from didOpen to the diagnostics. */
  readonly cpuMs: number;
  readonly peakRssKiB: number;
  readonly diagnostics: number;
  readonly progressNotifications: number;
  readonly shownMessages: readonly string[];
}

export interface OpenResult {
  readonly dump: Dump;
  readonly samples: readonly OpenSample[];
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly medianPeakRssKiB: number;
}

/** Generous: the 450k-line dump took ~20 s before issue #8; a stuck server must not hang the suite. */
const openTimeoutMs = 10 * 60_000;

/**
 * Time from sending didOpen to receiving publishDiagnostics for version 1, with a fresh server per
 * run (so no cache and no warmed-up JIT carries over), and the server's VmHWM read right after.
 * `writer`: how the client writes the message (see ClientWriter).
 */
export async function measureOpen(
  dump: Dump,
  runs: number,
  writer: ClientWriter = 'vscode',
): Promise<OpenResult> {
  const text = fs.readFileSync(dump.file, 'utf8');
  const uri = `file://${dump.file}`;
  const samples: OpenSample[] = [];
  for (let run = 0; run < runs; run++) {
    const session = new LspSession({}, undefined, writer);
    try {
      await session.initialize();
      const published = session.diagnosticsFor(uri, 1, openTimeoutMs);
      const cpuBefore = session.cpuMs();
      const sentAt = await session.open(uri, text);
      const arrivedAt = await published;
      samples.push({
        ms: arrivedAt - sentAt,
        cpuMs: session.cpuMs() - cpuBefore,
        peakRssKiB: session.peakRssKiB(),
        diagnostics: session.diagnosticCounts.get(uri) ?? 0,
        progressNotifications: session.progress.notifications,
        shownMessages: [...session.shownMessages],
      });
    } finally {
      await session.close();
    }
  }
  return {
    dump,
    samples,
    medianMs: median(samples.map((s) => s.ms)),
    medianCpuMs: median(samples.map((s) => s.cpuMs)),
    medianPeakRssKiB: median(samples.map((s) => s.peakRssKiB)),
  };
}
