import type { ParsedDocument } from '../parser/parseDocument';
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
  // The parser writes one node per line, so the node of a line sits at its index.
  const node = doc.tree.lines[line];
  occurrencesOnLine(doc, node?.line === line ? node : doc.tree.lines.find((n) => n.line === line), onLine);
  return onLine.find((o) => spanContains(o.span, line, character));
}

/**
 * Occurrences grouped by table block and name, built on the first navigation request of a parse
 * and reused by every later one (a 150,000-line dump has ~300,000 occurrences). A second index holds
 * the declarations only, which go to definition needs: `:NAME` lines, -N and -E, found without
 * reading a single rule line.
 */
/** Occurrences per table block (by index), then per chain name: no key string per occurrence. */
type OccurrenceIndex = Map<number, Map<string, ChainOccurrence[]>>;

const occurrenceIndex = new WeakMap<ParsedDocument, OccurrenceIndex>();
const declarationIndex = new WeakMap<ParsedDocument, OccurrenceIndex>();

function indexOf(doc: ParsedDocument, declarationsOnly: boolean): OccurrenceIndex {
  const cache = declarationsOnly ? declarationIndex : occurrenceIndex;
  let index = cache.get(doc);
  if (index) return index;
  // Declarations survive a keystroke's re-parse (it falls back to a full parse when one changes);
  // other occurrences may move within an edited line.
  const origin = declarationsOnly ? reparseOrigin(doc) : undefined;
  const inherited = origin && cache.get(origin.previous);
  if (inherited) {
    cache.set(doc, inherited);
    return inherited;
  }
  index = new Map();
  const onLine: ChainOccurrence[] = [];
  for (const node of doc.tree.lines) {
    if (declarationsOnly && !mayDeclare(node)) continue;
    onLine.length = 0;
    occurrencesOnLine(doc, node, onLine);
    for (const o of onLine) {
      if (declarationsOnly && o.role !== 'declaration') continue;
      let names = index.get(o.table.index);
      if (!names) index.set(o.table.index, (names = new Map()));
      const list = names.get(o.name);
      if (list) list.push(o);
      else names.set(o.name, [o]);
    }
  }
  cache.set(doc, index);
  return index;
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
  return indexOf(doc, false).get(target.table.index)?.get(target.name) ?? [];
}

/** The declarations of the same chain as `target`, in document order. */
export function declarationsOfChain(doc: ParsedDocument, target: ChainOccurrence): ChainOccurrence[] {
  return indexOf(doc, true).get(target.table.index)?.get(target.name) ?? [];
}
