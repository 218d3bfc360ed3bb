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

/**
 * Whether the query's characters appear in the name in order, ignoring case. Compared code unit by code
 * unit with ASCII case folded in place: lowering every name of a node dump (120,000 chains) per query
 * cost more than the matching; a name with other letters is lowered whole, as before.
 */
export function fuzzyMatches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  let i = 0;
  for (let at = 0; at < name.length && i < q.length; at++) {
    let c = name.charCodeAt(at);
    if (c >= 0x80) return fuzzyMatchesLowered(q, name.toLowerCase());
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c === q.charCodeAt(i)) i++;
  }
  return i === q.length;
}

function fuzzyMatchesLowered(q: string, n: string): boolean {
  let i = 0;
  for (const ch of n) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}
