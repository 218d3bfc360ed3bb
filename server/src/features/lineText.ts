import { lineStartsOf } from '../parser/lineStarts';

/**
 * The text of 0-based `line` of the document split at `\n` (a trailing `\r` stays, as with
 * `text.split('\n')[line]`), or undefined past the last line. Reads the line starts the parser layer
 * keeps per document, so per-keystroke features (completion, hover) never split the whole text.
 */
export function lineText(doc: { readonly text: string }, line: number): string | undefined {
  const starts = lineStartsOf(doc);
  if (!Number.isInteger(line) || line < 0 || line >= starts.length - 1) return undefined;
  return doc.text.slice(starts[line]!, starts[line + 1]! - 1);
}
