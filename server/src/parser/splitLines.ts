import type { DocumentText } from './piecedText';

/**
 * Reads a text line by line the way LSP clients number lines (`\n`, `\r\n` and a lone `\r` all end a
 * line), so spans line up with the editor, and tells which lines iptables-restore would read with a
 * stray carriage return. One line at a time, without an array of lines or an object per line: the
 * parser of a 450,000-line dump used to keep both for the whole parse (40 MB, and the young
 * generation copied every one of them twice before it died). The one place that finds line breaks:
 * the parser, the line count and the language server's line store all read through it.
 */
export class LineCursor {
  /** Number of the line the cursor is on (-1 before the first). */
  line = -1;
  /** Where that line starts, where its text ends (before its break) and where the next one starts. */
  start = 0;
  end = 0;
  nextStart = 0;
  /** The line ends with a line break (false only for the last line of the text). */
  hasNewline = false;
  /** Its break is `\r\n` or a lone `\r`: iptables-restore would see a `\r` at its end. */
  crlf = false;
  /** The pieces of the text (one for a string): every one but the last ends with `\n`. */
  private readonly pieces: readonly string[];
  private pieceIndex = 0;
  /** The piece the line is in, and where that piece starts in the text. */
  private piece: string;
  private base = 0;
  /**
   * Where the next `\r` is in the piece at or after the line start (the piece's length when there is
   * none): most texts have none.
   */
  private nextCr = -1;

  constructor(text: DocumentText) {
    this.pieces = typeof text === 'string' ? [text] : text.pieces;
    this.piece = this.pieces[0] ?? '';
  }

  /** Moves to the next line; false after the last one. */
  advance(): boolean {
    if (this.line >= 0 && !this.hasNewline) return false;
    let start = this.nextStart - this.base;
    // A piece but the last ends with a line break, so its end is the next piece's first line.
    if (start === this.piece.length && this.pieceIndex < this.pieces.length - 1) {
      this.base += this.piece.length;
      this.piece = this.pieces[++this.pieceIndex]!;
      this.nextCr = -1;
      start = 0;
    }
    const text = this.piece;
    if (this.nextCr < start) {
      const cr = text.indexOf('\r', start);
      this.nextCr = cr < 0 ? text.length : cr;
    }
    let lf = text.indexOf('\n', start);
    if (lf < 0) lf = text.length;
    const base = this.base;
    this.line++;
    this.start = base + start;
    if (this.nextCr < lf) {
      const cr = this.nextCr;
      this.end = base + cr;
      this.crlf = true;
      this.hasNewline = true;
      this.nextStart = base + (text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1);
      return true;
    }
    this.end = base + lf;
    this.crlf = false;
    this.hasNewline = lf < text.length;
    this.nextStart = base + (this.hasNewline ? lf + 1 : lf);
    return true;
  }

  /** The next line's text without its break, or undefined after the last line. */
  next(): string | undefined {
    return this.advance() ? this.piece.slice(this.start - this.base, this.end - this.base) : undefined;
  }

  /** The current line with its break. */
  lineWithBreak(): string {
    return this.piece.slice(this.start - this.base, this.nextStart - this.base);
  }

  /** The first UTF-16 code unit of the current line (NaN when it is empty and the text ends). */
  firstCode(): number {
    return this.piece.charCodeAt(this.start - this.base);
  }
}

/** How many lines {@link LineCursor} reads from the text: line breaks plus one. */
export function countLines(text: DocumentText): number {
  return indexLines(text, Number.MAX_SAFE_INTEGER).total;
}

/**
 * Where every `every`-th line starts and which lines start a table (`*`), from one pass of the
 * cursor: what handing line ranges to another reader needs before the parser gets there.
 */
export interface LineIndex {
  /** Lines in the text, as {@link countLines} counts them. */
  readonly total: number;
  readonly every: number;
  /** Offset of line `k * every` for each k, then the text's length. */
  readonly starts: readonly number[];
  /** Numbers of the lines that start with `*`, in order. */
  readonly tableLines: readonly number[];
}

/** {@link indexLinesInSteps} yields after this many line breaks (a millisecond or so). */
const breaksPerStep = 16_384;

/**
 * The {@link LineIndex} the cursor's pass gives ({@link indexLines}), found by the native search for
 * `\n`, yielding `progress` after each piece and every few thousand lines; undefined when the text
 * holds a `\r`, whose lines only the cursor counts as the editor does. On a 150,000-line dump the
 * cursor's pass took 30 ms, this one about 8.
 */
export function* indexLinesInSteps<P>(
  text: DocumentText,
  every: number,
  progress: P,
): Generator<P, LineIndex | undefined, void> {
  const starts: number[] = [0];
  const tableLines: number[] = [];
  let line = 0;
  let base = 0;
  for (const piece of typeof text === 'string' ? [text] : text.pieces) {
    if (piece.includes('\r')) return undefined;
    // Every piece but the last ends with a line break, so a piece starts a line.
    if (piece.charCodeAt(0) === 0x2a /* * */) tableLines.push(line);
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) {
      line++;
      if (line % every === 0) starts.push(base + at + 1);
      if (piece.charCodeAt(at + 1) === 0x2a) tableLines.push(line);
      if ((line & (breaksPerStep - 1)) === 0) yield progress;
    }
    base += piece.length;
    yield progress;
  }
  starts.push(text.length);
  return { total: line + 1, every, starts, tableLines };
}

export function indexLines(text: DocumentText, every: number): LineIndex {
  const indexer = new LineIndexer(text, every);
  for (;;) {
    const index = indexer.next(Infinity);
    if (index) return index;
  }
}

/**
 * {@link indexLines} in steps, so a big text is indexed between other work: one pass over 450,000
 * lines is about 40 ms, which a request arriving right after a big document would wait for.
 */
export class LineIndexer {
  private readonly cursor: LineCursor;
  private readonly starts: number[] = [];
  private readonly tableLines: number[] = [];

  constructor(
    private readonly text: DocumentText,
    private readonly every: number,
  ) {
    this.cursor = new LineCursor(text);
  }

  /** Indexes at most `count` more lines: the index once the whole text is read, else undefined. */
  next(count: number): LineIndex | undefined {
    const cursor = this.cursor;
    for (let n = 0; n < count; n++) {
      if (!cursor.advance()) {
        this.starts.push(this.text.length);
        return {
          total: cursor.line + 1,
          every: this.every,
          starts: this.starts,
          tableLines: this.tableLines,
        };
      }
      if (cursor.line % this.every === 0) this.starts.push(cursor.start);
      if (cursor.firstCode() === 0x2a /* * */) this.tableLines.push(cursor.line);
    }
    return undefined;
  }
}
