import type { ValidateWithToolParams, ValidateWithToolResult } from '../../../common/requests';
import { validateWithToolMethod } from '../../../common/requests';
import { validateWithRealTool } from '../validation/realTool';
import { spanToLspRange, toLspSeverity } from '../features/convert';
import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

/** `iptables/validateWithTool`: the system's iptables-restore judges the document (opt-in). */
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
        const tool = doc.tree.family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
        const result = await validateWithRealTool(doc.text, {
          mode: params.mode ?? settings.validation.realTool,
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
