import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { suiteClient } from '../../helpers/lspClient';

const kube = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'kube', 'kube-50x3.rules'), 'utf8');
const lines = kube.split('\n');

/** Diagnostics as comparable lines: position, code, message. */
const summary = (list: Diagnostic[]): string[] =>
  list.map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.code)} ${String(d.message)}`);

/**
 * Small edits re-parse only their lines and re-use the previous findings for the rest; whatever path
 * the server takes, the diagnostics after an edit must be those of the edited text opened afresh.
 */
describe('Diagnostics after small edits over a real LSP connection', function () {
  this.timeout(60000);
  const client = suiteClient();

  // Below and above the size limit: full analysis, and syntax + Istio checks (the incremental path).
  for (const maxFileSizeForAnalysis of [5_000_000, 1000]) {
    it(`Should publish the same diagnostics as a fresh open after each edit (size limit ${maxFileSizeForAnalysis})`, async () => {
      client().settings = { diagnostics: { maxFileSizeForAnalysis } };
      const uri = `file:///edited-${maxFileSizeForAnalysis}.rules`;
      await client().open(uri, kube);
      const dportLine = lines.findIndex(
        (l) => l.startsWith('-A KUBE-SERVICES') && l.includes('--dport 1080'),
      );
      const commentLine = lines.findIndex((l) => l.includes('--comment "ns0/svc-0'));
      const at = (line: number, needle: string, offset = 0) => ({
        line,
        character: lines[line]!.indexOf(needle) + offset,
      });
      // Each step: the edit, and the text it leaves (kept alongside to open afresh).
      let text = kube;
      const steps: {
        range: { start: { line: number; character: number }; end: { line: number; character: number } };
        newText: string;
      }[] = [
        // Type a character inside a comment.
        { range: { start: at(commentLine, 'svc-0'), end: at(commentLine, 'svc-0') }, newText: 'x' },
        // Misspell --dport: iptables 1.8.9 answers `unknown option "--dprot"`.
        { range: { start: at(dportLine, '--dport', 4), end: at(dportLine, '--dport', 6) }, newText: 'ro' },
        // And put it back.
        { range: { start: at(dportLine, '--dport', 4), end: at(dportLine, '--dport', 6) }, newText: 'or' },
      ];
      for (const [i, step] of steps.entries()) {
        const edited = await client().edit(uri, step.range, step.newText);
        const all = text.split('\n');
        const l = all[step.range.start.line]!;
        all[step.range.start.line] =
          l.slice(0, step.range.start.character) + step.newText + l.slice(step.range.end.character);
        text = all.join('\n');
        const fresh = await client().open(`file:///fresh-${maxFileSizeForAnalysis}-${i}.rules`, text);
        assert.deepStrictEqual(summary(edited), summary(fresh), `after step ${i}`);
        if (i === 1) {
          assert.ok(
            edited.some((d) => d.code === 'syntax.unknown-option' && d.range.start.line === dportLine),
            'the misspelt option is reported on its line',
          );
        }
      }
    });
  }
});
