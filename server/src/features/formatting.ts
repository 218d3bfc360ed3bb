import type { TextEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import type { Span } from '../model/span';
import { canonicalLineText } from '../format/canonicalLine';

/**
 * Formats a document to iptables-save's canonical form line by line (reference §3), so a hand-written
 * file diffs cleanly against a live dump. Comments, blank lines and the order of lines are kept; a
 * line with an error on it is left alone (its meaning is not known). One edit per changed line, so
 * the result is stable under format-on-save.
 */
export function formatDocument(doc: ParsedDocument): TextEdit[] {
  // Lines as the parser and the editor number them: a lone \r ends a line too.
  const lines = editorLines(doc.text);
  const spanText = (s: Span): string => (lines[s.line] ?? '').slice(s.start, s.end);
  const linesWithErrors = new Set(doc.problems.filter((p) => p.severity === 'error').map((p) => p.span.line));
  const crlfLines = new Set(doc.tree.crlfLines);
  const edits: TextEdit[] = [];
  for (const node of doc.tree.lines) {
    if (linesWithErrors.has(node.line)) continue;
    const content = lines[node.line];
    if (content === undefined) continue;
    const crlf = crlfLines.has(node.line);
    const family = (doc.ruleset.tableAt(node.line)?.family ?? doc.tree.family) === 'ipv6' ? 6 : 4;
    const canonical = canonicalLineText(node, family, spanText);
    // A value holding a line break (an unterminated quote swallows the newline, as fgets keeps it)
    // cannot be written back on one line: the edit would split the rule, so the line stays as it is.
    if (!canonical || canonical.some((l) => /[\r\n]/.test(l))) continue;
    const newText = canonical.join(crlf ? '\r\n' : '\n');
    if (newText === content) continue;
    edits.push({
      range: {
        start: { line: node.line, character: 0 },
        end: { line: node.line, character: content.length },
      },
      newText,
    });
  }
  return edits;
}

/**
 * Applies non-overlapping edits to a text as an editor does (all ranges refer to the original text;
 * `\n`, `\r\n` and a lone `\r` end a line); used by the normalize command and tests.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) lineStarts.push(m.index + m[0].length);
  const offset = (p: TextEdit['range']['start']): number => {
    const start = lineStarts[p.line];
    if (start === undefined) return text.length;
    const next = lineStarts[p.line + 1];
    // Past the line's end, stop before its line break (LSP clamps the same way).
    const lineEnd =
      next === undefined ? text.length : next - (text[next - 2] === '\r' && text[next - 1] === '\n' ? 2 : 1);
    return Math.min(start + p.character, lineEnd);
  };
  const sorted = edits
    .map((e) => ({ from: offset(e.range.start), to: offset(e.range.end), newText: e.newText }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  // One pass front to back, joined once: re-slicing the whole text per edit would be quadratic on a
  // 450,000-line dump where the formatter touches most lines.
  const parts: string[] = [];
  let cursor = 0;
  for (const e of sorted) {
    parts.push(text.slice(cursor, e.from), e.newText);
    cursor = Math.max(cursor, e.to);
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
