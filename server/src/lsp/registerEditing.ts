import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

/** Completion, formatting to the canonical iptables-save form, and counter inlay hints. */
export function registerEditing(ctx: ServerContext): void {
  const { connection, service } = ctx;
  connection.onCompletion((p, token) =>
    handleDocumentRequest(
      ctx,
      'completion',
      p.textDocument.uri,
      token,
      { isIncomplete: false, items: [] },
      (doc) => service.getCompletions(doc, p.position),
    ),
  );
  connection.onDocumentFormatting((p, token) =>
    handleDocumentRequest(ctx, 'formatting', p.textDocument.uri, token, [], (doc) =>
      service.formatDocument(doc),
    ),
  );
  connection.languages.inlayHint.on((p, token) =>
    handleDocumentRequest(ctx, 'inlayHint', p.textDocument.uri, token, [], (doc) =>
      service.getInlayHints(doc, p.range),
    ),
  );
}
