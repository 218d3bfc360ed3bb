/**
 * Istio ambient constants as data with provenance. Every value names the upstream file and the
 * version it was read at. "Snapshot" means istio/istio `86c9f01fd735fb01d8192f5bcaf0d424afb7f14c`
 * (master of 2026-08-22); ztunnel values come from istio/ztunnel `62d826530e5ce85764e309170205b293efcbc80b`.
 * Values never changed between 1.21 and the snapshot unless an entry says otherwise.
 *
 * Checks never write these literals themselves (ARCHITECTURE rule 5): they read them from here, and
 * compare them with what a file actually uses, because marks and the probe address are configurable.
 */

/** Where a fact comes from: upstream repository file and the version it was read at. */
export interface Provenance {
  /** e.g. `istio/istio cni/pkg/config/config.go` */
  readonly file: string;
  /** e.g. `snapshot 86c9f01 (master 2026-08-22); unchanged since 1.21` */
  readonly version: string;
}

/** A mark or connmark value together with the mask Istio matches it with. */
export interface MarkConstant {
  readonly value: number;
  readonly mask: number;
  /** As iptables-save prints it in a mark match: `0x539/0xfff`. */
  readonly text: string;
  readonly summary: string;
  readonly source: Provenance;
}

const snapshot = 'snapshot 86c9f01 (master 2026-08-22); unchanged since 1.21.0';

/**
 * ztunnel's socket mark ("InpodMark" 1337), matched with mask 0xfff. ztunnel sets SO_MARK 1337 on every
 * socket it opens in the pod netns, so a packet carrying it was sent by ztunnel.
 * Source: istio/istio `cni/pkg/config/config.go` (InpodMark, InpodMask); istio/ztunnel `src/config.rs`
 * (DEFAULT_INPOD_MARK), `src/inpod/config.rs`.
 */
export const ztunnelMark: MarkConstant = {
  value: 0x539,
  mask: 0xfff,
  text: '0x539/0xfff',
  summary: "ztunnel's SO_MARK (1337): the packet was sent by ztunnel",
  source: { file: 'istio/istio cni/pkg/config/config.go; istio/ztunnel src/config.rs', version: snapshot },
};

/**
 * The connection mark ("InpodTProxyMark" 0x111, mask 0xfff): set as ctmark on connections ztunnel delivered
 * to the app, restored onto the app's reply packets and routed by `fwmark 0x111/0xfff lookup 100`.
 * Source: istio/istio `cni/pkg/config/config.go` (InpodTProxyMark, InpodTProxyMask).
 */
export const connectionMark: MarkConstant = {
  value: 0x111,
  mask: 0xfff,
  text: '0x111/0xfff',
  summary:
    'connection delivered by ztunnel to the app; replies are policy-routed (fwmark 0x111 → table 100 → local) back to ztunnel',
  source: { file: 'istio/istio cni/pkg/config/config.go', version: snapshot },
};

/**
 * `--nfmask`/`--ctmask` of the CONNMARK restore rule (InpodRestoreMask 0xffffffff).
 * Source: istio/istio `cni/pkg/config/config.go`.
 */
export const restoreMask = {
  value: 0xffffffff,
  text: '0xffffffff',
  source: { file: 'istio/istio cni/pkg/config/config.go (InpodRestoreMask)', version: snapshot },
} as const;

/** A ztunnel listener port. */
export interface PortConstant {
  readonly port: number;
  readonly name: string;
  readonly summary: string;
  readonly source: Provenance;
}

