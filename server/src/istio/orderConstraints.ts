import type { Severity } from '../analysis/findings';
import type { RuleId } from './catalogue';
import { ambientChains, sidecarPorts } from './constants';

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
 * Sidecar rules are not in the ambient catalogue, so the rules the sidecar constraints talk about are
 * described here by role: which facets (istio/ruleFacets.ts keys) a rule must carry. Values a pod may
 * configure (owner uid/gid, excluded ports and CIDRs) are left open. Roles are listed per chain in the order
 * istio-iptables appends them, which is also the order the quick fix restores; a rule takes the first role
 * it fits. Source: istio/istio tools/istio-iptables/pkg/capture/run.go (Run, SetupDNSRedir), as rendered in
 * test/fixtures/istio/sidecar/rendered/ (istio-ambient.md §9).
 */
export type SidecarRoleId =
  | 'inbound-hbone-return'
  | 'inbound-port-exclusion'
  | 'inbound-catch-all'
  | 'outbound-port-exclusion'
  | 'passthrough-return'
  | 'uid-lo-in-redirect'
  | 'uid-lo-return'
  | 'uid-return'
  | 'gid-lo-in-redirect'
  | 'gid-lo-return'
  | 'gid-return'
  | 'dns-jump'
  | 'loopback-return'
  | 'other-return'
  | 'outbound-catch-all';

/** One facet a role needs: any of `keys`, and when `values` is given, a first argument among them. */
export interface FacetRequirement {
  readonly keys: readonly string[];
  readonly values?: readonly string[];
}

export interface SidecarRuleRole {
  readonly id: SidecarRoleId;
  readonly table: 'nat';
  readonly chain: string;
  /** For messages; `{owner}` stands for the rule's uid/gid value. */
  readonly title: string;
  readonly requires: readonly FacetRequirement[];
  /** The rule may carry nothing beyond the required facets and `-p`. */
  readonly exact?: boolean;
  /**
   * istio-iptables writes one lo → ISTIO_IN_REDIRECT / lo RETURN / RETURN triple per proxy uid, then per
   * proxy gid; the owner facet whose value names the triple.
   */
  readonly owner?: { readonly kind: 'uid' | 'gid'; readonly key: string };
}

const runGo = 'istio/istio tools/istio-iptables/pkg/capture/run.go (snapshot 86c9f01)';
const ret = { keys: ['j'], values: ['RETURN'] };
const toLo = { keys: ['o'], values: ['lo'] };
const dport = { keys: ['tcp:destination-port', 'udp:destination-port'] };
/** `127.0.0.6/32` and `::6/128`: the source Envoy binds for inbound passthrough (run.go). */
const passthroughSources = [sidecarPorts.inboundPassthroughSource, '::6/128'];
/** HostIPv4LoopbackCidr's default and the fixed IPv6 loopback (run.go). */
const loopbacks = ['127.0.0.1/32', '::1/128'];
const ownerTriple = (kind: 'uid' | 'gid'): SidecarRuleRole[] => {
  const key = `owner:${kind}-owner`;
  const owner = { kind, key };
  return [
    {
      id: `${kind}-lo-in-redirect`,
      table: 'nat',
      chain: 'ISTIO_OUTPUT',
      title: `the lo → ISTIO_IN_REDIRECT rule of ${kind} {owner} (Envoy calling its own pod through a VIP)`,
      requires: [toLo, { keys: [key] }, { keys: ['j'], values: ['ISTIO_IN_REDIRECT'] }],
      owner,
    },
    {
      id: `${kind}-lo-return`,
      table: 'nat',
      chain: 'ISTIO_OUTPUT',
      title: `the lo RETURN for other ${kind}s than {owner} (the app calling itself)`,
      requires: [toLo, { keys: [`owner:!${kind}-owner`] }, ret],
      owner: { kind, key: `owner:!${kind}-owner` },
    },
    {
      id: `${kind}-return`,
      table: 'nat',
      chain: 'ISTIO_OUTPUT',
      title: `the RETURN of ${kind} {owner} (Envoy's own traffic)`,
      requires: [{ keys: [key] }, ret],
      exact: true,
      owner,
    },
  ];
};

