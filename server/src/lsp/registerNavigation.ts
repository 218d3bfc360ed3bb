import type { ServerContext } from './context';
import { handleDocumentRequest, handlePreparedDocumentRequest } from './documentRequest';
import { runSafe } from './runSafe';

/** Outline, workspace symbols, folding, definition, references and highlights. */
export function registerNavigation(ctx: ServerContext): void {
  const { connection, service } = ctx;
  connection.onDocumentSymbol((p, token) =>
    handlePreparedDocumentRequest(
      ctx,
      'documentSymbol',
      p.textDocument.uri,
      token,
      [],
      'documentSymbols',
      (doc) => service.getDocumentSymbols(doc),
    ),
  );
  connection.onWorkspaceSymbol((p, token) =>
    runSafe(connection, 'workspaceSymbol', token, [], async () => {
      // Make sure every open document is in the cache, not only those a feature already touched.
      const docs = await Promise.all(
        ctx.documents.all().map(async (d) => ({ uri: d.uri, doc: await ctx.cache.get(d) })),
      );
      return service.getWorkspaceSymbols(docs, p.query);
    }),
  );
  connection.onFoldingRanges((p, token) =>
    handleDocumentRequest(ctx, 'foldingRange', p.textDocument.uri, token, [], (doc) =>
      service.getFoldingRanges(doc),
    ),
  );
  connection.onDefinition((p, token) =>
    handlePreparedDocumentRequest(ctx, 'definition', p.textDocument.uri, token, [], 'definition', (doc) =>
      service.getDefinition(doc, p.textDocument.uri, p.position),
    ),
  );
  connection.onReferences((p, token) =>
    handlePreparedDocumentRequest(
      ctx,
      'references',
      p.textDocument.uri,
      token,
      [],
      'chainOccurrences',
      (doc) => service.getReferences(doc, p.textDocument.uri, p.position, p.context.includeDeclaration),
    ),
  );
  connection.onDocumentHighlight((p, token) =>
    handlePreparedDocumentRequest(
      ctx,
      'documentHighlight',
      p.textDocument.uri,
      token,
      [],
      'chainOccurrences',
      (doc) => service.getDocumentHighlights(doc, p.position),
    ),
  );
}
