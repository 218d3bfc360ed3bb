/**
 * A document text in pieces (what the stdio reader makes of a big didOpen) reads exactly as the same
 * text in one string: characters, slices, lines, the whole parse, the line store — and the whole
 * string is never built unless someone asks for all of it.
 */
import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { LineDocument } from '../../../server/src/lsp/lineDocument';
import { workerParallelReading } from '../../../server/src/lsp/workerReading';
import { lineStartsOf, lineTextOf, textLengthOf } from '../../../server/src/parser/lineStarts';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { PiecedText } from '../../../server/src/parser/piecedText';
import { LineCursor, countLines, indexLines, indexLinesInSteps } from '../../../server/src/parser/splitLines';
import { CountingPieces } from '../../helpers/countingPieces';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { parsedJson } from '../../helpers/parsedJson';

const root = path.resolve(__dirname, '..', '..', '..');
/** A kube-proxy node dump (bench/gen-kube.mjs 50 3): 795 lines in two table blocks. */
const kubeText = fs.readFileSync(path.join(root, 'test', 'fixtures', 'kube', 'kube-50x3.rules'), 'utf8');

/** `text` cut after the first line break at or past every `size` characters, as the stdio reader cuts. */
function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  let from = 0;
  while (from < text.length) {
    const lineBreak = text.indexOf('\n', from + size - 1);
    const end = lineBreak < 0 ? text.length : lineBreak + 1;
    pieces.push(text.slice(from, end));
    from = end;
  }
  return pieces;
}

/** Text over an alphabet rich in line breaks of every kind. */
const lineText = fc
  .array(fc.constantFrom('a', 'b', ' ', '\n', '\n', '\r', '\r\n', 'é', '😀', '*', '-'), { maxLength: 80 })
  .map((parts) => parts.join(''));

/** Everything a LineCursor tells about each line of `text`. */
function cursorLines(text: string | PiecedText): unknown[] {
  const cursor = new LineCursor(text);
  const seen: unknown[] = [];
  while (cursor.advance()) {
    const { line, start, end, nextStart, hasNewline, crlf } = cursor;
    seen.push([line, start, end, nextStart, hasNewline, crlf, cursor.lineWithBreak(), cursor.firstCode()]);
  }
  return seen;
}

describe('PiecedText (a document text in pieces)', function () {
  it(`Should read as the string it stands for, however it is cut${runLabel(9151)}`, function () {
    checkProperty(
      9151,
      fc.tuple(lineText, fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.integer({ min: -3, max: 90 }))),
      ([text, cuts, offsets]) => {
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const raw = [0, ...points, text.length]
          .slice(1)
          .map((end, i, ends) => text.slice(i ? ends[i - 1] : 0, end));
        const pieced = new PiecedText(raw);
        // Pieces that end inside a line are joined with the next, so lines are never split.
        for (const piece of pieced.pieces.slice(0, -1)) assert.ok(piece.endsWith('\n'));
        assert.strictEqual(pieced.length, text.length);
        assert.strictEqual(pieced.toString(), text);
        assert.strictEqual(JSON.stringify({ text: pieced }), JSON.stringify({ text }));
        for (const at of offsets) assert.deepStrictEqual(pieced.charCodeAt(at), text.charCodeAt(at));
        for (let i = 0; i + 1 < offsets.length; i += 2) {
          const [a, b] = [Math.max(0, offsets[i]!), Math.max(0, offsets[i + 1]!)];
          assert.strictEqual(pieced.slice(a, b), text.slice(a, Math.max(a, b)));
        }
        assert.deepStrictEqual(cursorLines(pieced), cursorLines(text));
        assert.strictEqual(countLines(pieced), countLines(text));
        assert.deepStrictEqual(indexLines(pieced, 3), indexLines(text, 3));
      },
    );
  });

  it('Should keep an empty text as one empty piece', function () {
    const empty = new PiecedText([]);
    assert.deepStrictEqual(empty.pieces, ['']);
    assert.strictEqual(empty.length, 0);
    assert.deepStrictEqual(cursorLines(empty), cursorLines(''));
  });
});

