import type { Location, Position } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { spanToLspRange } from './convert';
import { chainOccurrenceAt, declarationsOfChain } from './chainOccurrences';

/**
 * Go to definition of a chain from any place its name is written (`-j`/`-g` target, command operand,
 * declaration): the `:NAME` / `-N NAME` line(s) of that chain in the same table block.
 */
export function getDefinition(doc: ParsedDocument, uri: string, position: Position): Location[] {
  const here = chainOccurrenceAt(doc, position.line, position.character);
  if (!here) return [];
  return declarationsOfChain(doc, here).map((o) => ({ uri, range: spanToLspRange(o.span) }));
}
