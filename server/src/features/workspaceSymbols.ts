import type { WorkspaceSymbol } from 'vscode-languageserver-types';
import { SymbolKind } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { spanToLspRange } from './convert';

/**
 * Chains across the open documents, for "Go to Symbol in Workspace". The query matches when its
 * characters appear in the chain name in order, ignoring case (the usual fuzzy rule of editors).
 */
export function getWorkspaceSymbols(
  docs: { uri: string; doc: ParsedDocument }[],
  query: string,
): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const { uri, doc } of docs) {
    for (const table of doc.ruleset.tables) {
      for (const name of table.chainOrder) {
        const chain = table.chains.get(name);
        if (!chain || !fuzzyMatches(query, name)) continue;
        const span = chain.declarationSpan ?? chain.rules[0]?.span;
        if (!span) continue;
        out.push({
          name,
          kind: chain.builtin ? SymbolKind.Event : SymbolKind.Function,
          containerName: `*${table.name}`,
          location: { uri, range: spanToLspRange(span) },
        });
      }
    }
  }
  return out;
}

function fuzzyMatches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}
