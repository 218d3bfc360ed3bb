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
  const text = doc.text;
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  const starts = new Int32Array(count + 1);
  let line = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[++line] = at + 1;
  starts[count] = text.length + 1;
  lineStartsByDocument.set(doc, starts);
  return starts;
}

/** Records the line starts of a document whose offsets the caller already knows. */
export function rememberLineStarts(doc: HasText, starts: Int32Array): void {
  lineStartsByDocument.set(doc, starts);
}
