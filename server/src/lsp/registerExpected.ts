import type { ExpectedRuleSetParams, ExpectedRuleSetResult } from '../../../common/requests';
import { expectedRuleSetMethod } from '../../../common/requests';
import type { ServerContext } from './context';
import { handleDocumentRequest } from './documentRequest';

/** `iptables/expectedRuleSet`: the Istio rule set of the detected generation and variant, for a diff. */
export function registerExpected(ctx: ServerContext): void {
  ctx.connection.onRequest(expectedRuleSetMethod, (params: ExpectedRuleSetParams, token) =>
    handleDocumentRequest<ExpectedRuleSetResult>(ctx, 'expectedRuleSet', params.uri, token, null, (doc) =>
      ctx.service.getExpectedRuleSet(doc),
    ),
  );
}
