import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

/** Code lenses: the Istio classification at the top, and trace outcomes on tables and Istio jumps. */
export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens((p, token) =>
    handleDocumentRequest(ctx, 'codeLens', p.textDocument.uri, token, [], (doc) =>
      ctx.service.getCodeLenses(doc, p.textDocument.uri),
    ),
  );
}
