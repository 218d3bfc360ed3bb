import type { CodeInfo } from '../findings';

/** istio codes. Every code is documented in docs/diagnostics.md under its anchor. */
export const istioCodes = {} satisfies Record<string, CodeInfo>;
