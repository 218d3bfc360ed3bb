import type { CodeInfo } from '../findings';

const page = 'istio.md';
const info = (severity: CodeInfo['severity'], title: string, code: string): CodeInfo => ({
  severity,
  title,
  docs: `${page}#${code.replace(/\./g, '-')}`,
});

/**
 * istio codes: Istio ambient (and sidecar) rule-set diagnostics. Every code is documented in
 * docs/diagnostics/istio.md under its anchor. Default severities follow istio-ambient.md §11; a finding
 * may carry a different severity when the knowledge base says so (e.g. a missing defensive rule).
 */
export const istioCodes = {
  'istio.missing-jump': info(
    'error',
    "A builtin chain lacks the jump into Istio's chain",
    'istio.missing-jump',
  ),
  'istio.missing-rule': info(
    'error',
    'An Istio rule of the detected generation is missing',
    'istio.missing-rule',
  ),
  'istio.missing-chain': info('error', "A table lacks Istio's chains", 'istio.missing-chain'),
  'istio.missing-pair-half': info(
    'error',
    'Only one half of the DNS conntrack-zone pair is present',
    'istio.missing-pair-half',
  ),
  'istio.ingress-missing-connmark': info(
    'warning',
    'Ingress-mode pod without the connection-marking rule (1.24–1.28 bug)',
    'istio.ingress-missing-connmark',
  ),
  'istio.dns-capture-off': info('information', 'DNS capture is off for this pod', 'istio.dns-capture-off'),
  'istio.misordered-rule': info('warning', "An Istio rule is out of Istio's order", 'istio.misordered-rule'),
  'istio.wrong-mark': info('error', 'A mark or mask differs from the one Istio uses', 'istio.wrong-mark'),
  'istio.mark-without-mask': info(
    'error',
    'A mark is matched without the mask Istio uses',
    'istio.mark-without-mask',
  ),
  'istio.nondefault-value': info(
    'information',
    'The file uses a non-default mark or probe address consistently',
    'istio.nondefault-value',
  ),
  'istio.wrong-port': info('error', 'A port is not the one ztunnel listens on', 'istio.wrong-port'),
  'istio.missing-hbone-exclusion': info(
    'error',
    'Inbound capture does not exclude the HBONE port 15008',
    'istio.missing-hbone-exclusion',
  ),
  'istio.rule-altered': info('warning', 'An Istio rule differs from what Istio writes', 'istio.rule-altered'),
  'istio.bypassed-by-foreign-rule': info(
    'warning',
    "A rule before Istio's jump lets traffic skip Istio's chain",
    'istio.bypassed-by-foreign-rule',
  ),
  'istio.foreign-rule-in-istio-chain': info(
    'warning',
    "A rule Istio does not write sits inside Istio's chain",
    'istio.foreign-rule-in-istio-chain',
  ),
  'istio.reconcile-guardrail': info(
    'error',
    'Reconcile guardrail DROP left in the filter table',
    'istio.reconcile-guardrail',
  ),
  'istio.sidecar-chains-in-ambient-pod': info(
    'warning',
    'Sidecar-mode chains in an ambient pod',
    'istio.sidecar-chains-in-ambient-pod',
  ),
  'istio.mixed-generations': info(
    'warning',
    'Rules of different Istio generations in one pod',
    'istio.mixed-generations',
  ),
  'istio.duplicate-rule': info('warning', 'An Istio rule appears twice', 'istio.duplicate-rule'),
  'istio.pre-inpod-layout': info(
    'warning',
    'Node-level ambient rules from Istio 1.20 or older',
    'istio.pre-inpod-layout',
  ),
  'istio.tproxy-generation': info(
    'information',
    'TPROXY-generation inbound capture (removed in 1.25)',
    'istio.tproxy-generation',
  ),
  'istio.empty-dump': info('information', 'The dump holds no rules (native nftables?)', 'istio.empty-dump'),
} satisfies Record<string, CodeInfo>;
