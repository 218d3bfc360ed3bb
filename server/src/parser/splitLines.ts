/** One physical line of the document as the editor numbers it. */
export interface RawLine {
  /** The line's text without its line break (and without the `\r` of a CRLF break). */
  readonly text: string;
  /** The line ended with a line break (false only for the last line). */
  readonly hasNewline: boolean;
  /** The break was `\r\n` or a lone `\r`: iptables-restore would see a `\r` at the end of the line. */
  readonly crlf: boolean;
}

/** Lines split per slice: a 50 MB dump takes a few hundred milliseconds to split in one go. */
const linesPerSlice = 32768;

/**
 * Splits text into lines the way LSP clients number them (`\n`, `\r\n` and a lone `\r` all end a
 * line), so spans line up with the editor, and remembers which lines iptables-restore would read
 * with a stray carriage return. One pass, no regular expressions over the whole text.
 * Yields after every few tens of thousands of lines: a parse in slices of a huge document.
 */
export function* splitLinesInSlices(text: string, lines: RawLine[]): Generator<void, void, void> {
  let start = 0;
  let sliceEnd = linesPerSlice;
  for (let i = 0; i < text.length; i++) {
    if (lines.length >= sliceEnd) {
      sliceEnd += linesPerSlice;
      yield;
    }
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      lines.push({ text: text.slice(start, i), hasNewline: true, crlf: false });
      start = i + 1;
    } else if (code === 0x0d) {
      lines.push({ text: text.slice(start, i), hasNewline: true, crlf: true });
      if (text.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), hasNewline: false, crlf: false });
}
