import type { SemanticTokens } from 'vscode-languageserver/node';
import type { ServerContext } from './context';
import { runSafe } from './runSafe';

/**
 * Serves textDocument/semanticTokens/full and /range from the cached parse of the document
 * (ARCHITECTURE rule 4): a range request for the visible lines never re-parses.
 */
export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on((params, token) =>
    runSafe<SemanticTokens, void>(ctx.connection, 'semanticTokens', token, { data: [] }, () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return { data: [] };
      return ctx.cache.get(document).then((doc) => ctx.service.getSemanticTokens(doc));
    }),
  );
  ctx.connection.languages.semanticTokens.onRange((params, token) =>
    runSafe<SemanticTokens, void>(ctx.connection, 'semanticTokens/range', token, { data: [] }, () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return { data: [] };
      return ctx.cache.get(document).then((doc) => ctx.service.getSemanticTokens(doc, params.range));
    }),
  );
}
