/**
 * A stretch of one line of the document. `line` is 0-based; `start`/`end` are UTF-16 code-unit
 * columns, end-exclusive — the same units LSP uses, so conversion is a plain copy (features/convert.ts).
 */
export interface Span {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** A position between characters (0-based line and UTF-16 column), as in LSP. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

/** A range that may cross lines; used by edits (quick fixes, formatting) that insert or remove whole lines. */
export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** One text replacement, the pure counterpart of an LSP TextEdit. */
export interface TextEditData {
  readonly range: TextRange;
  readonly newText: string;
}

export function span(line: number, start: number, end: number): Span {
  return { line, start, end };
}

/** The smallest span that covers both spans; both must be on the same line. */
export function joinSpans(a: Span, b: Span): Span {
  return { line: a.line, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** The smallest span covering `first` and every span of `rest` on the same line, allocated once. */
export function coverSpans(first: Span, rest: readonly { readonly span: Span }[]): Span {
  let start = first.start;
  let end = first.end;
  for (const r of rest) {
    if (r.span.line !== first.line) continue;
    if (r.span.start < start) start = r.span.start;
    if (r.span.end > end) end = r.span.end;
  }
  return start === first.start && end === first.end ? first : { line: first.line, start, end };
}

/**
 * `joinSpans(a, b)` widened by `coverSpans` over `rest`, with one allocation at most (none when
 * `a` already covers everything): match and target spans are built this way for every rule.
 */
export function coverJoinedSpans(a: Span, b: Span, rest: readonly { readonly span: Span }[]): Span {
  let start = a.start < b.start ? a.start : b.start;
  let end = a.end > b.end ? a.end : b.end;
  for (const r of rest) {
    if (r.span.line !== a.line) continue;
    if (r.span.start < start) start = r.span.start;
    if (r.span.end > end) end = r.span.end;
  }
  return start === a.start && end === a.end ? a : { line: a.line, start, end };
}

export function spanToRange(s: Span): TextRange {
  return { start: { line: s.line, character: s.start }, end: { line: s.line, character: s.end } };
}

/** Whether a 0-based position falls inside the span (end-inclusive, so a cursor right after a token hits it). */
export function spanContains(s: Span, line: number, character: number): boolean {
  return s.line === line && character >= s.start && character <= s.end;
}

/** A range covering whole lines [first, lastInclusive], including the final line break. */
export function wholeLinesRange(first: number, lastInclusive: number): TextRange {
  return { start: { line: first, character: 0 }, end: { line: lastInclusive + 1, character: 0 } };
}

/**
 * The lines an edit touched, in the coordinates of the older version (`oldLastLine`) and of the newer
 * one (`newLastLine`); lines before `firstLine` are identical and lines after the ranges are identical
 * (only shifted by `newLastLine - oldLastLine`).
 */
export interface ChangedLines {
  readonly firstLine: number;
  readonly oldLastLine: number;
  readonly newLastLine: number;
}
