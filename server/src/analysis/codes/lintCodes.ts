import type { CodeInfo } from '../findings';

/** lint codes: rules that can never match, chains nothing uses, counters that tell a story. Documented in docs/diagnostics/lint.md. */
export const lintCodes = {
  'lint.shadowed-rule': {
    severity: 'warning',
    title: 'An earlier rule in the same chain already decides every packet this rule matches',
    docs: 'lint.md#lint-shadowed-rule',
  },
  'lint.rule-after-terminal': {
    severity: 'warning',
    title: 'The rule follows an unconditional terminating rule and can never be reached',
    docs: 'lint.md#lint-rule-after-terminal',
  },
  'lint.unused-chain': {
    severity: 'information',
    title: 'Nothing jumps to this user-defined chain',
    docs: 'lint.md#lint-unused-chain',
  },
  'lint.istio-rule-never-matched': {
    severity: 'warning',
    title: 'An Istio rule has zero counters while its neighbours matched traffic',
    docs: 'lint.md#lint-istio-rule-never-matched',
  },
  'lint.real-tool-error': {
    severity: 'error',
    title: "The system's iptables-restore rejected the file",
    docs: 'lint.md#lint-real-tool-error',
  },
} satisfies Record<string, CodeInfo>;
