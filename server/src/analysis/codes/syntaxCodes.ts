import type { CodeInfo } from '../findings';

/** syntax codes: what iptables-restore itself rejects. Every code is documented in docs/diagnostics.md. */
export const syntaxCodes = {
  'internal.check-failed': {
    severity: 'information',
    title: 'A check failed internally',
    docs: 'syntax.md#internal-check-failed',
  },
} satisfies Record<string, CodeInfo>;
