/**
 * Reads a text line by line the way LSP clients number lines (`\n`, `\r\n` and a lone `\r` all end a
 * line), so spans line up with the editor, and tells which lines iptables-restore would read with a
 * stray carriage return. One line at a time, without an array of lines or an object per line: the
 * parser of a 450,000-line dump used to keep both for the whole parse (40 MB, and the young
 * generation copied every one of them twice before it died).
 */
export class LineCursor {
  /** Number of the line {@link next} returned last (-1 before the first). */
  line = -1;
  /** The last line ended with a line break (false only for the last line of the text). */
  hasNewline = false;
  /** The last line's break was `\r\n` or a lone `\r`: iptables-restore would see a `\r` at its end. */
  crlf = false;
  private at = 0;
  /** Where the next `\r` is at or after `at` (text.length when there is none): most texts have none. */
  private nextCr = -1;
  private done = false;

  constructor(private readonly text: string) {}

  /** The next line's text without its break, or undefined after the last line. */
  next(): string | undefined {
    if (this.done) return undefined;
    const text = this.text;
    const start = this.at;
    if (this.nextCr < start) {
      const cr = text.indexOf('\r', start);
      this.nextCr = cr < 0 ? text.length : cr;
    }
    let lf = text.indexOf('\n', start);
    if (lf < 0) lf = text.length;
    this.line++;
    if (this.nextCr < lf) {
      const cr = this.nextCr;
      this.hasNewline = true;
      this.crlf = true;
      this.at = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
      return text.slice(start, cr);
    }
    this.crlf = false;
    if (lf === text.length) {
      this.hasNewline = false;
      this.done = true;
      return text.slice(start);
    }
    this.hasNewline = true;
    this.at = lf + 1;
    return text.slice(start, lf);
  }
}

/** How many lines {@link LineCursor} reads from the text: line breaks plus one. */
export function countLines(text: string): number {
  let count = 1;
  if (text.indexOf('\r') < 0) {
    // The common case, counted with the engine's own search (a 50 MB dump in a few tens of ms).
    for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', lf + 1)) count++;
    return count;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) count++;
    else if (code === 0x0d) {
      count++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return count;
}
