import type { Location, Position } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { spanToLspRange } from './convert';
import { chainOccurrenceAt, occurrencesOfChain } from './chainOccurrences';

/** Every jump to a chain and every command that names it (its rules, flush, policy …), optionally with its declaration. */
export function getReferences(
  doc: ParsedDocument,
  uri: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] {
  const here = chainOccurrenceAt(doc, position.line, position.character);
  if (!here) return [];
  return occurrencesOfChain(doc, here)
    .filter((o) => includeDeclaration || o.role !== 'declaration')
    .map((o) => ({ uri, range: spanToLspRange(o.span) }));
}
