import type { CodeInfo } from '../findings';

/** netfilter codes. Every code is documented in docs/diagnostics.md under its anchor. */
export const netfilterCodes = {} satisfies Record<string, CodeInfo>;
