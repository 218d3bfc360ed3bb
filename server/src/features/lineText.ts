/** Anything that holds one immutable document text, e.g. a `ParsedDocument`. */
interface HasText {
  readonly text: string;
}

/**
 * Start offsets of the `\n`-separated lines, computed once per parsed document and dropped with it,
 * so per-keystroke features (completion) read one line of a 100k-line dump without splitting the
 * whole text on every request.
 */
const lineStartsByDocument = new WeakMap<HasText, Uint32Array>();

function lineStarts(doc: HasText): Uint32Array {
  const cached = lineStartsByDocument.get(doc);
  if (cached) return cached;
  const text = doc.text;
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
  lineStartsByDocument.set(doc, starts);
  return starts;
}

/**
 * The text of 0-based `line` of the document split at `\n` (a trailing `\r` stays, as with
 * `text.split('\n')[line]`), or undefined past the last line.
 */
export function lineText(doc: HasText, line: number): string | undefined {
  const starts = lineStarts(doc);
  if (!Number.isInteger(line) || line < 0 || line >= starts.length) return undefined;
  const end = line + 1 < starts.length ? starts[line + 1]! - 1 : doc.text.length;
  return doc.text.slice(starts[line]!, end);
}
