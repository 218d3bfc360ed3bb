/**
 * Parse + analysis benchmark on kube-proxy-style dumps (bench/gen-kube.mjs), the size real nodes reach.
 * Run: node --expose-gc -r tsx/cjs bench/parse.ts [services...]. Prints CPU time (the figure that stays
 * comparable on a shared machine) and wall time per phase, and the heap the parse keeps alive; results
 * go to BENCHMARKS.md by hand, never into tests.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from '../server/src/parser/parseDocument';
import { analyze } from '../server/src/analysis/analyzer';

function generate(services: number): string {
  return execFileSync(process.execPath, [path.join(__dirname, 'gen-kube.mjs'), String(services), '3'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

interface Timed<T> {
  readonly result: T;
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Runs once, measuring this process's CPU time (user + system, GC included) and wall time. */
function time<T>(run: () => T): Timed<T> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1e3, wallMs };
}

function heapUsed(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

const format = (t: Timed<unknown>): string => `${t.cpuMs.toFixed(0)} ms CPU / ${t.wallMs.toFixed(0)} ms wall`;

console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ${os.cpus().length} CPUs`,
);
const sizes = process.argv.slice(2).map(Number);
for (const services of sizes.length > 0 ? sizes : [1000, 10000, 30000]) {
  const text = generate(services);
  const lines = text.split('\n').length;
  const heapBefore = heapUsed();
  const parse = time(() => parseDocument(text));
  const kept = heapUsed() - heapBefore;
  const findings = time(() => analyze(parse.result));
  console.log(
    `${services} services: ${lines.toLocaleString('en-US')} lines, ${(text.length / 1e6).toFixed(1)} MB — ` +
      `parse ${format(parse)}, analyze ${format(findings)} (${findings.result.length} findings), ` +
      `parse keeps ${(kept / 1e6).toFixed(0)} MB (${(kept / text.length).toFixed(1)}× the text)`,
  );
}
