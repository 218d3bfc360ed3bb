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
  const lines = doc.text.split('\n');
  const spanText = (s: Span): string => (lines[s.line] ?? '').slice(s.start, s.end);
  const linesWithErrors = new Set(doc.problems.filter((p) => p.severity === 'error').map((p) => p.span.line));
  const edits: TextEdit[] = [];
  for (const node of doc.tree.lines) {
    if (linesWithErrors.has(node.line)) continue;
    const rawLine = lines[node.line];
    if (rawLine === undefined) continue;
    const crlf = rawLine.endsWith('\r');
    const content = crlf ? rawLine.slice(0, -1) : rawLine;
    const family = (doc.ruleset.tableAt(node.line)?.family ?? doc.tree.family) === 'ipv6' ? 6 : 4;
    const canonical = canonicalLineText(node, family, spanText);
    if (!canonical) continue;
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

/** Applies non-overlapping whole-line edits to a text; used by the normalize command and tests. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const sorted = [...edits].sort(
    (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
  );
  for (const edit of sorted) {
    const { start, end } = edit.range;
    const before = (lines[start.line] ?? '').slice(0, start.character);
    const after = (lines[end.line] ?? '').slice(end.character);
    const replacement = (before + edit.newText + after).split('\n');
    lines.splice(start.line, end.line - start.line + 1, ...replacement);
  }
  return lines.join('\n');
}