describe('Parsing a document in pieces', function () {
  const variants: Record<string, string> = {
    'the node dump as saved': kubeText,
    'CRLF line endings on a stretch of rules': kubeText
      .split('\n')
      .map((l, i) => (i >= 500 && i < 520 ? `${l}\r` : l))
      .join('\n'),
    'a lone carriage return inside a rule': kubeText.replace(/(-A KUBE-SEP-\S+) -m /, '$1 -m\r'),
    'no final line break': kubeText.trimEnd(),
  };

  for (const [name, text] of Object.entries(variants)) {
    it(`Should give the same parse as the whole string: ${name}`, function () {
      for (const size of [1, 700, 4096, 40_000]) {
        const pieces = new PiecedText(piecesOf(text, size));
        assert.strictEqual(parsedJson(parseDocument(pieces)), parsedJson(parseDocument(text)));
        assert.strictEqual(
          parsedJson(parseDocument(pieces, { onDemand: true })),
          parsedJson(parseDocument(text, { onDemand: true })),
        );
      }
      // The reading worker is handed runs of lines that cross pieces.
      const stats = { linesFromWorker: 0 };
      const parallel = workerParallelReading({ minLines: 0, chunkLines: 32, waitForWorker: true, stats });
      const pieces = new PiecedText(piecesOf(text, 2000));
      assert.strictEqual(
        parsedJson(parseDocument(pieces, { onDemand: true, parallel })),
        parsedJson(parseDocument(text, { onDemand: true })),
      );
      assert.ok(stats.linesFromWorker > 0, 'the worker read none of the pieces');
    });
  }

  it("Should index the lines by their breaks as the cursor's pass does, in steps, and leave a text with a CR to the cursor", function () {
    const drain = (text: string | PiecedText, every: number) => {
      const indexing = indexLinesInSteps(text, every, 'step');
      let steps = 0;
      for (;;) {
        const next = indexing.next();
        if (next.done) return { index: next.value, steps };
        steps++;
      }
    };
    // Tables at the start, in the middle and last, so that some start a piece of 1 or 64 characters.
    const tables = `*raw\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n${kubeText}*filter\nCOMMIT\n*mangle\nCOMMIT`;
    for (const [name, text] of Object.entries({ ...variants, 'more tables': tables })) {
      for (const every of [1, 7, 8192, Number.MAX_SAFE_INTEGER]) {
        for (const pieced of [text, new PiecedText(piecesOf(text, 1)), new PiecedText(piecesOf(text, 64))]) {
          const { index } = drain(pieced, every);
          assert.deepStrictEqual(
            index,
            text.includes('\r') ? undefined : indexLines(text, every),
            `${name}, every ${every}`,
          );
        }
      }
    }
    assert.ok(indexLines(tables, 7).tableLines.length >= 4);
    // A long text without pieces still yields every few thousand lines.
    const long = 'x\n'.repeat(50_000);
    const { index, steps } = drain(long, Number.MAX_SAFE_INTEGER);
    assert.deepStrictEqual([index?.total, steps], [50_001, 4]);
    assert.strictEqual(countLines(long), 50_001);
  });

  it('Should keep the line starts of the text, noted while reading or scanned after a CR', function () {
    for (const [name, text] of Object.entries(variants)) {
      for (const size of [1, 4096]) {
        const doc = parseDocument(new PiecedText(piecesOf(text, size)), { onDemand: true });
        const scanned = [0];
        for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) scanned.push(at + 1);
        scanned.push(text.length + 1);
        assert.deepStrictEqual([...lineStartsOf(doc)], scanned, `${name}, pieces of ${size}`);
      }
    }
  });

  it('Should give lines, line starts and the length from the pieces, and join them only when asked', function () {
    const text = variants['a lone carriage return inside a rule']!;
    const pieces = new CountingPieces(piecesOf(text, 3000));
    const doc = parseDocument(pieces, { onDemand: true });
    const whole = parseDocument(text, { onDemand: true });
    const lines = countLines(text);
    for (let i = -1; i <= lines; i++) assert.strictEqual(lineTextOf(doc, i), lineTextOf(whole, i));
    assert.strictEqual(textLengthOf(doc), text.length);
    assert.deepStrictEqual(lineStartsOf(doc), lineStartsOf(whole));
    // Serialising reads every kept rule's line again, from the pieces.
    assert.strictEqual(parsedJson(doc), parsedJson(whole));
    assert.strictEqual(pieces.joins, 0, 'the whole text was built');
    assert.strictEqual(doc.text, text);
    assert.strictEqual(pieces.joins, 1);
  });
});

describe('The line store of a document opened in pieces', function () {
  it('Should behave as the same document opened as one string', function () {
    const text = kubeText.replace(/\n(-A KUBE-SVC)/, '\r\n$1').replace(/(-j ACCEPT)\n/, '$1\r');
    const pieces = new CountingPieces(piecesOf(text, 5000));
    const fromPieces = LineDocument.create('file:///p.rules', 'iptables', 1, pieces);
    const fromString = LineDocument.create('file:///s.rules', 'iptables', 1, text);
    assert.strictEqual(fromPieces.textForParsing(), pieces);
    assert.strictEqual(fromPieces.length, text.length);
    // Split in steps, as the server does in the background.
    let steps = 0;
    while (!fromPieces.splitSome(100)) steps++;
    assert.ok(steps > 3);
    assert.strictEqual(fromPieces.lineCount, fromString.lineCount);
    for (let i = 0; i < fromString.lineCount; i++) assert.strictEqual(fromPieces.line(i), fromString.line(i));
    for (const offset of [0, 1, 4999, 5000, 5001, 20_000, text.length - 1, text.length]) {
      const position = fromString.positionAt(offset);
      assert.deepStrictEqual(fromPieces.positionAt(offset), position);
      assert.strictEqual(fromPieces.offsetAt(position), offset);
    }
    const across = { start: fromString.positionAt(4900), end: fromString.positionAt(15_100) };
    assert.strictEqual(fromPieces.getText(across), fromString.getText(across));
    assert.strictEqual(pieces.joins, 0, 'the whole text was built');
    const edited = LineDocument.update(
      fromPieces,
      [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '# x\n' }],
      2,
    );
    const editedString = LineDocument.update(
      fromString,
      [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '# x\n' }],
      2,
    );
    assert.strictEqual(edited.getText(), editedString.getText());
    assert.strictEqual(fromPieces.getText(), text);
  });
});
