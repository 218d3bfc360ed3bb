import { runToEnd, type ParsedDocument } from '../parser/parseDocument';
import { reparseOrigin } from '../parser/incremental';
import type { Span } from '../model/span';
import { spanContains } from '../model/span';
import type { TableModel } from '../model/ruleset';
import type { LineNode } from '../model/syntax';
import { chainOperandOf, targetNameOf } from '../parser/onDemand';

/**
 * Where a chain name is written: its declaration (`:NAME …` or `-N NAME`), as the chain operand of a
 * command (`-A NAME`, `-F NAME`, `-E OLD NEW` …), or as the target of a `-j`/`-g` jump.
 */
export interface ChainOccurrence {
  readonly table: TableModel;
  readonly name: string;
  readonly span: Span;
  readonly role: 'declaration' | 'command' | 'jump';
}

/** Appends the chain names one line writes, in column order. */
function occurrencesOnLine(doc: ParsedDocument, node: LineNode | undefined, out: ChainOccurrence[]): void {
  if (!node || (node.kind !== 'chain' && node.kind !== 'command')) return;
  const table = doc.ruleset.tableAt(node.line);
  if (!table) return;
  if (node.kind === 'chain') {
    out.push({ table, name: node.name, span: node.nameSpan, role: 'declaration' });
    return;
  }
  // Read through the parser's helpers: on a big document most lines are on-demand handles, and the
  // index of a 150,000-line dump must not re-read every rule.
  const chain = chainOperandOf(node);
  if (chain) {
    const role = node.verb === 'new-chain' ? 'declaration' : 'command';
    out.push({ table, name: chain.text, span: chain.span, role });
  }
  if (node.verb === 'rename-chain' && node.operands[0]) {
    out.push({ table, name: node.operands[0].text, span: node.operands[0].span, role: 'declaration' });
  }
  const target = node.rule && targetNameOf(node.rule);
  if (target && (target.isChain || table.chains.has(target.name))) {
    out.push({ table, name: target.name, span: target.span, role: 'jump' });
  }
}

/** The chain occurrence under a cursor, if any: only the cursor's line is read. */
export function chainOccurrenceAt(
  doc: ParsedDocument,
  line: number,
  character: number,
): ChainOccurrence | undefined {
  const onLine: ChainOccurrence[] = [];
  occurrencesOnLine(doc, nodeAt(doc, line), onLine);
  return onLine.find((o) => spanContains(o.span, line, character));
}

/** The syntax node of a line. */
function nodeAt(doc: ParsedDocument, line: number): LineNode | undefined {
  // The parser writes one node per line, so the node of a line sits at its index.
  const node = doc.tree.lines[line];
  return node?.line === line ? node : doc.tree.lines.find((n) => n.line === line);
}

/**
 * Where the chain names are written, built on the first navigation request of a parse and reused by
 * every later one: per table block (by index), then per chain name, the lines that write it. A line
 * number per occurrence, not an occurrence object: a 450,000-line node dump has 900,000 occurrences,
 * and objects with spans for them come to about 100 MB; an answer reads its lines again (the handles
 * of a big document keep the columns, so that does not re-read the rule text). A second index holds
 * the lines that declare chains only, which go to definition needs: `:NAME` lines, -N and -E, found
 * without looking at a single rule line.
 */
type OccurrenceIndex = Map<number, Map<string, number[]>>;

const occurrenceIndex = new WeakMap<ParsedDocument, OccurrenceIndex>();
const declarationIndex = new WeakMap<ParsedDocument, OccurrenceIndex>();

/** A sliced build yields after this many lines (`i & yieldEveryLines` all ones): a few milliseconds. */
const yieldEveryLines = 4095;

/**
 * Builds the occurrence index of a parse (all occurrences, or declarations only) unless it is cached,
 * as a generator that yields every few thousand lines: the language server runs it in slices before a
 * navigation request on a big document, so the first request does not hold the server for the whole
 * build (0.8 s on a 450,000-line dump). Run to its end, it leaves the index in the cache.
 */
export function* prepareChainIndex(
  doc: ParsedDocument,
  declarationsOnly: boolean,
): Generator<void, OccurrenceIndex, void> {
  const cache = declarationsOnly ? declarationIndex : occurrenceIndex;
  const cached = cache.get(doc);
  if (cached) return cached;
  // Declarations survive a keystroke's re-parse (it falls back to a full parse when one changes, or
  // when the line count does); other occurrences may move within an edited line.
  const origin = declarationsOnly ? reparseOrigin(doc) : undefined;
  const inherited = origin && cache.get(origin.previous);
  if (inherited) {
    cache.set(doc, inherited);
    return inherited;
  }
  const index: OccurrenceIndex = new Map();
  const onLine: ChainOccurrence[] = [];
  const lines = doc.tree.lines;
  for (let i = 0; i < lines.length; i++) {
    if ((i & yieldEveryLines) === yieldEveryLines) yield;
    const node = lines[i]!;
    if (declarationsOnly && !mayDeclare(node)) continue;
    onLine.length = 0;
    occurrencesOnLine(doc, node, onLine);
    for (const o of onLine) {
      if (declarationsOnly && o.role !== 'declaration') continue;
      let names = index.get(o.table.index);
      if (!names) index.set(o.table.index, (names = new Map()));
      const list = names.get(o.name);
      // A line that writes the name twice (`-A X … -j X`) is listed once and read once.
      if (!list) names.set(o.name, [node.line]);
      else if (list[list.length - 1] !== node.line) list.push(node.line);
    }
  }
  cache.set(doc, index);
  return index;
}

/** The occurrences of `target`'s chain in the index, read again from their lines, in document order. */
function occurrencesIn(
  doc: ParsedDocument,
  index: OccurrenceIndex,
  target: ChainOccurrence,
  declarationsOnly: boolean,
): ChainOccurrence[] {
  const out: ChainOccurrence[] = [];
  const onLine: ChainOccurrence[] = [];
  for (const line of index.get(target.table.index)?.get(target.name) ?? []) {
    onLine.length = 0;
    occurrencesOnLine(doc, nodeAt(doc, line), onLine);
    for (const o of onLine) {
      if (o.name !== target.name || (declarationsOnly && o.role !== 'declaration')) continue;
      out.push(o);
    }
  }
  return out;
}

/** Whether a line can declare a chain: a `:NAME` line, -N or -E (rule lines never do). */
function mayDeclare(node: LineNode): boolean {
  return (
    node.kind === 'chain' ||
    (node.kind === 'command' && (node.verb === 'new-chain' || node.verb === 'rename-chain'))
  );
}

/** All occurrences of the same chain (same table block, same name) as `target`, in document order. */
export function occurrencesOfChain(doc: ParsedDocument, target: ChainOccurrence): ChainOccurrence[] {
  return occurrencesIn(doc, runToEnd(prepareChainIndex(doc, false)), target, false);
}

/** The declarations of the same chain as `target`, in document order. */
export function declarationsOfChain(doc: ParsedDocument, target: ChainOccurrence): ChainOccurrence[] {
  return occurrencesIn(doc, runToEnd(prepareChainIndex(doc, true)), target, true);
}
