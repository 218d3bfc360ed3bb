import { analyze } from '../../../../server/src/analysis/analyzer';
import type { Finding } from '../../../../server/src/analysis/findings';
import { parseDocument } from '../../../../server/src/parser/parseDocument';

/** The netfilter.* findings of a document. */
export function netfilterFindings(text: string): Finding[] {
  return analyze(parseDocument(text)).filter((f) => f.code.startsWith('netfilter.'));
}

/** `code@line:column` (1-based line, 0-based column) of each finding, for compact assertions. */
export function placesOf(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}@${f.span.line + 1}:${f.span.start}`);
}

/** The 0-based column of the n-th occurrence (0-based) of `needle` on 1-based line `line` of `text`. */
export function columnOf(text: string, line: number, needle: string, occurrence = 0): number {
  const lineText = text.split('\n')[line - 1];
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = lineText.indexOf(needle, at + 1);
  }
  if (at < 0) {
    throw new Error(`"${needle}" not on line ${line}: ${lineText}`);
  }
  return at;
}

/** Related-information lines (1-based) of a finding. */
export function relatedLines(f: Finding): number[] {
  return (f.related ?? []).map((r) => r.span.line + 1);
}
