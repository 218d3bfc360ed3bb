import type { DocumentHighlight, Position } from 'vscode-languageserver-types';
import { DocumentHighlightKind } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { spanToLspRange } from './convert';
import { chainOccurrenceAt, occurrencesOfChain } from './chainOccurrences';

/** Highlights every occurrence of the chain under the cursor; declarations count as writes. */
export function getDocumentHighlights(doc: ParsedDocument, position: Position): DocumentHighlight[] {
  const here = chainOccurrenceAt(doc, position.line, position.character);
  if (!here) return [];
  return occurrencesOfChain(doc, here).map((o) => ({
    range: spanToLspRange(o.span),
    kind: o.role === 'declaration' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}