export const sidecarRuleRoles: readonly SidecarRuleRole[] = [
  {
    id: 'inbound-hbone-return',
    table: 'nat',
    chain: 'ISTIO_INBOUND',
    title: `the HBONE port ${sidecarPorts.tunnel} RETURN`,
    requires: [{ keys: ['tcp:destination-port'], values: [String(sidecarPorts.tunnel)] }, ret],
    exact: true,
  },
  {
    id: 'inbound-port-exclusion',
    table: 'nat',
    chain: 'ISTIO_INBOUND',
    title: 'an inbound port-exclusion RETURN',
    requires: [ret],
  },
  {
    id: 'inbound-catch-all',
    table: 'nat',
    chain: 'ISTIO_INBOUND',
    title: 'the catch-all jump to ISTIO_IN_REDIRECT',
    requires: [{ keys: ['j'], values: ['ISTIO_IN_REDIRECT'] }],
    exact: true,
  },
  {
    id: 'outbound-port-exclusion',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: 'an outbound port-exclusion RETURN',
    requires: [dport, ret],
    exact: true,
  },
  {
    id: 'passthrough-return',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: "the inbound-passthrough RETURN (Envoy's 127.0.0.6 / ::6 source)",
    requires: [{ keys: ['s'], values: passthroughSources }, toLo, ret],
    exact: true,
  },
  ...ownerTriple('uid'),
  ...ownerTriple('gid'),
  {
    id: 'dns-jump',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: 'the jump to ISTIO_OUTPUT_DNS',
    requires: [{ keys: ['j'], values: ['ISTIO_OUTPUT_DNS'] }],
    exact: true,
  },
  {
    id: 'loopback-return',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: 'the 127.0.0.1 / ::1 RETURN',
    requires: [{ keys: ['d'], values: loopbacks }, ret],
    exact: true,
  },
  {
    id: 'other-return',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: 'a RETURN (an excluded CIDR or port)',
    requires: [ret],
  },
  {
    id: 'outbound-catch-all',
    table: 'nat',
    chain: 'ISTIO_OUTPUT',
    title: 'the catch-all jump to ISTIO_REDIRECT',
    requires: [{ keys: ['j'], values: ['ISTIO_REDIRECT'] }],
    exact: true,
  },
];

/**
 * A pair of sidecar roles whose order changes what happens to some packet (istio-ambient.md §9). Pairs that
 * change no packet's fate appear only where §9 names the order, at information severity.
 */
export interface SidecarOrderConstraint {
  readonly table: 'nat';
  readonly chain: string;
  readonly before: SidecarRoleId;
  readonly after: SidecarRoleId;
  /** Only rules of the same uid/gid triple are constrained. */
  readonly sameOwner?: boolean;
  readonly severity: Severity;
  /** What goes wrong when `after` comes first, in plain words. */
  readonly consequence: string;
  readonly source: string;
}

const sidecarOrder = `order [source] ${runGo}; consequence [inferred] from the comments there`;
const outputPair = (
  before: SidecarRoleId,
  after: SidecarRoleId,
  severity: Severity,
  consequence: string,
  sameOwner?: boolean,
): SidecarOrderConstraint => ({
  table: 'nat',
  chain: 'ISTIO_OUTPUT',
  before,
  after,
  severity,
  consequence,
  source: sidecarOrder,
  ...(sameOwner ? { sameOwner } : {}),
});

const passthroughLoops =
  "Envoy's inbound passthrough connections to the app (source 127.0.0.6 / ::6) are sent back into Envoy's inbound listener 15006 and loop";
const vipSelfBypass =
  "Envoy's calls to its own pod through a service VIP skip Envoy's inbound side (15006), so inbound policy and telemetry are bypassed";
const envoyLoops = "Envoy's own traffic loops into 15001";
const agentDnsLoops =
  "istio-agent's own queries to the upstream resolver are redirected back into its DNS proxy 15053 and loop";
const appSelfCaptured =
  "the app's calls to its own pod IP over lo take a detour through Envoy's outbound listener 15001";

