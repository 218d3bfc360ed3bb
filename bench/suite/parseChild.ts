/**
 * Child process of the parse benchmark: parses one file in-process and prints the timings as JSON:
 * the on-demand parse the language server runs above the size limit (on this thread alone: the
 * server's reading worker for 200k lines and more is measured by the open benchmark), then the full
 * parse and the full analysis the CLI runs.
 * A process per file keeps one dump's heap and JIT state from colouring the next.
 * Run: node --expose-gc --require tsx/cjs bench/suite/parseChild.ts FILE
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { parseDocument } from '../../server/src/parser/parseDocument';
import { analyze } from '../../server/src/analysis/analyzer';

const text = fs.readFileSync(process.argv[2]!, 'utf8');
const collect = (): void => (global as { gc?: () => void }).gc?.();
collect();
const onDemandCpuBefore = process.cpuUsage();
const onDemandStart = performance.now();
const onDemandRules = parseDocument(text, { onDemand: true }).ruleset.rules.length;
const onDemandParseMs = performance.now() - onDemandStart;
const onDemandCpu = process.cpuUsage(onDemandCpuBefore);
collect();
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
    onDemandParseMs,
    onDemandParseCpuMs: (onDemandCpu.user + onDemandCpu.system) / 1000,
    parseMs,
    parseCpuMs: (parseCpu.user + parseCpu.system) / 1000,
    analyzeMs,
    findings: findings.length,
    rules: onDemandRules,
    problems: doc.problems.length,
  }),
);
