import { execFileSync } from 'child_process';
import * as path from 'path';
import type { Dump } from './dumps';
import { median } from './stats';

export interface ParseSample {
  /** parseDocument(text, { onDemand: true }): the server's parse above the size limit. */
  readonly onDemandParseMs: number;
  readonly onDemandParseCpuMs: number;
  readonly parseMs: number;
  readonly parseCpuMs: number;
  readonly analyzeMs: number;
}

export interface ParseResult {
  readonly dump: Dump;
  readonly samples: readonly ParseSample[];
  readonly medianOnDemandParseMs: number;
  readonly medianOnDemandParseCpuMs: number;
  readonly medianParseMs: number;
  readonly medianParseCpuMs: number;
  readonly medianAnalyzeMs: number;
}

const child = path.join(__dirname, 'parseChild.ts');

/**
 * parseDocument() and analyze() in-process (TypeScript sources through tsx, not the bundle; earlier
 * runs found the two within ~10 %), one fresh process per run.
 */
export function measureParse(dump: Dump, runs: number): ParseResult {
  const samples: ParseSample[] = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--require', require.resolve('tsx/cjs'), child, dump.file],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    samples.push(JSON.parse(output) as ParseSample);
  }
  return {
    dump,
    samples,
    medianOnDemandParseMs: median(samples.map((s) => s.onDemandParseMs)),
    medianOnDemandParseCpuMs: median(samples.map((s) => s.onDemandParseCpuMs)),
    medianParseMs: median(samples.map((s) => s.parseMs)),
    medianParseCpuMs: median(samples.map((s) => s.parseCpuMs)),
    medianAnalyzeMs: median(samples.map((s) => s.analyzeMs)),
  };
}
