/**
 * Trace benchmark: one packet to a service IP near the end of KUBE-SERVICES in a ~150,000-line
 * kube-proxy dump (bench/gen-kube.mjs 10000 3). The tracer works on the parsed rule set with chains
 * indexed by name, so a trace costs the rules it visits, not a rescan of the file per step.
 * Run: node --expose-gc --import tsx bench/trace.ts [services]. Results go to BENCHMARKS.md by hand, never into tests.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { parseDocument } from '../server/src/parser/parseDocument';
import { tracePacket } from '../server/src/trace/tracer';

const services = Number(process.argv[2] ?? 10000);
const text = execFileSync(process.execPath, [path.join(__dirname, 'gen-kube.mjs'), String(services), '3'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
const lines = text.split('\n').length;

// gen-kube.mjs numbers services s → 10.(96 + s>>16).(s>>8 & 255).(s & 255), port 80 + (s % 7) * 1000.
const s = services - 2;
const ip = `10.${96 + (s >> 16)}.${(s >> 8) & 255}.${s & 255}`;
const port = 80 + (s % 7) * 1000;
// Marked as ztunnel's (0x539) so Istio's outbound capture lets it through to kube-proxy's chains.
const spec = `tcp 10.244.0.5:43210 -> ${ip}:${port} out mark=0x539`;

function time<T>(run: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const parse = time(() => parseDocument(text));
const doc = parse.result;
// Collect the parse's garbage first, so the trace is not charged for it (run with --expose-gc).
(global as { gc?: () => void }).gc?.();
const first = time(() => tracePacket(doc, spec));
const runs: number[] = [];
for (let i = 0; i < 100; i++) runs.push(time(() => tracePacket(doc, spec)).ms);
runs.sort((a, b) => a - b);
const result = first.result.ok ? first.result.result : undefined;
console.log(
  `${lines.toLocaleString('en-US')} lines (${services} services), packet "${spec}": parse ${parse.ms.toFixed(0)} ms; ` +
    `first trace ${first.ms.toFixed(1)} ms (builds the chain prefilters, cold JIT); then over 100 traces ` +
    `median ${runs[50].toFixed(2)} ms, p90 ${runs[90].toFixed(2)} ms, max ${runs[99].toFixed(1)} ms; ` +
    `${result?.packets[0].steps.length ?? 0} steps in the main branch, ${1 + (result?.alternatives.length ?? 0)} outcomes ` +
    `(statistic --mode random is undecidable, so every endpoint is traced)`,
);
