import type { PiecedText } from './piecedText';

/** Anything that holds one immutable document text, e.g. a `ParsedDocument`. */
interface HasText {
  readonly text: string;
}

/** Line starts per document text holder, computed once and dropped with it. */
const lineStartsByDocument = new WeakMap<HasText, Int32Array>();

/**
 * Offsets where each `\n`-separated line of `doc.text` starts, plus one entry past the end
 * (`text.length + 1`), so line i spans `starts[i] .. starts[i + 1] - 1` and there are
 * `starts.length - 1` lines. Computed once per document; a re-parse of a few lines hands the shifted
 * offsets on with {@link rememberLineStarts}, so a keystroke never rescans a 16 MB text.
 */
export function lineStartsOf(doc: HasText): Int32Array {
  const cached = lineStartsByDocument.get(doc);
  if (cached) return cached;
  const starts = newlineStarts([doc.text]);
  lineStartsByDocument.set(doc, starts);
  return starts;
}

/** The line starts of a text given as consecutive pieces (see {@link lineStartsOf}). */
function newlineStarts(pieces: readonly string[]): Int32Array {
  const steps = newlineStartsInSteps(pieces, undefined);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link newlineStarts}, yielding `progress` after each piece of each of its two passes: a big
 * document's pieces are about 1 MB each, so no step takes more than a fraction of a millisecond, where
 * the whole scan of a 49 MB dump took 23 ms in one turn of the language server's event loop.
 */
export function* newlineStartsInSteps<P>(
  pieces: readonly string[],
  progress: P,
): Generator<P, Int32Array, void> {
  let breaks = 0;
  for (const piece of pieces) {
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) breaks++;
    yield progress;
  }
  const starts = new Int32Array(breaks + 2);
  let line = 0;
  let base = 0;
  for (const piece of pieces) {
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1))
      starts[++line] = base + at + 1;
    base += piece.length;
    yield progress;
  }
  starts[breaks + 1] = base + 1;
  return starts;
}

/** Records the line starts of a document whose offsets the caller already knows. */
export function rememberLineStarts(doc: HasText, starts: Int32Array): void {
  lineStartsByDocument.set(doc, starts);
}

/**
 * A document's text readable line by line without building the whole string: what the language
 * server's line store hands a re-parse, so a keystroke in a 16 MB dump never copies 16 MB.
 */
export interface LineSource {
  /** UTF-16 length of the whole text. */
  readonly length: number;
  /** Number of lines, counted the way the editor counts them (`\n`, `\r\n` and a lone `\r`). */
  readonly lineCount: number;
  /** Line `i` (0-based, `\n`-separated) without its line break. */
  line(i: number): string;
  /** The whole text, built once. */
  text(): string;
}

/** Line sources per document text holder, for holders whose text is built on first use. */
const lineSourceByDocument = new WeakMap<HasText, LineSource>();

/** Records that `doc`'s text comes from `source`, so line reads and the length never build it. */
export function rememberLineSource(doc: HasText, source: LineSource): void {
  lineSourceByDocument.set(doc, source);
}

/**
 * Records that `doc`'s text is `text`, held in pieces: its line starts and lines are read from the
 * pieces, so only a caller that needs the whole text as one string (`doc.text`) makes it. `lineCount`
 * counts lines as the editor does (the parser's count).
 */
export function rememberPiecedText(
  doc: HasText,
  text: PiecedText,
  lineCount: number,
  starts = newlineStarts(text.pieces),
): void {
  lineStartsByDocument.set(doc, starts);
  lineSourceByDocument.set(doc, {
    length: text.length,
    lineCount,
    line: (i) => text.slice(starts[i]!, starts[i + 1]! - 1),
    text: () => text.toString(),
  });
}

/** The text of `\n`-separated line `i` of `doc` (a trailing `\r` stays), or undefined past the end. */
export function lineTextOf(doc: HasText, i: number): string | undefined {
  if (!Number.isInteger(i) || i < 0) return undefined;
  const source = lineSourceByDocument.get(doc);
  if (source) return i < source.lineCount ? source.line(i) : undefined;
  const starts = lineStartsOf(doc);
  return i < starts.length - 1 ? doc.text.slice(starts[i]!, starts[i + 1]! - 1) : undefined;
}

/** The UTF-16 length of `doc.text`, without building a text that comes from a line source. */
export function textLengthOf(doc: HasText): number {
  return lineSourceByDocument.get(doc)?.length ?? doc.text.length;
}

/** A line source over a plain string (tests, and callers that hold the whole text anyway). */
export function stringLineSource(text: string): LineSource {
  const holder = { text };
  const starts = lineStartsOf(holder);
  let lineCount = starts.length - 1;
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1))
    if (text[at + 1] !== '\n') lineCount++;
  return {
    length: text.length,
    lineCount,
    line: (i) => text.slice(starts[i]!, starts[i + 1]! - 1),
    text: () => text,
  };
}
