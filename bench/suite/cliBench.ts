import * as path from 'path';
import type { Dump } from './dumps';
import { runMeasured, type ProcessRun } from './measuredProcess';
import { median } from './stats';

const cliBundle = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliResult {
  readonly dump: Dump;
  readonly runs: readonly ProcessRun[];
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly medianPeakRssKiB: number;
  readonly exitCodes: readonly number[];
}

/** `node dist/cli.js check FILE` (output discarded): wall time and peak RSS from GNU time's rusage. */
export async function measureCli(dump: Dump, runs: number): Promise<CliResult> {
  const results: ProcessRun[] = [];
  for (let run = 0; run < runs; run++) {
    results.push(await runMeasured(process.execPath, [cliBundle, 'check', dump.file]));
  }
  return {
    dump,
    runs: results,
    medianMs: median(results.map((r) => r.wallMs)),
    medianCpuMs: median(results.map((r) => r.cpuMs)),
    medianPeakRssKiB: median(results.map((r) => r.peakRssKiB)),
    exitCodes: results.map((r) => r.exitCode),
  };
}
