/**
 * Trace benchmark: one packet to a service IP near the end of KUBE-SERVICES in a ~150,000-line
 * kube-proxy dump (bench/gen-kube.mjs 10000 3). The tracer works on the parsed rule set with chains
 * indexed by name, so a trace costs the rules it visits, not a rescan of the file per step.
 * Run: npx tsx bench/trace.ts [services]. Results go to BENCHMARKS.md by hand, never into tests.
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
const runs: number[] = [];
let steps = 0;
let outcomes = 0;
for (let i = 0; i < 20; i++) {
  const t = time(() => tracePacket(doc, spec));
  runs.push(t.ms);
  if (t.result.ok) {
    steps = t.result.result.packets[0].steps.length;
    outcomes = 1 + t.result.result.alternatives.length;
  }
}
runs.sort((a, b) => a - b);
console.log(
  `${lines.toLocaleString('en-US')} lines (${services} services), packet "${spec}": parse ${parse.ms.toFixed(0)} ms; ` +
    `trace worst ${runs[runs.length - 1].toFixed(1)} ms, median ${runs[10].toFixed(1)} ms, best ${runs[0].toFixed(1)} ms; ` +
    `${steps} steps in the main branch, ${outcomes} outcomes (statistic --mode random is undecidable)`,
);
