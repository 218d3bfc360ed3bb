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
  /** Where the next `\r` is at or after the line start (text.length when there is none): most texts have none. */
  private nextCr = -1;

  constructor(private readonly text: string) {}

  /** Moves to the next line; false after the last one. */
  advance(): boolean {
    const text = this.text;
    if (this.line >= 0 && !this.hasNewline) return false;
    const start = this.nextStart;
    if (this.nextCr < start) {
      const cr = text.indexOf('\r', start);
      this.nextCr = cr < 0 ? text.length : cr;
    }
    let lf = text.indexOf('\n', start);
    if (lf < 0) lf = text.length;
    this.line++;
    this.start = start;
    if (this.nextCr < lf) {
      const cr = this.nextCr;
      this.end = cr;
      this.crlf = true;
      this.hasNewline = true;
      this.nextStart = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
      return true;
    }
    this.end = lf;
    this.crlf = false;
    this.hasNewline = lf < text.length;
    this.nextStart = this.hasNewline ? lf + 1 : lf;
    return true;
  }

  /** The next line's text without its break, or undefined after the last line. */
  next(): string | undefined {
    return this.advance() ? this.text.slice(this.start, this.end) : undefined;
  }
}

/** How many lines {@link LineCursor} reads from the text: line breaks plus one. */
export function countLines(text: string): number {
  const cursor = new LineCursor(text);
  while (cursor.advance()) {
    // Counted by the cursor itself.
  }
  return cursor.line + 1;
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

export function indexLines(text: string, every: number): LineIndex {
  const cursor = new LineCursor(text);
  const starts: number[] = [];
  const tableLines: number[] = [];
  while (cursor.advance()) {
    if (cursor.line % every === 0) starts.push(cursor.start);
    if (text.charCodeAt(cursor.start) === 0x2a /* * */) tableLines.push(cursor.line);
  }
  starts.push(text.length);
  return { total: cursor.line + 1, every, starts, tableLines };
}
