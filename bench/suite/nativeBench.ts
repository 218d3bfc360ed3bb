import type { Dump } from './dumps';
import { runMeasured, type ProcessRun } from './measuredProcess';
import { median } from './stats';

/** The C implementations that validate the same language. */
export type NativeTool = 'iptables-nft-restore' | 'iptables-legacy-restore';

export interface NativeResult {
  readonly tool: NativeTool;
  readonly dump: Dump;
  readonly runs: readonly ProcessRun[];
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly medianPeakRssKiB: number;
  /** Whether every run exited 0 (the file passed `--test`). */
  readonly accepted: boolean;
  /** The tool's first error line when it rejected the file. */
  readonly error: string;
}

/**
 * `unshare -n TOOL --test FILE`: a throw-away network namespace that disappears with the process, so
 * the host's rules are never touched. unshare execs the tool in its own process, so GNU time's rusage
 * is the tool's own.
 */
export async function measureNative(tool: NativeTool, dump: Dump, runs: number): Promise<NativeResult> {
  const results: ProcessRun[] = [];
  for (let run = 0; run < runs; run++) {
    results.push(await runMeasured('unshare', ['-n', tool, '--test', dump.file]));
  }
  const failed = results.find((r) => r.exitCode !== 0);
  return {
    tool,
    dump,
    runs: results,
    medianMs: median(results.map((r) => r.wallMs)),
    medianCpuMs: median(results.map((r) => r.cpuMs)),
    medianPeakRssKiB: median(results.map((r) => r.peakRssKiB)),
    accepted: failed === undefined,
    error: failed?.stderrTail ?? '',
  };
}
