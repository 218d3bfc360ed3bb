import * as assert from 'assert';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { ChangeTracker } from '../../../server/src/lsp/changeTracker';
import type { ChangedLines } from '../../../server/src/model/span';

const runs = Number(process.env.IPL_FUZZ_RUNS ?? 300);

/** An edit as an editor sends it: a range of the current text and its replacement. */
const editArbitrary = fc.record({
  startLine: fc.nat(12),
  startChar: fc.nat(6),
  lineSpan: fc.nat(3),
  endChar: fc.nat(6),
  text: fc.constantFrom('', 'x', '\n', 'a\nb', '\n\n', '-A X -j Y\n', '\r\n'),
});

describe('Changed-line tracking from incremental didChange ranges', function () {
  it('Should report a region outside which both versions have the same lines (random edit batches)', function () {
    fc.assert(
      fc.property(
        fc.array(fc.array(editArbitrary, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        (batches) => {
          const start =
            Array.from({ length: 12 }, (_, i) => `line ${i} -A INPUT -j ACCEPT`).join('\n') + '\n';
          let doc = TextDocument.create('file:///t.rules', 'iptables', 1, start);
          const tracker = new ChangeTracker();
          for (const batch of batches) {
            const changes: TextDocumentContentChangeEvent[] = [];
            // TextDocument.update changes the document in place: positions are computed on a copy.
            let scratch = TextDocument.create(doc.uri, 'iptables', doc.version, doc.getText());
            for (const e of batch) {
              const lastLine = scratch.lineCount - 1;
              const sl = Math.min(e.startLine, lastLine);
              const el = Math.min(sl + e.lineSpan, lastLine);
              const range = {
                start: scratch.positionAt(scratch.offsetAt({ line: sl, character: e.startChar })),
                end: scratch.positionAt(scratch.offsetAt({ line: el, character: e.endChar })),
              };
              if (scratch.offsetAt(range.end) < scratch.offsetAt(range.start)) continue;
              changes.push({ range, text: e.text });
              scratch = TextDocument.update(scratch, [{ range, text: e.text }], scratch.version);
            }
            if (changes.length === 0) continue;
            tracker.record(doc.uri, doc.version, doc.version + 1, changes);
            doc = TextDocument.update(doc, changes, doc.version + 1);
          }
          const found = tracker.changedBetween(doc.uri, 1, doc.version);
          if (doc.version === 1) return assert.strictEqual(found, undefined);
          assert.ok(found, 'a region for incremental changes');
          const region: ChangedLines = found;
          const before = start.split('\n');
          const after = doc.getText().split(/\r\n|\r|\n/);
          assert.strictEqual(after.length - before.length, region.newLastLine - region.oldLastLine);
          for (let i = 0; i < region.firstLine; i++) assert.strictEqual(after[i], before[i], `line ${i}`);
          for (let i = region.oldLastLine + 1; i < before.length; i++) {
            const j = i + region.newLastLine - region.oldLastLine;
            assert.strictEqual(after[j], before[i], `old line ${i} / new line ${j}`);
          }
        },
      ),
      { seed: 8, numRuns: runs },
    );
  });

  it('Should refuse a region across a whole-text replacement or a gap in the versions', function () {
    const tracker = new ChangeTracker();
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } };
    tracker.record('file:///a', 1, 2, [{ range, text: 'x' }]);
    tracker.record('file:///a', 2, 3, [{ text: 'everything new' }]);
    assert.strictEqual(tracker.changedBetween('file:///a', 1, 3), undefined);
    assert.deepStrictEqual(tracker.changedBetween('file:///a', 1, 2), {
      firstLine: 1,
      oldLastLine: 1,
      newLastLine: 1,
    });
    tracker.record('file:///b', 1, 2, [{ range, text: 'x' }]);
    tracker.record('file:///b', 3, 4, [{ range, text: 'y' }]);
    assert.strictEqual(tracker.changedBetween('file:///b', 1, 4), undefined, 'version 2 → 3 is missing');
  });
});
