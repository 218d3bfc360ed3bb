import type { CancellationToken, ResponseError } from 'vscode-languageserver/node';
import type { ParsedDocument } from '../parser/parseDocument';
import type { PreparedFeature } from '../languageService';
import type { ServerContext } from './context';
import { runSafe } from './runSafe';
import { runInSlices } from './sliceRunner';

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

/**
 * The same, for a feature that builds an index of the whole document on its first request: the
 * preparation runs in slices first (other requests are answered between them, cancellation drops
 * it), then the feature answers from the finished index.
 */
export function handlePreparedDocumentRequest<T>(
  ctx: ServerContext,
  what: string,
  uri: string,
  token: CancellationToken,
  emptyResult: T,
  feature: PreparedFeature,
  answer: (doc: ParsedDocument) => T,
): Promise<T | ResponseError<void>> {
  return handleDocumentRequest(ctx, what, uri, token, emptyResult, async (doc) => {
    await runInSlices(ctx.service.prepare(doc, feature), {
      abandoned: () => token.isCancellationRequested,
    });
    // Abandoned only when cancelled, which runSafe answers as such.
    return token.isCancellationRequested ? emptyResult : answer(doc);
  });
}