export const sidecarOrderConstraints: readonly SidecarOrderConstraint[] = [
  // nat ISTIO_INBOUND: the port-exclusion RETURNs before the catch-all jump.
  ...(['inbound-hbone-return', 'inbound-port-exclusion'] as const).map((before): SidecarOrderConstraint => ({
    table: 'nat',
    chain: 'ISTIO_INBOUND',
    before,
    after: 'inbound-catch-all',
    severity: 'warning',
    consequence:
      before === 'inbound-hbone-return'
        ? `inbound HBONE (${sidecarPorts.tunnel}) is captured by Envoy's plaintext inbound listener 15006 and breaks`
        : "connections to a port excluded from capture (health, metrics, agent status) are captured by Envoy's inbound listener 15006",
    source: sidecarOrder,
  })),
  // run.go: port exclusions "must be applied before connections back to self are redirected".
  ...(['uid-lo-in-redirect', 'gid-lo-in-redirect'] as const).map((after) =>
    outputPair(
      'outbound-port-exclusion',
      after,
      'warning',
      "Envoy's connections over lo to the excluded port are redirected into its inbound listener 15006",
    ),
  ),
  // nat ISTIO_OUTPUT: the 127.0.0.6 RETURN first.
  outputPair('passthrough-return', 'uid-lo-in-redirect', 'error', passthroughLoops),
  outputPair('passthrough-return', 'gid-lo-in-redirect', 'error', passthroughLoops),
  outputPair(
    'passthrough-return',
    'outbound-catch-all',
    'error',
    "Envoy's inbound passthrough connections to the app (source 127.0.0.6 / ::6) are captured by Envoy's outbound listener 15001 and loop",
  ),
  // The uid triples, then the gid triples.
  outputPair('uid-lo-in-redirect', 'uid-return', 'error', vipSelfBypass, true),
  outputPair('gid-lo-in-redirect', 'gid-return', 'error', vipSelfBypass, true),
  outputPair(
    'uid-return',
    'gid-lo-in-redirect',
    'information',
    "differs from Istio's order (uid rules first)",
  ),
  // run.go: the DNS jump cannot move up "as we will want to avoid capturing DNS requests from the proxy UID/GID".
  outputPair('uid-return', 'dns-jump', 'error', agentDnsLoops),
  outputPair('gid-return', 'dns-jump', 'error', agentDnsLoops),
  // run.go: DNS to a resolver on localhost is meant to be captured, so the DNS jump precedes the 127.0.0.1 RETURN.
  outputPair(
    'dns-jump',
    'loopback-return',
    'warning',
    "DNS queries to a resolver on 127.0.0.1 bypass istio-agent's DNS proxy 15053",
  ),
  // Disjoint (`! -d` vs `-d`) or both RETURN: no packet changes fate, but Istio's order is uid/gid rules first.
  ...(
    [
      'uid-lo-in-redirect',
      'uid-lo-return',
      'uid-return',
      'gid-lo-in-redirect',
      'gid-lo-return',
      'gid-return',
    ] as const
  ).map((before) =>
    outputPair(
      before,
      'loopback-return',
      'information',
      "differs from Istio's order; harmless, because the two rules match different destinations or both RETURN",
    ),
  ),
  // Everything before the catch-all jump.
  outputPair(
    'outbound-port-exclusion',
    'outbound-catch-all',
    'warning',
    "connections to the excluded port are captured by Envoy's outbound listener 15001",
  ),
  outputPair('uid-lo-in-redirect', 'outbound-catch-all', 'error', envoyLoops),
  outputPair('gid-lo-in-redirect', 'outbound-catch-all', 'error', envoyLoops),
  outputPair('uid-lo-return', 'outbound-catch-all', 'warning', appSelfCaptured),
  outputPair('gid-lo-return', 'outbound-catch-all', 'warning', appSelfCaptured),
  outputPair('uid-return', 'outbound-catch-all', 'error', envoyLoops),
  outputPair('gid-return', 'outbound-catch-all', 'error', envoyLoops),
  outputPair(
    'dns-jump',
    'outbound-catch-all',
    'warning',
    "DNS over TCP goes to Envoy's outbound listener 15001 instead of istio-agent's DNS proxy 15053",
  ),
  outputPair(
    'loopback-return',
    'outbound-catch-all',
    'warning',
    "the app's connections to 127.0.0.1 (other containers, the agent) are sent to Envoy's outbound listener 15001",
  ),
  outputPair(
    'other-return',
    'outbound-catch-all',
    'warning',
    "traffic this RETURN exempts from capture is sent to Envoy's outbound listener 15001",
  ),
];
