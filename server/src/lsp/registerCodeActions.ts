import type { ServerContext } from './context';
import type { PublishedDiagnostics } from './registerDiagnostics';
import { runSafe } from './runSafe';

export function registerCodeActions(ctx: ServerContext, published: PublishedDiagnostics): void {
  ctx.connection.onCodeAction((params, token) =>
    runSafe(ctx.connection, 'codeAction', token, [], () =>
      ctx.service.getCodeActions(
        params.textDocument.uri,
        params.context.diagnostics,
        published.get(params.textDocument.uri),
      ),
    ),
  );
}
