import type { CancellationToken, ResponseError } from 'vscode-languageserver/node';
import type { ParsedDocument } from '../parser/parseDocument';
import type { ServerContext } from './context';
import { runSafe } from './runSafe';

/**
 * The common shape of a document request: find the open document, take its cached parse, run the
 * feature inside runSafe. Unknown documents (closed, or never opened) get the empty result.
 */
export function handleDocumentRequest<T>(
  ctx: ServerContext,
  what: string,
  uri: string,
  token: CancellationToken | undefined,
  emptyResult: T,
  feature: (doc: ParsedDocument) => T | Promise<T>,
): Promise<T | ResponseError<void>> {
  return runSafe<T, void>(ctx.connection, what, token, emptyResult, () => {
    const document = ctx.documents.get(uri);
    return document ? ctx.cache.get(document).then(feature) : emptyResult;
  });
}
