import type {
  TraceParams,
  TraceResponse,
  TraceScenarioInfo,
  TraceScenariosParams,
} from '../../../common/traceProtocol';
import { traceRequestMethod, traceScenariosRequestMethod } from '../../../common/traceProtocol';
import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

/** `iptables/trace` and `iptables/traceScenarios`, so any LSP client can use the packet tracer. */
export function registerTrace(ctx: ServerContext): void {
  ctx.connection.onRequest(traceRequestMethod, (params: TraceParams, token) =>
    handleDocumentRequest<TraceResponse>(
      ctx,
      'trace',
      params.uri,
      token,
      { error: `the document ${params.uri} is not open` },
      (doc) => ctx.service.trace(doc, { packet: params.packet, scenario: params.scenario }),
    ),
  );
  ctx.connection.onRequest(traceScenariosRequestMethod, (params: TraceScenariosParams, token) =>
    handleDocumentRequest<TraceScenarioInfo[]>(ctx, 'traceScenarios', params.uri, token, [], (doc) =>
      ctx.service.getTraceScenarios(doc),
    ),
  );
}
