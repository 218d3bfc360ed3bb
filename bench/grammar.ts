/**
 * Grammar benchmark: tokenizing a ~150,000-line kube-proxy dump (bench/gen-kube.mjs 10000 3) with the
 * TextMate grammar on vscode-textmate + vscode-oniguruma, the engine VS Code runs it on. The editor
 * tokenizes lazily (visible lines first, the rest in idle slices), so the whole-file figure is an upper
 * bound on the work, and the per-line figures show how smooth scrolling and typing stay.
 * The second half measures semantic tokens, the other half of colouring: one parse of the document
 * (shared with every feature), then range requests for a screenful of lines, which read the cached parse.
 * Run: npx tsx bench/grammar.ts [services]. Results go to BENCHMARKS.md by hand, never into tests.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import { loadGrammar } from '../test/unit/grammar/textmate';
import { parseDocument } from '../server/src/parser/parseDocument';
import { getSemanticTokens } from '../server/src/features/semanticTokens';

/** Wall time, and this process's CPU time, which stays meaningful when other jobs share the cores. */
function time<T>(run: () => T): { result: T; ms: number; cpuMs: number } {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return {
    result,
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
  };
}

async function main(): Promise<void> {
  const services = Number(process.argv[2] ?? 10000);
  const text = execFileSync(process.execPath, [path.join(__dirname, 'gen-kube.mjs'), String(services), '3'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const lines = text.split('\n');
  const load = await (async () => {
    const start = process.hrtime.bigint();
    const grammar = await loadGrammar();
    return { grammar, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  })();

  // Each pass tokenizes every line with the previous line's rule stack, as the editor does on open.
  const perLine: number[] = [];
  const passes: { ms: number; cpuMs: number }[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const whole = time(() => {
      let stack = vsctm.INITIAL;
      for (const line of lines) {
        const start = process.hrtime.bigint();
        const result = load.grammar.tokenizeLine2(line, stack);
        if (pass === 2) perLine.push(Number(process.hrtime.bigint() - start) / 1e6);
        stack = result.ruleStack;
      }
    });
    passes.push(whole);
  }
  perLine.sort((a, b) => a - b);
  const pct = (p: number): string =>
    perLine[Math.min(perLine.length - 1, Math.floor(perLine.length * p))].toFixed(3);
  console.log(
    `${services} services: ${lines.length.toLocaleString('en-US')} lines, ${(text.length / 1e6).toFixed(1)} MB — ` +
      `grammar load ${load.ms.toFixed(0)} ms; ` +
      `whole file, passes 1-3 (the first compiles the regexes): wall ${passes.map((p) => p.ms.toFixed(0)).join(' / ')} ms, ` +
      `CPU ${passes.map((p) => p.cpuMs.toFixed(0)).join(' / ')} ms; ` +
      `per line p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`,
  );

  const parse = time(() => parseDocument(text));
  const full = time(() => getSemanticTokens(parse.result));
  const rangeMs: number[] = [];
  let rangeCpuMs = 0;
  for (let i = 0; i < 200; i++) {
    const first = Math.floor((((i * 7919) % 1000) / 1000) * (lines.length - 60));
    const range = { start: { line: first, character: 0 }, end: { line: first + 60, character: 0 } };
    const request = time(() => getSemanticTokens(parse.result, range));
    rangeMs.push(request.ms);
    rangeCpuMs += request.cpuMs;
  }
  rangeMs.sort((a, b) => a - b);
  console.log(
    `semantic tokens: parse once ${parse.ms.toFixed(0)} ms (CPU ${parse.cpuMs.toFixed(0)} ms); ` +
      `whole document ${full.ms.toFixed(0)} ms (CPU ${full.cpuMs.toFixed(0)} ms, ${(full.result.data.length / 5).toLocaleString('en-US')} tokens); ` +
      `60-line range from the cached parse: median ${rangeMs[100]!.toFixed(3)} ms, ` +
      `max ${rangeMs[199]!.toFixed(3)} ms, mean CPU ${(rangeCpuMs / rangeMs.length).toFixed(3)} ms`,
  );
}

void main();
