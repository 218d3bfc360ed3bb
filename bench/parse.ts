/**
 * Parse + analysis benchmark on kube-proxy-style dumps (bench/gen-kube.mjs), the size real nodes reach.
 * Run: npx tsx bench/parse.ts [services...]. Prints wall time per phase and heap growth; results go to
 * BENCHMARKS.md by hand, never into tests.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { parseDocument } from '../server/src/parser/parseDocument';
import { analyze } from '../server/src/analysis/analyzer';

function generate(services: number): string {
  return execFileSync(process.execPath, [path.join(__dirname, 'gen-kube.mjs'), String(services), '3'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

function time<T>(run: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const sizes = process.argv.slice(2).map(Number);
for (const services of sizes.length > 0 ? sizes : [1000, 10000, 30000]) {
  const text = generate(services);
  const lines = text.split('\n').length;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const parse = time(() => parseDocument(text));
  const heapAfter = process.memoryUsage().heapUsed;
  const findings = time(() => analyze(parse.result));
  console.log(
    `${services} services: ${lines.toLocaleString('en-US')} lines, ${(text.length / 1e6).toFixed(1)} MB — ` +
      `parse ${parse.ms.toFixed(0)} ms, analyze ${findings.ms.toFixed(0)} ms (${findings.result.length} findings), ` +
      `heap +${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB`,
  );
}
