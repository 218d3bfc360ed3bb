import type { Severity } from '../analysis/findings';
import type { RuleId } from './catalogue';
import { ambientChains } from './constants';

/**
 * Order constraints between Istio rules of one chain, as data (istio-ambient.md §3, §4, §9, §11;
 * iptables-format.md §13). Istio itself never checks order (it counts rules and uses `iptables -C`,
 * istio-ambient.md §6), so these are what the extension adds.
 *
 * A constraint lists every pair of rules whose match sets overlap and whose verdicts differ in the order
 * Istio appends them; pairs that are disjoint (tcp vs udp, `-o lo` vs `! -o lo`, different interfaces) or
 * end in the same verdict are not constrained because swapping them cannot change a packet's fate.
 */
export interface OrderConstraint {
  readonly table: 'mangle' | 'nat' | 'raw';
  readonly chain: string;
  readonly before: RuleId;
  readonly after: RuleId;
  /** The pair is per virtual interface: only rules with the same `-i` are constrained. */
  readonly sameInterface?: boolean;
  readonly severity: Severity;
  /** What goes wrong when `after` comes first, in plain words. */
  readonly consequence: string;
  /** Evidence level and source. */
  readonly source: string;
}

/** A rule that must be the first one of its builtin chain. */
export interface FirstInChainConstraint {
  readonly table: 'nat';
  readonly chain: string;
  readonly id: RuleId;
  readonly severity: Severity;
  readonly consequence: string;
  readonly source: string;
}

const PRERT = ambientChains.prerouting;
const OUTPUT = ambientChains.output;
const append =
  'order [source] istio/istio cni/pkg/iptables/iptables.go (append order); consequence [inferred]';

export const orderConstraints: readonly OrderConstraint[] = [
  // nat ISTIO_PRERT: (N3, N4)* → N5 → N6 (istio-ambient.md §3.2, §11).
  {
    table: 'nat',
    chain: PRERT,
    before: 'N3',
    after: 'N4',
    sameInterface: true,
    severity: 'error',
    consequence:
      'the RETURN ends ISTIO_PRERT first, so traffic entering on this virtual interface bypasses ztunnel entirely',
    source: append,
  },
  {
    table: 'nat',
    chain: PRERT,
    before: 'N3',
    after: 'N6',
    severity: 'error',
    consequence:
      'traffic entering on the virtual interface is captured as inbound (15006) instead of outbound (15001)',
    source: append,
  },
  {
    table: 'nat',
    chain: PRERT,
    before: 'N3',
    after: 'N5',
    severity: 'warning',
    consequence:
      'TCP from the probe address entering on the virtual interface is accepted instead of being treated as outbound',
    source: append,
  },
  {
    table: 'nat',
    chain: PRERT,
    before: 'N4',
    after: 'N5',
    severity: 'information',
    consequence:
      "differs from Istio's order; harmless while the interface's REDIRECT comes first, because that REDIRECT already ends traversal",
    source: append,
  },
  {
    table: 'nat',
    chain: PRERT,
    before: 'N4',
    after: 'N6',
    severity: 'information',
    consequence:
      "differs from Istio's order; harmless while the interface's REDIRECT comes first, because that REDIRECT already ends traversal",
    source: append,
  },
  {
    table: 'nat',
    chain: PRERT,
    before: 'N5',
    after: 'N6',
    severity: 'error',
    consequence:
      'kubelet probes are redirected to ztunnel 15006 and get mesh policy: with STRICT mTLS or an L4 AuthorizationPolicy they fail and the pod goes unready',
    source: append,
  },
  // nat ISTIO_OUTPUT: N12 last, N9 before N11 (istio-ambient.md §3.2, §11).
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N7',
    after: 'N12',
    severity: 'warning',
    consequence:
      'new TCP connections to the probe address are captured by ztunnel (the ACCEPT after the catch-all is dead code)',
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N9',
    after: 'N12',
    severity: 'warning',
    consequence: "TCP DNS goes to ztunnel's outbound port 15001 instead of its DNS proxy",
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N10',
    after: 'N12',
    severity: 'information',
    consequence:
      'a new TCP packet carrying the connection mark is redirected before the ACCEPT can see it (rarely matters: NAT sees only first packets)',
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N11',
    after: 'N12',
    severity: 'warning',
    consequence: "the app's calls to its own pod IP over lo take an extra hop through ztunnel outbound",
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N9',
    after: 'N11',
    severity: 'warning',
    consequence:
      "TCP DNS to a local stub resolver such as 127.0.0.53 is accepted by the lo rule and never reaches ztunnel's DNS proxy",
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N7',
    after: 'N9',
    severity: 'information',
    consequence:
      'TCP to port 53 of the probe address would be sent to the DNS proxy instead of being let through (a corner case)',
    source: append,
  },
  {
    table: 'nat',
    chain: OUTPUT,
    before: 'N9',
    after: 'N10',
    severity: 'information',
    consequence:
      'a new TCP DNS connection carrying the connection mark would be accepted instead of reaching the DNS proxy (a corner case)',
    source: append,
  },
  // mangle ISTIO_PRERT, TPROXY generation (iptables-format.md §13, istio-ambient.md §8).
  {
    table: 'mangle',
    chain: PRERT,
    before: 'T3',
    after: 'T5',
    severity: 'error',
    consequence: 'inbound HBONE to 15008 is intercepted by the plaintext TPROXY to 15006 and breaks',
    source: append,
  },
  {
    table: 'mangle',
    chain: PRERT,
    before: 'T4',
    after: 'T5',
    severity: 'error',
    consequence: 'packets of established connections are intercepted again by the plaintext TPROXY',
    source: append,
  },
  {
    table: 'mangle',
    chain: PRERT,
    before: 'T1',
    after: 'T5',
    severity: 'warning',
    consequence: 'kubelet probes are sent to ztunnel and get mesh policy',
    source: append,
  },
  {
    table: 'mangle',
    chain: PRERT,
    before: 'T2',
    after: 'T5',
    severity: 'warning',
    consequence: "the app's calls to itself over lo are intercepted by ztunnel",
    source: append,
  },
  {
    table: 'mangle',
    chain: PRERT,
    before: 'M3',
    after: 'T2',
    severity: 'error',
    consequence:
      "ztunnel's looped-back connection to the app is accepted before it is tagged, so the app's replies are not steered back to ztunnel",
    source: append,
  },
  {
    table: 'mangle',
    chain: PRERT,
    before: 'M3',
    after: 'T4',
    severity: 'warning',
    consequence: "later packets of ztunnel's connections to the app are accepted before they are tagged",
    source: append,
  },
];

