import type { Provenance } from './constants';
import { probeIpsets, sidecarChains, sidecarPorts } from './constants';

/**
 * Istio facts hovers need beyond the values of constants.ts: what each sidecar port and chain is for, the
 * sidecar TPROXY marks, and what the host probe ipsets hold. Sidecar facts are kept apart from the ambient
 * constants because the same numbers mean different things (istio-ambient.md §9: "A hover must not
 * describe a sidecar TPROXY `0x539` as the ztunnel mark").
 */

const constantsGo = 'istio/istio tools/istio-iptables/pkg/constants/constants.go';
const snapshot = 'snapshot 86c9f01 (master 2026-08-22)';

export interface SidecarPortDoc {
  readonly port: number;
  readonly summary: string;
  readonly source: Provenance;
}

/** Sidecar ports and their roles. Source: constants.go and the injection template defaults (istio-ambient.md §9). */
export const sidecarPortDocs: readonly SidecarPortDoc[] = [
  {
    port: sidecarPorts.outbound,
    summary: "Envoy's outbound capture port: ISTIO_REDIRECT sends the app's outbound TCP here",
    source: { file: constantsGo, version: snapshot },
  },
  {
    port: sidecarPorts.inbound,
    summary:
      "Envoy's inbound capture port: ISTIO_IN_REDIRECT (REDIRECT mode) or ISTIO_TPROXY (TPROXY mode) sends inbound TCP here",
    source: { file: constantsGo, version: snapshot },
  },
  {
    port: sidecarPorts.tunnel,
    summary: 'HBONE tunnel port: excluded from capture (RETURN) so mTLS tunnels reach the proxy directly',
    source: { file: constantsGo, version: snapshot },
  },
  {
    port: sidecarPorts.pilotAgentStatus,
    summary: 'pilot-agent status and merged Prometheus metrics: excluded from inbound capture',
    source: { file: 'istio/istio injection template defaults (-d 15090,15021,15020)', version: snapshot },
  },
  {
    port: sidecarPorts.health,
    summary: 'sidecar health port (probes are rewritten to it): excluded from inbound capture',
    source: { file: 'istio/istio injection template defaults (-d 15090,15021,15020)', version: snapshot },
  },
  {
    port: sidecarPorts.prometheus,
    summary: "Envoy's Prometheus stats port: excluded from inbound capture",
    source: { file: 'istio/istio injection template defaults (-d 15090,15021,15020)', version: snapshot },
  },
  {
    port: sidecarPorts.dns,
    summary: "istio-agent's DNS proxy: ISTIO_OUTPUT_DNS redirects port 53 here",
    source: { file: constantsGo, version: snapshot },
  },
];

export interface SidecarMarkDoc {
  readonly value: number;
  /** The mask the sidecar rules use: the full 32 bits. */
  readonly mask: number;
  readonly summary: string;
  readonly source: Provenance;
}

/**
 * Marks of sidecar TPROXY mode, matched and set with the full mask (a dump shows `--mark 0x539`,
 * `--set-xmark 0x539/0xffffffff`). Source: constants.go (InboundTProxyMark "1337", OutboundMark "1338");
 * istio-ambient.md §9.
 */
export const sidecarMarks: readonly SidecarMarkDoc[] = [
  {
    value: 0x539,
    mask: 0xffffffff,
    summary:
      "sidecar TPROXY inbound mark (1337): set on packets diverted to Envoy (ISTIO_DIVERT/ISTIO_TPROXY) and routed locally by a fwmark rule; not ztunnel's mark",
    source: { file: `${constantsGo} (InboundTProxyMark)`, version: snapshot },
  },
  {
    value: 0x53a,
    mask: 0xffffffff,
    summary: 'sidecar outbound mark (1338) of TPROXY mode',
    source: { file: `${constantsGo} (OutboundMark)`, version: snapshot },
  },
];

/** What each sidecar chain does. Source: tools/istio-iptables/pkg/capture/run.go; istio-ambient.md §9. */
export const sidecarChainDocs: Readonly<Record<(typeof sidecarChains)[number], string>> = {
  ISTIO_INBOUND:
    'sidecar inbound capture decisions: RETURNs for excluded ports (15008, 15090, 15021, 15020), then ISTIO_IN_REDIRECT',
  ISTIO_IN_REDIRECT: 'sidecar: REDIRECTs inbound TCP to Envoy (15006)',
  ISTIO_REDIRECT: "sidecar: REDIRECTs the app's outbound TCP to Envoy (15001)",
  ISTIO_OUTPUT_DNS: "sidecar DNS capture: REDIRECTs port 53 to istio-agent's DNS proxy (15053)",
  ISTIO_DIVERT: 'sidecar TPROXY mode: marks packets of connections Envoy already owns and accepts them',
  ISTIO_TPROXY: 'sidecar TPROXY mode: TPROXYs inbound TCP to Envoy (15006) with mark 1337',
  ISTIO_DROP: 'sidecar: drops packets conntrack marks INVALID (the drop-invalid option)',
};

export interface IpsetDoc {
  readonly name: string;
  readonly summary: string;
  readonly source: Provenance;
}

/**
 * The host ipsets H2 matches. Source: istio/istio cni/pkg/iptables/iptables.go (ProbeIPSet; `-v4`/`-v6`
 * suffixes since 1.23.0), istio-ambient.md §2 and §4.
 */
export const probeIpsetDocs: readonly IpsetDoc[] = [
  {
    name: probeIpsets.ipv4,
    summary:
      'host ipset (hash:ip) with the IPv4 addresses of the ambient pods on this node, kept by the istio-cni agent',
    source: {
      file: 'istio/istio cni/pkg/iptables/iptables.go (ProbeIPSet)',
      version: '1.23.0 … snapshot 86c9f01',
    },
  },
  {
    name: probeIpsets.ipv6,
    summary:
      'host ipset (hash:ip) with the IPv6 addresses of the ambient pods on this node, kept by the istio-cni agent',
    source: {
      file: 'istio/istio cni/pkg/iptables/iptables.go (ProbeIPSet)',
      version: '1.23.0 … snapshot 86c9f01',
    },
  },
  {
    name: probeIpsets.unsuffixed,
    summary:
      'host ipset with the addresses of the ambient pods on this node (1.21–1.22 name, before the -v4/-v6 suffixes)',
    source: { file: 'istio/istio cni/pkg/iptables/iptables.go (ProbeIPSet)', version: '1.21.0 … 1.22.x' },
  },
];

/**
 * What the addresses and ids Istio writes into rules are for, per mode. Sources: istio/istio
 * cni/pkg/iptables/iptables.go (ambient loopback exclusions, "Do not redirect app calls to back itself"),
 * tools/istio-iptables/pkg/capture/run.go (sidecar RETURNs for 127.0.0.1/32, 127.0.0.6 and uid/gid 1337);
 * istio-ambient.md §3.2 and §9.
 */
export const addressRoleDocs = {
  ambientLoopback:
    'the loopback address; capture rules exclude it so traffic the app sends to itself on loopback is never redirected',
  sidecarLoopback:
    'the loopback address; capture rules RETURN for it so local traffic is not sent through Envoy',
  sidecarPassthrough:
    "Envoy's inbound passthrough source address; its traffic to the app is not captured again",
  sidecarProxyOwner:
    "Envoy runs as this uid and gid; owner rules with it single out the proxy's own traffic so it is not captured again",
  source: 'istio/istio cni/pkg/iptables/iptables.go; tools/istio-iptables/pkg/capture/run.go',
} as const;
