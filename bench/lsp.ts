/**
 * The editor's path on a big file, through the language service façade the LSP server calls: open
 * (parse), diagnostics, hovers, a semantic-tokens range, code lenses and completions on a kube-proxy
 * dump (bench/gen-kube.mjs). Run: node --expose-gc -r tsx/cjs bench/lsp.ts [services]. Prints CPU and
 * wall time per request; results go to BENCHMARKS.md by hand, never into tests.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { createLanguageService } from '../server/src/languageService';
import { defaultSettings } from '../server/src/settings';

const services = Number(process.argv[2] ?? 10000);
const text = execFileSync(process.execPath, [path.join(__dirname, 'gen-kube.mjs'), String(services), '3'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
const lineCount = text.split('\n').length;
const uri = 'file:///tmp/kube.rules';

function time<T>(label: string, run: () => T, describe: (result: T) => string = () => ''): T {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1e3;
  console.log(`${label}: ${cpuMs.toFixed(1)} ms CPU / ${wallMs.toFixed(1)} ms wall ${describe(result)}`);
  return result;
}

console.log(
  `${lineCount.toLocaleString('en-US')} lines, ${(text.length / 1e6).toFixed(1)} MB; ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${os.cpus().length} CPUs`,
);
const service = createLanguageService();
const doc = time('open (parse)', () => service.parse(text));
time(
  'diagnostics',
  () => service.getDiagnostics(doc, uri, defaultSettings),
  (d) => `(${d.length})`,
);
time('diagnostics again (cached findings?)', () => service.getDiagnostics(doc, uri, defaultSettings));
// Positions spread over the file, on the chain operand and on the target, where hovers have most to say.
const probes = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.floor(lineCount * f));
const lines = text.split('\n');
for (const line of probes) {
  const at = Math.max(0, lines[line]!.indexOf('-j ') + 3);
  time(
    `hover line ${line}`,
    () => service.getHover(doc, { line, character: at }),
    (h) => (h ? '' : '(none)'),
  );
}
const mid = Math.floor(lineCount / 2);
time(
  'semantic tokens, 60-line range',
  () =>
    service.getSemanticTokens(doc, {
      start: { line: mid, character: 0 },
      end: { line: mid + 60, character: 0 },
    }),
  (t) => `(${t.data.length / 5} tokens)`,
);
time(
  'code lenses',
  () => service.getCodeLenses(doc, uri),
  (l) => `(${l.length})`,
);
time('completion after "-A X -m "', () => service.getCompletions(doc, { line: mid, character: 0 }));
for (const line of probes.slice(0, 2)) {
  time(`completion line ${line}`, () =>
    service.getCompletions(doc, { line, character: lines[line]!.length }),
  );
}
