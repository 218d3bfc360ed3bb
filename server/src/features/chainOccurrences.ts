import type { ParsedDocument } from '../parser/parseDocument';
import type { Span } from '../model/span';
import { spanContains } from '../model/span';
import type { TableModel } from '../model/ruleset';

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

/**
 * Every occurrence of a chain name in the document, in document order. Chains are scoped to their
 * table block: a file pasted from iptables-save and ip6tables-save may hold two `*nat` blocks.
 */
export function collectChainOccurrences(doc: ParsedDocument): ChainOccurrence[] {
  const out: ChainOccurrence[] = [];
  for (const node of doc.tree.lines) {
    const table = doc.ruleset.tableAt(node.line);
    if (!table) continue;
    if (node.kind === 'chain') {
      out.push({ table, name: node.name, span: node.nameSpan, role: 'declaration' });
    } else if (node.kind === 'command') {
      if (node.chain) {
        const role = node.verb === 'new-chain' ? 'declaration' : 'command';
        out.push({ table, name: node.chain.text, span: node.chain.span, role });
      }
      if (node.verb === 'rename-chain' && node.operands[0]) {
        out.push({ table, name: node.operands[0].text, span: node.operands[0].span, role: 'declaration' });
      }
      const target = node.rule?.target;
      if (target && (target.kind === 'chain' || table.chains.has(target.name))) {
        out.push({ table, name: target.name, span: target.nameToken.span, role: 'jump' });
      }
    }
  }
  return out;
}

/** The chain occurrence under a cursor, if any. */
export function chainOccurrenceAt(
  doc: ParsedDocument,
  line: number,
  character: number,
): ChainOccurrence | undefined {
  return collectChainOccurrences(doc).find((o) => spanContains(o.span, line, character));
}

/** All occurrences of the same chain (same table block, same name) as `target`. */
export function occurrencesOfChain(doc: ParsedDocument, target: ChainOccurrence): ChainOccurrence[] {
  return collectChainOccurrences(doc).filter(
    (o) => o.table.index === target.table.index && o.name === target.name,
  );
}
