import type { ValidateWithToolParams, ValidateWithToolResult } from '../../../common/requests';
import { validateWithToolMethod } from '../../../common/requests';
import { validateWithRealTool } from '../validation/realTool';
import { spanToLspRange, toLspSeverity } from '../features/convert';
import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

const untrusted: ValidateWithToolResult = {
  ok: false,
  message:
    'Validation runs the system iptables-restore, so it is only done for a trusted workspace: the request must carry "trusted": true (VS Code sends workspace.isTrusted).',
};

/**
 * `iptables/validateWithTool`: the system's iptables-restore judges the document. Two locks, both
 * needed: the setting (off by default, a restricted setting that VS Code ignores in untrusted
 * workspaces) and the client's word that the workspace is trusted — the server cannot ask itself.
 */
export function registerValidation(ctx: ServerContext): void {
  ctx.connection.onRequest(validateWithToolMethod, (params: ValidateWithToolParams, token) => {
    const notRun: ValidateWithToolResult = { ok: false, message: 'The document is not open.' };
    return handleDocumentRequest<ValidateWithToolResult>(
      ctx,
      'validateWithTool',
      params.uri,
      token,
      notRun,
      async (doc) => {
        const settings = await ctx.settingsFor(params.uri);
        if (settings.validation.realTool === 'off') {
          return {
            ok: false,
            message:
              'Validation with the real iptables-restore is off. Set "iptablesLens.validation.realTool" to "test" or "load" (trusted workspaces only).',
          };
        }
        if (params.trusted !== true) return untrusted;
        const tool = doc.tree.family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
        const result = await validateWithRealTool(doc.text, {
          // The request may ask for less than the setting allows (test instead of load), never more.
          mode: settings.validation.realTool === 'load' && params.mode !== 'test' ? 'load' : 'test',
          tool,
        });
        if ('error' in result) return { ok: false, message: result.error };
        return {
          ok: true,
          tool,
          diagnostics: result.map((f) => ({
            range: spanToLspRange(f.span),
            severity: toLspSeverity(f.severity),
            code: f.code,
            source: tool,
            message: f.message,
          })),
        };
      },
    );
  });
}
