import type { ServerContext } from './context';
import { runSafe } from './runSafe';

/** Serves textDocument/hover from the cached parse of the document (ARCHITECTURE rule 4). */
export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover((params, token) =>
    runSafe(ctx.connection, 'hover', token, null, () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return null;
      return ctx.cache.get(document).then((doc) => ctx.service.getHover(doc, params.position));
    }),
  );
}