/** H1 must be the first POSTROUTING rule (istio-ambient.md §4; `-I POSTROUTING 1` since 1.27, #56414). */
export const firstInChainConstraints: readonly FirstInChainConstraint[] = [
  {
    table: 'nat',
    chain: 'POSTROUTING',
    id: 'H1',
    severity: 'warning',
    consequence:
      'an earlier SNAT/MASQUERADE in POSTROUTING can consume kubelet probe packets before Istio SNATs them, so probes reach the pod unrecognised and may fail',
    source: '[source] istio/istio cni/pkg/iptables/iptables.go (-I POSTROUTING 1 since 1.27, #56414)',
  },
];

/**
 * Sidecar order constraints (istio-ambient.md §9): a catch-all jump must come after the RETURNs of its chain.
 * Order [source] istio/istio tools/istio-iptables/pkg/capture/run.go; consequences [inferred].
 */
export interface SidecarCatchAllConstraint {
  readonly table: 'nat';
  readonly chain: string;
  /** The chain the catch-all rule jumps to. */
  readonly catchAllTarget: string;
  readonly severity: Severity;
  readonly consequence: string;
}

export const sidecarCatchAllConstraints: readonly SidecarCatchAllConstraint[] = [
  {
    table: 'nat',
    chain: 'ISTIO_INBOUND',
    catchAllTarget: 'ISTIO_IN_REDIRECT',
    severity: 'warning',
    consequence:
      'ports excluded from inbound capture (HBONE, health, metrics) after this jump are captured by Envoy',
  },
  {
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    catchAllTarget: 'ISTIO_REDIRECT',
    severity: 'error',
    consequence: "the RETURN rules after this jump are dead code: Envoy's own traffic loops back into 15001",
  },
];
