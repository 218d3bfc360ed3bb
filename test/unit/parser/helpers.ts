import { parseDocument, type ParsedDocument } from '../../../server/src/parser/parseDocument';
import type { CommandLine } from '../../../server/src/model/syntax';
import type { Rule } from '../../../server/src/model/rule';

/** Joins lines into a document with a final newline, as iptables-save writes it. */
export function doc(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Parses lines (with a final newline). */
export function parseLines(...lines: string[]): ParsedDocument {
  return parseDocument(doc(...lines));
}

/** `code@line:start-end` for every problem, in order, for compact assertions. */
export function problemKeys(parsed: ParsedDocument): string[] {
  return parsed.problems.map((p) => `${p.code}@${p.span.line}:${p.span.start}-${p.span.end}`);
}

/** The codes only. */
export function codes(parsed: ParsedDocument): string[] {
  return parsed.problems.map((p) => p.code);
}

/** The command node of a line. */
export function commandAt(parsed: ParsedDocument, line: number): CommandLine {
  const node = parsed.tree.lines[line];
  if (!node || node.kind !== 'command') throw new Error(`line ${line} is ${node?.kind}`);
  return node;
}

/** The rule on a line. */
export function ruleAt(parsed: ParsedDocument, line: number): Rule {
  const rule = parsed.ruleset.ruleAt(line);
  if (!rule) throw new Error(`no rule on line ${line}`);
  return rule;
}

/** A one-rule filter document: the rule is on line 1. */
export function filterRule(rule: string): ParsedDocument {
  return parseLines('*filter', rule, 'COMMIT');
}

/** The text a span covers. */
export function spanText(parsed: ParsedDocument, span: { line: number; start: number; end: number }): string {
  const line = parsed.text.split('\n')[span.line] ?? '';
  return line.slice(span.start, span.end);
}
