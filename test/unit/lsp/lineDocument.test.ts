import * as assert from 'assert';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LineDocument, splitKeepingBreaks } from '../../../server/src/lsp/lineDocument';

const runs = Number(process.env.IPL_FUZZ_RUNS ?? 300);

/** Texts whose line breaks are every kind LSP knows, mixed, and pieces that join or split them. */
const piece = fc.constantFrom('', 'a', '-A X', '\n', '\r', '\r\n', '\n\r', 'é', '\u{1F600}', ' -j Y\n');
const textArbitrary = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

/** Positions drawn freely, past line ends and past the last line included (clients send such). */
const positionArbitrary = fc.record({
  line: fc.integer({ min: -1, max: 14 }),
  character: fc.integer({ min: -1, max: 12 }),
});

const changeArbitrary: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record({
      range: fc.record({ start: positionArbitrary, end: positionArbitrary }),
      text: textArbitrary,
    }),
  },
  { weight: 1, arbitrary: fc.record({ text: textArbitrary }) },
);

/**
 * The batch with each range moved onto real positions of the text it applies to, as a client sends
 * them (the library keeps broken line offsets for a range past the last line, so that is not a case
 * to compare on; the free positions are kept for the reads).
 */
function validRanges(
  document: TextDocument,
  batch: readonly TextDocumentContentChangeEvent[],
): TextDocumentContentChangeEvent[] {
  let scratch = TextDocument.create(document.uri, document.languageId, document.version, document.getText());
  return batch.map((change) => {
    const valid =
      'range' in change
        ? {
            range: {
              start: scratch.positionAt(scratch.offsetAt(change.range.start)),
              end: scratch.positionAt(scratch.offsetAt(change.range.end)),
            },
            text: change.text,
          }
        : change;
    scratch = TextDocument.update(scratch, [valid], scratch.version + 1);
    return valid;
  });
}

/** Everything the server reads from a document, for comparison with the library's TextDocument. */
function observe(doc: TextDocument, positions: readonly Position[], offsets: readonly number[]) {
  return {
    text: doc.getText(),
    lineCount: doc.lineCount,
    version: doc.version,
    offsets: positions.map((p) => doc.offsetAt(p)),
    positions: offsets.map((o) => doc.positionAt(o)),
    ranges: positions.slice(1).map((p, i) => doc.getText({ start: positions[i]!, end: p })),
    lineRanges: positions.map((p) => doc.getLineRange(p.line)),
    breaks: positions.map((p) => doc.getEOLCharacters(p.line)),
  };
}

describe('LineDocument (the server-side text store)', function () {
  it('Should behave like the library TextDocument under random edit batches', function () {
    fc.assert(
      fc.property(
        textArbitrary,
        fc.array(fc.array(changeArbitrary, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        fc.array(positionArbitrary, { minLength: 2, maxLength: 8 }),
        fc.array(fc.integer({ min: -2, max: 80 }), { maxLength: 8 }),
        fc.nat(4),
        (start, batches, positions, offsets, splitFirst) => {
          let expected = TextDocument.create('file:///t.rules', 'iptables', 1, start);
          let actual = LineDocument.create('file:///t.rules', 'iptables', 1, start);
          // Part of the lines split in the background before the first read or edit, or none.
          actual.splitSome(splitFirst);
          assert.deepStrictEqual(observe(actual, positions, offsets), observe(expected, positions, offsets));
          let version = 1;
          for (const drawn of batches) {
            version++;
            const before = actual;
            const beforeText = before.getText();
            const batch = validRanges(expected, drawn);
            expected = TextDocument.update(expected, batch, version);
            actual = LineDocument.update(actual, batch, version);
            assert.deepStrictEqual(
              observe(actual, positions, offsets),
              observe(expected, positions, offsets),
            );
            // Versions are values: the one an earlier parse read is never changed by a later edit.
            assert.strictEqual(before.getText(), beforeText);
          }
        },
      ),
      { seed: 3301, numRuns: runs },
    );
  });

  it('Should read each line without its break, as the re-parse needs, without building the text', function () {
    const doc = LineDocument.create('u', 'iptables', 1, 'a\r\nb\rc\nd');
    const edited = LineDocument.update(
      doc,
      [{ range: { start: { line: 3, character: 1 }, end: { line: 3, character: 1 } }, text: 'x' }],
      2,
    );
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((i) => edited.line(i)),
      ['a', 'b', 'c', 'dx'],
    );
    assert.strictEqual(edited.length, 'a\r\nb\rc\ndx'.length);
    assert.strictEqual(edited.text(), 'a\r\nb\rc\ndx');
  });

  it('Should split at every LSP line break and keep the breaks', function () {
    assert.deepStrictEqual(splitKeepingBreaks('a\nb\r\nc\rd'), ['a\n', 'b\r\n', 'c\r', 'd']);
    assert.deepStrictEqual(splitKeepingBreaks('x\n'), ['x\n', '']);
    assert.deepStrictEqual(splitKeepingBreaks(''), ['']);
  });
});