/** ztunnel's in-pod listeners and the DNS port; the only ports ambient in-pod rules use. */
export const ztunnelPorts = {
  /** Source: istio/istio `cni/pkg/iptables/iptables.go` (ZtunnelOutboundPort). */
  outbound: {
    port: 15001,
    name: 'ztunnel outbound capture',
    summary: "ztunnel's outbound capture listener (wildcard bind in the pod netns)",
    source: { file: 'istio/istio cni/pkg/iptables/iptables.go (ZtunnelOutboundPort)', version: snapshot },
  },
  /** Source: istio/istio `cni/pkg/iptables/iptables.go` (ZtunnelInboundPlaintextPort). */
  inboundPlaintext: {
    port: 15006,
    name: 'ztunnel inbound plaintext',
    summary: "ztunnel's inbound plaintext listener: captured inbound TCP that is not HBONE",
    source: {
      file: 'istio/istio cni/pkg/iptables/iptables.go (ZtunnelInboundPlaintextPort)',
      version: snapshot,
    },
  },
  /** Source: istio/istio `cni/pkg/iptables/iptables.go` (ZtunnelInboundPort). */
  hbone: {
    port: 15008,
    name: 'ztunnel inbound HBONE',
    summary: "ztunnel's HBONE (mTLS tunnel) listener; HBONE arrives addressed to it and is never redirected",
    source: { file: 'istio/istio cni/pkg/iptables/iptables.go (ZtunnelInboundPort)', version: snapshot },
  },
  /** Source: istio/istio `cni/pkg/iptables/iptables.go` (DNSCapturePort); istio/ztunnel `src/config.rs` (DEFAULT_DNS_PORT). */
  dnsProxy: {
    port: 15053,
    name: 'ztunnel DNS proxy',
    summary: "ztunnel's DNS proxy (UDP and TCP, bound on localhost in the pod netns)",
    source: { file: 'istio/istio cni/pkg/iptables/iptables.go (DNSCapturePort)', version: snapshot },
  },
  /** The well-known DNS port the capture rules match. Source: istio/istio `cni/pkg/iptables/iptables.go`. */
  dns: {
    port: 53,
    name: 'DNS',
    summary: 'DNS (the port the DNS capture rules match)',
    source: { file: 'istio/istio cni/pkg/iptables/iptables.go', version: snapshot },
  },
} as const satisfies Record<string, PortConstant>;

/** An address Istio puts into rules. */
export interface AddressConstant {
  /** As iptables-save prints it in `-s`/`-d` (with prefix length). */
  readonly text: string;
  /** As iptables-save prints it in `--to-source` (no prefix length). */
  readonly bare: string;
  readonly summary: string;
  readonly source: Provenance;
}

/** Kubelet probe SNAT addresses (default; `HOST_PROBE_SNAT_IP` / `HOST_PROBE_SNAT_IPV6` change them). */
export const probeSnatAddress = {
  /** Source: istio/istio `cni/pkg/config/config.go` (DefaultHostProbeSNATIP); `cni/README.md`. */
  ipv4: {
    text: '169.254.7.127/32',
    bare: '169.254.7.127',
    summary: 'kubelet probe SNAT address (set on the node by ISTIO_POSTRT)',
    source: { file: 'istio/istio cni/pkg/config/config.go (DefaultHostProbeSNATIP)', version: snapshot },
  },
  /** Source: istio/istio `cni/pkg/config/config.go` (DefaultHostProbeSNATIPV6). Correct per family since 1.23.0 (#51221). */
  ipv6: {
    text: 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128',
    bare: 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff',
    summary: 'kubelet probe SNAT address, IPv6 (set on the node by ISTIO_POSTRT)',
    source: { file: 'istio/istio cni/pkg/config/config.go (DefaultHostProbeSNATIPV6)', version: snapshot },
  },
} as const satisfies Record<string, AddressConstant>;

/** The loopback destination Istio excludes from capture, per family, as iptables-save prints it. Source: istio/istio `cni/pkg/iptables/iptables.go`. */
export const loopbackAddress = {
  ipv4: '127.0.0.1/32',
  ipv6: '::1/128',
} as const;

/** Policy routing installed next to the rules (not visible in a dump). Source: istio/istio `cni/pkg/iptables/iptables_linux.go`, `cni/pkg/config/config.go`. */
export const policyRouting = {
  /** RouteTableInbound. */
  table: 100,
  /** Priority of `from all fwmark 0x111/0xfff lookup 100`. */
  rulePriority: 32764,
  route: 'local 0.0.0.0/0 dev lo table 100 (IPv6: local ::/0 dev lo table 100)',
  assumption:
    'packets whose mark has 0x111 in its low 12 bits are routed to local delivery (ip rule 32764 → table 100)',
  source: { file: 'istio/istio cni/pkg/iptables/iptables_linux.go', version: snapshot },
} as const;

