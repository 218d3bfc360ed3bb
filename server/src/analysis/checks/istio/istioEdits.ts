import type { Span, TextEditData } from '../../../model/span';
import { wholeLinesRange } from '../../../model/span';
import type { ParsedDocument } from '../../../parser/parseDocument';
import type { TableModel } from '../../../model/ruleset';
import type { Rule } from '../../../model/rule';
import type { RuleId } from '../../../istio/catalogue';
import type { ContextClassification } from '../../../istio/classify';
import type { ExpectedRule } from '../../../istio/generations';
import type { RecognizedRule } from '../../../istio/recognize';
import { firstInChainConstraints } from '../../../istio/orderConstraints';
import { lineTextOf } from '../../../parser/lineStarts';

/**
 * Pure text edits for the Istio quick fixes (ARCHITECTURE rule 7): insert a rule at its canonical place,
 * delete or replace a line, restore Istio's order inside a chain. Lines are inserted in iptables-save
 * canonical form, so applying a fix to a dump yields what `iptables-save` would print.
 */

/**
 * The document's lines as the parser and the editor number them (`\n`, `\r\n` and a lone `\r`
 * each end a line), without their line breaks, so edit columns never run past a line's end.
 */
function documentLines(doc: ParsedDocument): readonly string[] {
  let lines = linesByDocument.get(doc);
  if (!lines) linesByDocument.set(doc, (lines = doc.text.split(/\r\n|\r|\n/)));
  return lines;
}

/** The split of a document with carriage returns, made once per parse for all its quick fixes. */
const linesByDocument = new WeakMap<ParsedDocument, readonly string[]>();

/**
 * The text of one line as the editor numbers lines, without its break. A document without carriage
 * returns (the parser lists every line a `\r` ends in `crlfLines`) has the `\n`-separated lines, read
 * without splitting, or even joining, a whole node dump for one quick fix.
 */
export function editorLineText(doc: ParsedDocument, line: number): string | undefined {
  if (doc.tree.crlfLines.length === 0) return lineTextOf(doc, line);
  return documentLines(doc)[line];
}

export function deleteLineEdit(line: number): TextEditData {
  return { range: wholeLinesRange(line, line), newText: '' };
}

/**
 * Inserts `text` as a line of its own before `line`. Past the last line (a file without a final
 * newline) there is no line start to insert at, so the last line is ended first and the edit stays
 * inside the document.
 */
