/**
 * Every navigation and editing provider, and the lint checks, on every file of the restore corpus
 * (test/corpus: files iptables-restore accepts and files it rejects) and the hand-written formatter
 * corpus, at a cursor on every token boundary (of every line, or of a sample of lines in big files): none may throw, and every range must lie inside the
 * document. A provider that throws would take its request down in the editor.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range } from 'vscode-languageserver-types';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getDocumentSymbols } from '../../../server/src/features/documentSymbols';
import { getFoldingRanges } from '../../../server/src/features/folding';
import { getDefinition } from '../../../server/src/features/definition';
import { getReferences } from '../../../server/src/features/references';
import { getDocumentHighlights } from '../../../server/src/features/documentHighlights';
import { getRenameEdits, prepareRename } from '../../../server/src/features/rename';
import { getCompletions } from '../../../server/src/features/completion';
import { applyTextEdits, formatDocument } from '../../../server/src/features/formatting';
import { getInlayHints } from '../../../server/src/features/inlayHints';
import { getExpectedRuleSet } from '../../../server/src/features/compareExpected';
import { lintChecks } from '../../../server/src/analysis/checks/lint';

const root = join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.json') ? [] : [join(dir, e.name)],
  );
}

function assertInside(range: Range, lines: readonly string[], what: string): void {
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line <= lines.length, `${what}: line ${p.line} outside the document`);
  }
}

describe('Providers on every corpus file', function () {
  this.timeout(120_000);
  const files = [
    ...filesUnder(join(root, 'corpus')),
    ...filesUnder(join(root, 'kernel', 'format', 'corpus')),
  ];

  it('Should find the corpus', function () {
    assert.ok(files.length > 50, `only ${files.length} files`);
  });

  for (const file of files) {
    it(`Should not throw on ${file.slice(root.length + 1)}`, function () {
      const text = readFileSync(file, 'utf8');
      const doc = parseDocument(text);
      const lines = text.split('\n');
      const uri = 'file:///x.rules';
      for (const s of getDocumentSymbols(doc)) assertInside(s.range, lines, `symbol ${s.name}`);
      for (const r of getFoldingRanges(doc))
        assert.ok(r.startLine < r.endLine && r.endLine < lines.length + 1);
      const edits = formatDocument(doc);
      parseDocument(applyTextEdits(text, edits));
      getInlayHints(doc, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } });
      getExpectedRuleSet(doc);
      for (const check of lintChecks) check.run({ doc });
      // Every line of small files; a sample of big ones (the generated kube-proxy dump), to keep it quick.
      const step = Math.max(1, Math.floor(lines.length / 100));
      lines.forEach((lineText, line) => {
        if (line % step !== 0) return;
        const boundaries = new Set([0, lineText.length]);
        for (let i = 0; i < lineText.length; i++) if (lineText[i] === ' ') boundaries.add(i).add(i + 1);
        for (const character of boundaries) {
          const position = { line, character };
          getDefinition(doc, uri, position);
          getReferences(doc, uri, position, true);
          getDocumentHighlights(doc, position);
          if (prepareRename(doc, position)) getRenameEdits(doc, uri, position, 'RENAMED');
          getCompletions(doc, position);
        }
      });
    });
  }
});
