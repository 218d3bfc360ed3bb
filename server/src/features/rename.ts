import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { isBuiltinChain, tables } from '../netfilter/tables';
import { targetSpecs } from '../netfilter/targets';
import { spanToLspRange } from './convert';
import { chainOccurrenceAt, occurrencesOfChain, type ChainOccurrence } from './chainOccurrences';

/**
 * The longest chain name the kernel takes: XT_EXTENSION_MAXNAMELEN (29) minus the NUL; both restore
 * backends reject longer names (reference §1, "28 chars max").
 */
export const maxChainNameLength = 28;

/** Names iptables reserves even outside target extensions (iptables(8): QUEUE is a builtin verdict). */
const reservedTargetNames = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'];

/** The range of a user chain name under the cursor, or null: builtin chains and targets are not renamable. */
export function prepareRename(doc: ParsedDocument, position: Position): Range | null {
  const here = renamableAt(doc, position);
  return here ? spanToLspRange(here.span) : null;
}

/**
 * Renames a user chain everywhere in its table block: the declaration, every `-j`/`-g` to it and every
 * command operand. Refuses names iptables would reject: longer than 28 characters, with whitespace,
 * starting with `-` or `!`, a builtin chain or target name, or one already used in that table.
 */
export function getRenameEdits(
  doc: ParsedDocument,
  uri: string,
  position: Position,
  newName: string,
): { edit: WorkspaceEdit } | { error: string } {
  const here = renamableAt(doc, position);
  if (!here) return { error: 'Only a user-defined chain can be renamed.' };
  const problem = invalidNameReason(here, newName);
  if (problem) return { error: problem };
  const edits: TextEdit[] = occurrencesOfChain(doc, here).map((o) => ({
    range: spanToLspRange(o.span),
    newText: newName,
  }));
  return { edit: { changes: { [uri]: edits } } };
}

function renamableAt(doc: ParsedDocument, position: Position): ChainOccurrence | undefined {
  const here = chainOccurrenceAt(doc, position.line, position.character);
  if (!here || isBuiltinChain(here.table.name, here.name)) return undefined;
  const chain = here.table.chains.get(here.name);
  if (chain?.builtin) return undefined;
  return here;
}

function invalidNameReason(here: ChainOccurrence, newName: string): string | undefined {
  if (newName.length === 0) return 'A chain name cannot be empty.';
  if (newName.length > maxChainNameLength) {
    return `"${newName}" is ${newName.length} characters long; iptables allows at most ${maxChainNameLength}.`;
  }
  if (/[\s"]/.test(newName)) return 'A chain name cannot contain whitespace or quotes.';
  if (newName.startsWith('-') || newName.startsWith('!')) return 'A chain name cannot start with "-" or "!".';
  if (tables.some((t) => (t.chains as readonly string[]).includes(newName))) {
    return `"${newName}" is a builtin chain name.`;
  }
  if (reservedTargetNames.includes(newName) || targetSpecs.some((t) => t.name === newName)) {
    return `"${newName}" is the name of a target; iptables refuses chains that clash with targets.`;
  }
  if (newName !== here.name && here.table.chains.has(newName)) {
    return `Table ${here.table.name} already has a chain named "${newName}".`;
  }
  return undefined;
}
