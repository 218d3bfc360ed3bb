import type { WorkspaceEdit } from 'vscode-languageserver/node';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { ServerContext } from './context';
import { handleDocumentRequest, handlePreparedDocumentRequest } from './documentRequest';

/**
 * Rename of user chains. A refusal (name too long, a built-in chain or target name, a clash) is
 * answered as a RequestFailed error, which clients show to the user.
 */
export function registerRename(ctx: ServerContext): void {
  ctx.connection.onPrepareRename((p, token) =>
    handleDocumentRequest(ctx, 'prepareRename', p.textDocument.uri, token, null, (doc) =>
      ctx.service.prepareRename(doc, p.position),
    ),
  );
  ctx.connection.onRenameRequest((p, token) =>
    handlePreparedDocumentRequest<WorkspaceEdit | ResponseError<void> | null>(
      ctx,
      'rename',
      p.textDocument.uri,
      token,
      null,
      'chainOccurrences',
      (doc) => {
        const result = ctx.service.getRenameEdits(doc, p.textDocument.uri, p.position, p.newName);
        return 'error' in result ? new ResponseError(LSPErrorCodes.RequestFailed, result.error) : result.edit;
      },
    ),
  );
}
