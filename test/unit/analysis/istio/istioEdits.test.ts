/**
 * The Istio quick fixes read single lines as the editor numbers them (`\n`, `\r\n` and a lone `\r`
 * each end one). Without carriage returns a line is read on its own, not by splitting the whole dump.
 */
import * as assert from 'assert';
import fc from 'fast-check';
import {
  editorLineText,
  insertBeforeLineEdit,
} from '../../../../server/src/analysis/checks/istio/istioEdits';
import { parseDocument } from '../../../../server/src/parser/parseDocument';
import { PiecedText } from '../../../../server/src/parser/piecedText';
import { CountingPieces } from '../../../helpers/countingPieces';
import { checkProperty, runLabel } from '../../../helpers/fuzzConfig';

const ruleLine = fc.constantFrom(
  '*nat',
  ':ISTIO_OUTPUT - [0:0]',
  '-A OUTPUT -j ISTIO_OUTPUT',
  '-A ISTIO_OUTPUT -m mark --mark 0x539/0xfff -j ACCEPT',
  '# a comment with é',
  '',
  'COMMIT',
);

describe('editorLineText (the line a quick fix rewrites)', function () {
  it(`Should give each line as the editor numbers them, with any line breaks${runLabel(9161)}`, function () {
    checkProperty(
      9161,
      fc.tuple(fc.array(ruleLine, { maxLength: 30 }), fc.array(fc.constantFrom('\n', '\n', '\r\n', '\r'))),
      ([lines, breaks]) => {
        const text = lines.map((l, i) => `${l}${breaks.length ? breaks[i % breaks.length] : '\n'}`).join('');
        const editorLines = text.split(/\r\n|\r|\n/);
        for (const doc of [parseDocument(text), parseDocument(new PiecedText([text]), { onDemand: true })])
          for (let i = 0; i < editorLines.length; i++)
            assert.strictEqual(editorLineText(doc, i), editorLines[i]);
      },
    );
  });

  it('Should not build the whole text of a dump without carriage returns', function () {
    const text = Array.from({ length: 5_000 }, (_, i) => `# line ${i}`).join('\n');
    const cut = text.indexOf('\n', 20_000) + 1;
    const pieces = new CountingPieces([text.slice(0, cut), text.slice(cut)]);
    const doc = parseDocument(pieces, { onDemand: true });
    assert.strictEqual(editorLineText(doc, 4_321), '# line 4321');
    assert.strictEqual(pieces.joins, 0);
    // With a carriage return the lines are split from the whole text, numbered as the editor does.
    const withCr = parseDocument(new CountingPieces([`a\rb\n`, text]));
    assert.strictEqual(editorLineText(withCr, 2), '# line 0');
  });

  it('Should end the last line first when a rule goes after it in a file without a final newline', function () {
    for (const [text, character] of [
      ['*nat\nCOMMIT', 6],
      ['*nat\r\nCOMMIT  ', 8],
      ['*nat\rCOMMIT', 6],
    ] as const) {
      const doc = parseDocument(text);
      assert.deepStrictEqual(insertBeforeLineEdit(doc, 2, '-A X -j ACCEPT'), {
        range: { start: { line: 1, character }, end: { line: 1, character } },
        newText: '\n-A X -j ACCEPT\n',
      });
    }
  });
});
