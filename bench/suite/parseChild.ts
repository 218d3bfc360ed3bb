/**
 * Child process of the parse benchmark: parses one file in-process and prints the timings as JSON.
 * A process per file keeps one dump's heap and JIT state from colouring the next.
 * Run: node --expose-gc --require tsx/cjs bench/suite/parseChild.ts FILE
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { parseDocument } from '../../server/src/parser/parseDocument';
import { analyze } from '../../server/src/analysis/analyzer';

const text = fs.readFileSync(process.argv[2]!, 'utf8');
(global as { gc?: () => void }).gc?.();
const cpuBefore = process.cpuUsage();
const parseStart = performance.now();
const doc = parseDocument(text);
const parseMs = performance.now() - parseStart;
const parseCpu = process.cpuUsage(cpuBefore);
const analyzeStart = performance.now();
const findings = analyze(doc);
const analyzeMs = performance.now() - analyzeStart;
process.stdout.write(
  JSON.stringify({
    parseMs,
    parseCpuMs: (parseCpu.user + parseCpu.system) / 1000,
    analyzeMs,
    findings: findings.length,
    problems: doc.problems.length,
  }),
);
