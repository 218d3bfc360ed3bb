import type { CodeInfo } from '../findings';

/** lint codes. Every code is documented in docs/diagnostics.md under its anchor. */
export const lintCodes = {} satisfies Record<string, CodeInfo>;
