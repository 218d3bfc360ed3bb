import type { ParsedDocument } from '../../parser/parseDocument';
import type { TableModel } from '../../model/ruleset';
import { chainKey } from '../../model/ruleset';
import type { Hook } from '../../netfilter/spec';
import { isBuiltinChain, tables } from '../../netfilter/tables';
import { findTableHookNote, firstPacketOnlyTables, hookDocs } from '../../netfilter/hookDocs';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import type { IstioContext } from './istioContext';
import { istioChainMeaning } from './istioMeaning';

/** At most this many callers are listed; the rest are counted. */
const maxCallersListed = 5;

/**
 * A chain explained where it is named (declaration, `-A CHAIN`, `-j CHAIN`): for a builtin chain its
 * hook, its place among the tables at that hook and nat's first-packet rule; for a user chain where it
 * is declared and who jumps to it.
 */
export function chainHover(
  doc: ParsedDocument,
  table: TableModel | undefined,
  name: string,
  istio: IstioContext,
): HoverContent {
  const tableName = table?.name ?? '';
  if (isBuiltinChain(tableName, name)) return builtinChainHover(tableName, name, table);
  return userChainHover(doc, table, name, istio);
}

function builtinChainHover(tableName: string, hook: Hook, table: TableModel | undefined): HoverContent {
  const doc = hookDocs[hook];
  const details: string[] = [doc.when];
  const note = findTableHookNote(tableName, hook);
  if (note) details.push(note.note);
  if (firstPacketOnlyTables.has(tableName as never)) {
    details.push(
      `**First packet only:** ${tableName} rules see only the packet that creates a connection; later packets reuse the conntrack binding.`,
    );
  }
  details.push(`Order at ${hook}: ${hookOrder(hook, tableName)}.`);
  const chain = table?.chains.get(hook);
  if (chain?.policy)
    details.push(`Policy here: ${code(chain.policy)}; ${countOf(chain.rules.length, 'rule')}.`);
  return {
    headline: `${hook} — builtin chain of the ${tableName} table`,
    details,
    source: doc.source,
  };
}

/** `raw → mangle → **nat** → filter → security`, by hook priority (linux/netfilter_ipv4.h via tables.ts). */
export function hookOrder(hook: Hook, current: string): string {
  return tables
    .filter((t) => t.priority[hook] !== undefined)
    .sort((a, b) => (a.priority[hook] ?? 0) - (b.priority[hook] ?? 0))
    .map((t) => (t.name === current ? `**${t.name}**` : t.name))
    .join(' → ');
}

function userChainHover(
  doc: ParsedDocument,
  table: TableModel | undefined,
  name: string,
  istio: IstioContext,
): HoverContent {
  const details: string[] = [];
  const chain = table?.chains.get(name);
  if (chain?.declarationLine !== undefined) {
    details.push(`Declared on line ${chain.declarationLine + 1}; ${countOf(chain.rules.length, 'rule')}.`);
  } else {
    details.push('Not declared in this table block: iptables-restore rejects rules and jumps that name it.');
  }
  const callers = table ? (doc.ruleset.callers.get(chainKey(table, name)) ?? []) : [];
  if (callers.length === 0) {
    details.push('No rule jumps to it, so its rules never run.');
  } else {
    const listed = callers
      .slice(0, maxCallersListed)
      .map((edge) => `${edge.from} (line ${edge.rule.line + 1}${edge.goto ? ', goto' : ''})`);
    const more = callers.length > maxCallersListed ? `, and ${callers.length - maxCallersListed} more` : '';
    details.push(`Jumped to from: ${listed.join(', ')}${more}.`);
  }
  return {
    headline: `${name} — user-defined chain${table ? ` of the ${table.name} table` : ''}`,
    details,
    after: table ? istioChainMeaning(istio, table.name, name) : [],
  };
}

/** "1 rule", "3 rules" */
function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