/** Chain names. Source: istio/istio `cni/pkg/iptables/iptables.go` (ChainInpodPrerouting, ChainInpodOutput, ChainHostPostrouting). */
export const ambientChains = {
  /** In-pod, in mangle, nat and (DNS capture) raw. */
  prerouting: 'ISTIO_PRERT',
  /** In-pod, in mangle, nat and (DNS capture) raw. */
  output: 'ISTIO_OUTPUT',
  /** Node netns, nat. */
  hostPostrouting: 'ISTIO_POSTRT',
} as const;

/** Host ipsets holding the node's ambient pod IPs. Source: istio/istio `cni/pkg/iptables/iptables.go` (ProbeIPSet); suffixes since 1.23.0. */
export const probeIpsets = {
  ipv4: 'istio-inpod-probes-v4',
  ipv6: 'istio-inpod-probes-v6',
  /** The name without family suffix used by 1.21–1.22. */
  unsuffixed: 'istio-inpod-probes',
} as const;

/** A pod annotation or global setting and what it does to the rule set. */
export interface SettingFact {
  readonly name: string;
  readonly kind: 'annotation' | 'setting';
  readonly effect: string;
  /** Default and the versions it applies to. */
  readonly defaultValue?: string;
  readonly source: Provenance;
}

/** Pod annotations and global settings that change the in-pod rule set. */
export const settings: readonly SettingFact[] = [
  {
    name: 'ambient.istio.io/bypass-inbound-capture',
    kind: 'annotation',
    effect:
      '"ingress mode" (1.24+): drops the inbound probe ACCEPT and the 15006 REDIRECT from nat ISTIO_PRERT; outbound capture stays. 1.24–1.28 also dropped the mangle CONNMARK rule (fixed in 1.29, #58546).',
    source: { file: 'istio/istio cni/pkg/nodeagent/net.go', version: 'release 1.24.0 … snapshot' },
  },
  {
    name: 'ambient.istio.io/dns-capture',
    kind: 'annotation',
    effect: 'per-pod override of the global DNS capture setting (1.25+)',
    source: { file: 'istio/istio cni/pkg/nodeagent/net.go', version: 'release 1.25.0 … snapshot' },
  },
  {
    name: 'istio.io/reroute-virtual-interfaces',
    kind: 'annotation',
    effect:
      'comma-separated interfaces; adds per interface a REDIRECT-to-15001 + RETURN pair at the top of nat ISTIO_PRERT (1.25+)',
    source: { file: 'istio/istio cni/pkg/nodeagent/net.go', version: 'release 1.25.0 … snapshot' },
  },
  {
    name: 'AMBIENT_DNS_CAPTURE',
    kind: 'setting',
    effect: 'DNS capture: adds the port-53 REDIRECTs and the raw table CT zone rules',
    defaultValue: 'false up to 1.24, true from 1.25 (Helm cni.ambient.dnsCapture)',
    source: {
      file: 'istio/istio manifests/charts/istio-cni/values.yaml',
      version: 'releases 1.24.0, 1.25.0, snapshot',
    },
  },
  {
    name: 'AMBIENT_IPV6',
    kind: 'setting',
    effect: 'also programs ip6tables in the pod',
    defaultValue: 'true from 1.23 (Helm cni.ambient.ipv6)',
    source: {
      file: 'istio/istio manifests/charts/istio-cni/values.yaml',
      version: 'release 1.23.0 … snapshot',
    },
  },
  {
    name: 'AMBIENT_RECONCILE_POD_RULES_ON_STARTUP',
    kind: 'setting',
    effect: 'rewrites stale pod rules at agent start-up, behind temporary filter DROP guardrails',
    defaultValue: 'false in 1.25–1.28, true from 1.29',
    source: {
      file: 'istio/istio manifests/charts/istio-cni/values.yaml',
      version: 'releases 1.25.0, 1.29.0',
    },
  },
  {
    name: 'NATIVE_NFTABLES',
    kind: 'setting',
    effect: 'programs native nftables instead of iptables; iptables-save in the pod then prints nothing',
    defaultValue: 'false (ambient support from 1.28)',
    source: { file: 'istio/istio cni/pkg/nftables/nftables.go', version: 'release 1.28.0 … snapshot' },
  },
  {
    name: 'AMBIENT_TPROXY_REDIRECTION',
    kind: 'setting',
    effect: 'inbound capture with TPROXY in mangle instead of REDIRECT in nat; removed in 1.25',
    defaultValue: 'true in 1.23.1–1.23.x (agent config loader), false in 1.24.x',
    source: { file: 'istio/istio cni/pkg/cmd/root.go', version: 'releases 1.23.1–1.23.6, 1.24.0' },
  },
  {
    name: 'HOST_PROBE_SNAT_IP / HOST_PROBE_SNAT_IPV6',
    kind: 'setting',
    effect: 'changes the kubelet probe SNAT address (any 169.254.0.0/16 address for IPv4)',
    defaultValue: '169.254.7.127 / fd16:9254:7127:1337:ffff:ffff:ffff:ffff',
    source: { file: 'istio/istio cni/README.md, cni/pkg/config/config.go', version: snapshot },
  },
];