export function insertBeforeLineEdit(doc: ParsedDocument, line: number, text: string): TextEditData {
  const lineCount = doc.tree.lines.length;
  if (line < lineCount) {
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${text}\n` };
  }
  // The end of the last line, as the parser numbers lines.
  const end = { line: lineCount - 1, character: editorLineText(doc, lineCount - 1)?.length ?? 0 };
  return { range: { start: end, end }, newText: `\n${text}\n` };
}

export function replaceSpanEdit(span: Span, text: string): TextEditData {
  return {
    range: {
      start: { line: span.line, character: span.start },
      end: { line: span.line, character: span.end },
    },
    newText: text,
  };
}

/** Replaces a whole line's content (its line break stays). */
export function replaceLineEdit(doc: ParsedDocument, line: number, text: string): TextEditData {
  const content = editorLineText(doc, line) ?? '';
  return {
    range: { start: { line, character: 0 }, end: { line, character: content.length } },
    newText: text,
  };
}

/** Where a missing rule goes and which line the diagnostic points at. */
export interface InsertionPoint {
  /** Insert before this 0-based line. */
  readonly beforeLine: number;
  /** The span the finding is reported on (the anchor rule, the chain declaration or the table line). */
  readonly reportSpan: Span;
  /** The chain is declared (or builtin), so inserting an `-A` line is valid. */
  readonly chainExists: boolean;
}

function sameExpected(a: ExpectedRule, rr: RecognizedRule): boolean {
  return a.id === rr.id && (a.virtualInterface === undefined || a.virtualInterface === rr.virtualInterface);
}

/**
 * The canonical place of a missing rule: before the next present rule in canonical order; else after
 * the previous present one; else, for an empty chain, where iptables-save prints that chain's rules
 * (before the first rule of a later chain, or before COMMIT). Jumps into Istio's chains are appended
 * after other rules of their builtin chain, as Istio's `-A` does, except the host jump, which Istio
 * inserts first (`-I POSTROUTING 1`, 1.27+).
 */
export function insertionPoint(
  cls: ContextClassification,
  table: TableModel,
  chainName: string,
  missing: ExpectedRule,
  isJump: boolean,
): InsertionPoint {
  const expectedChain = cls.expected.find((c) => c.table === table.name && c.chain === chainName);
  const order = expectedChain?.rules ?? [];
  const position = order.findIndex(
    (e) => e.id === missing.id && e.virtualInterface === missing.virtualInterface,
  );
  const present = (e: ExpectedRule): RecognizedRule | undefined =>
    cls.context.recognized.find(
      (rr) => rr.table === table && rr.rule.chain === chainName && sameExpected(e, rr),
    );
  const chain = table.chains.get(chainName);
  const chainExists = chain !== undefined && (chain.builtin || chain.declarationSpan !== undefined);
  if (!isJump) {
    for (let i = position + 1; i < order.length; i++) {
      const next = present(order[i] as ExpectedRule);
      if (next) return { beforeLine: next.rule.line, reportSpan: next.rule.span, chainExists };
    }
    for (let i = position - 1; i >= 0; i--) {
      const previous = present(order[i] as ExpectedRule);
      if (previous)
        return { beforeLine: previous.rule.line + 1, reportSpan: previous.rule.span, chainExists };
    }
  }
  const rules = chain?.rules ?? [];
  const mustBeFirst = firstInChainConstraints.some((c) => c.id === missing.id && c.table === table.name);
  const first = rules[0];
  if (mustBeFirst && first) return { beforeLine: first.line, reportSpan: first.span, chainExists };
  const last = rules[rules.length - 1];
  if (last) return { beforeLine: last.line + 1, reportSpan: last.span, chainExists };
  const reportSpan = chain?.declarationSpan ?? table.nameSpan;
  return { beforeLine: firstLineAfterChain(table, chainName), reportSpan, chainExists };
}

/** The line where an empty chain's first rule would be printed by iptables-save. */
function firstLineAfterChain(table: TableModel, chainName: string): number {
  const index = table.chainOrder.indexOf(chainName);
  let best: number | undefined;
  for (const name of table.chainOrder.slice(index + 1)) {
    for (const rule of table.chains.get(name)?.rules ?? []) {
      if (best === undefined || rule.line < best) best = rule.line;
    }
  }
  if (best !== undefined) return best;
  return table.commitLine ?? table.endLine + 1;
}

/**
 * One edit that puts the recognised Istio rules of a chain back into canonical order. Only the lines
 * holding ranked rules move; foreign rules keep their lines.
 */
export function reorderChainEdit(
  doc: ParsedDocument,
  ranked: readonly { readonly rr: { readonly rule: Rule }; readonly rank: number }[],
): TextEditData | undefined {
  if (ranked.length < 2) return undefined;
  const slots = ranked.map((r) => r.rr.rule.line).sort((a, b) => a - b);
  const sorted = [...ranked].sort((a, b) => a.rank - b.rank || a.rr.rule.line - b.rr.rule.line);
  const first = slots[0] as number;
  const last = slots[slots.length - 1] as number;
  const replacement = new Map<number, string>();
  slots.forEach((line, i) =>
    replacement.set(line, editorLineText(doc, (sorted[i] as { rr: { rule: Rule } }).rr.rule.line) ?? ''),
  );
  const newLines: string[] = [];
  for (let line = first; line <= last; line++)
    newLines.push(replacement.get(line) ?? editorLineText(doc, line) ?? '');
  return { range: wholeLinesRange(first, last), newText: `${newLines.join('\n')}\n` };
}

/** The canonical rank of a recognised rule inside its chain, or undefined when the variant does not expect it. */
export function canonicalRank(cls: ContextClassification, rr: RecognizedRule): number | undefined {
  const chain = cls.expected.find((c) => c.table === rr.table.name && c.chain === rr.rule.chain);
  const index = chain?.rules.findIndex((e) => sameExpected(e, rr)) ?? -1;
  return index >= 0 ? index : undefined;
}

/** Short reference for messages: `N12 (outbound capture → ztunnel 15001)`. */
export function describeRule(id: RuleId, title: string): string {
  return `${id} (${title})`;
}