/** Sidecar-mode chains (istio-iptables / CNI plugin). Source: istio/istio `tools/istio-iptables/pkg/constants/constants.go`. */
export const sidecarChains = [
  'ISTIO_INBOUND',
  'ISTIO_IN_REDIRECT',
  'ISTIO_REDIRECT',
  'ISTIO_OUTPUT_DNS',
  'ISTIO_DIVERT',
  'ISTIO_TPROXY',
  'ISTIO_DROP',
] as const;

/**
 * Sidecar ports. Source: istio/istio `tools/istio-iptables/pkg/constants/constants.go` and the injection
 * template defaults (`-p 15001 -z 15006 -u 1337 -d 15090,15021,15020`).
 */
export const sidecarPorts = {
  outbound: 15001,
  inbound: 15006,
  tunnel: 15008,
  pilotAgentStatus: 15020,
  health: 15021,
  dns: 15053,
  prometheus: 15090,
  /** Envoy runs as this uid and gid; sidecar rules identify it with the owner match. */
  proxyUid: 1337,
  /** Envoy's inbound passthrough source address. */
  inboundPassthroughSource: '127.0.0.6/32',
} as const;

/**
 * Pre-1.21 ("legacy" node-level ambient) host chains, removed in 1.21.
 * Source: istio/istio release 1.20 `cni/pkg/ambient/iptables.go` (via istio-ambient.md §4).
 */
export const preInpodChainPrefix = 'ztunnel-';

/**
 * Whether a chain name is one of Istio's own, of any generation: every ambient and sidecar chain
 * starts with ISTIO (the lists above), the pre-in-pod host chains with `ztunnel-`.
 */
export function isIstioChainName(name: string): boolean {
  return name.startsWith('ISTIO') || name.startsWith(preInpodChainPrefix);
}

/** Istio writes each in-pod family in one `iptables-restore --noflush` call. Source: istio/istio `cni/pkg/iptables/iptables.go`. */
export const inpodTables = ['mangle', 'nat', 'raw'] as const;

/**
 * The guardrails Istio's reconcile inserts in the pod while it rewrites the rules: in `filter`, `-I <chain> 1`
 * of `-p tcp -j DROP` and `-p udp -j DROP` for each chain, removed again when the rewrite succeeds.
 * Source: istio/istio `cni/pkg/iptables/iptables.go` (reconcile, 1.25+), istio-ambient.md §6.
 */
export const reconcileGuardrails = {
  table: 'filter',
  chains: ['INPUT', 'FORWARD', 'OUTPUT'],
  protocols: ['tcp', 'udp'],
  target: 'DROP',
  source: { file: 'istio/istio cni/pkg/iptables/iptables.go', version: 'release 1.25.0 … snapshot 86c9f01' },
} as const;
