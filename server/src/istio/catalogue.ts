import type { Severity } from '../analysis/findings';
import type { Provenance } from './constants';
import { ambientChains, ztunnelPorts, restoreMask } from './constants';

/**
 * The catalogue of every Istio ambient rule, keyed by this project's reference ids (istio-ambient.md §3, §4, §8):
 * M1–M4 mangle, N1–N12 nat, R1–R4 raw, H1–H2 host, plus the TPROXY-era rules T1–T5 and N8L (the UDP DNS rule
 * without the mark exclusion, 1.21–1.23). Hovers, diagnostics and quick fixes all read their texts from here.
 *
 * Each entry carries its rule in iptables-save canonical form (istio-ambient.md §10) with placeholders for
 * the values a cluster may configure or a pod may vary:
 * `{ztunnelMark}`, `{connectionMark}` (value/mask as printed), `{loopback}` (`127.0.0.1/32` or `::1/128`),
 * `{probe}` (in-pod probe address with prefix), `{snatAddress}` (host SNAT address without prefix),
 * `{probeIpset}` and `{virtualInterface}`. Rules are matched structurally against the parsed model
 * (istio/recognize.ts), never by text.
 */

export type RuleId =
  | 'M1'
  | 'M2'
  | 'M3'
  | 'M4'
  | 'N1'
  | 'N2'
  | 'N3'
  | 'N4'
  | 'N5'
  | 'N6'
  | 'N7'
  | 'N8'
  | 'N8L'
  | 'N9'
  | 'N10'
  | 'N11'
  | 'N12'
  | 'R1'
  | 'R2'
  | 'R3'
  | 'R4'
  | 'T1'
  | 'T2'
  | 'T3'
  | 'T4'
  | 'T5'
  | 'H1'
  | 'H2';

/** The placeholders a template may use. */
export type TemplateVariable =
  'ztunnelMark' | 'connectionMark' | 'loopback' | 'probe' | 'snatAddress' | 'probeIpset' | 'virtualInterface';

export interface CatalogueEntry {
  readonly id: RuleId;
  readonly table: 'mangle' | 'nat' | 'raw';
  readonly chain: string;
  /** A jump from a builtin chain into Istio's chain. */
  readonly isJump: boolean;
  /** One line, iptables-save canonical form, with placeholders. */
  readonly template: string;
  /** A few words, e.g. "outbound capture → ztunnel 15001". */
  readonly title: string;
  /** What the rule does and why (our words, from Istio's source comments). */
  readonly purpose: string;
  /** What breaks when the rule is missing, moved or altered, in plain words. */
  readonly consequence: string;
  /** Severity of its absence when the detected generation/variant expects it (istio-ambient.md §11). */
  readonly missingSeverity: Severity;
  /** One rule per virtual interface (N3/N4). */
  readonly perVirtualInterface?: boolean;
  /** Evidence level as istio-ambient.md tags it. */
  readonly evidence: 'source' | 'inferred' | 'source+inferred';
  readonly source: Provenance;
}

const iptablesGo = 'istio/istio cni/pkg/iptables/iptables.go';
const current = 'snapshot 86c9f01 (master 2026-08-22)';
const out = ztunnelPorts.outbound.port;
const inPlain = ztunnelPorts.inboundPlaintext.port;
const hbone = ztunnelPorts.hbone.port;
const dnsProxy = ztunnelPorts.dnsProxy.port;
const dns = ztunnelPorts.dns.port;
const PRERT = ambientChains.prerouting;
const OUTPUT = ambientChains.output;
const POSTRT = ambientChains.hostPostrouting;

const entries: readonly CatalogueEntry[] = [
  {
    id: 'M1',
    table: 'mangle',
    chain: 'PREROUTING',
    isJump: true,
    template: `-A PREROUTING -j ${PRERT}`,
    title: 'jump into mangle ISTIO_PRERT',
    purpose: "Sends every incoming packet through Istio's mangle ISTIO_PRERT chain.",
    consequence:
      "the connection-marking rule never runs: the app's replies on connections ztunnel delivered are not steered back to ztunnel, so inbound connections through ztunnel hang",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'M2',
    table: 'mangle',
    chain: 'OUTPUT',
    isJump: true,
    template: `-A OUTPUT -j ${OUTPUT}`,
    title: 'jump into mangle ISTIO_OUTPUT',
    purpose: "Sends every locally generated packet through Istio's mangle ISTIO_OUTPUT chain.",
    consequence:
      "the connmark is never restored onto the app's replies, so they follow the default route instead of going back to ztunnel: inbound connections through ztunnel hang",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'M3',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -m mark --mark {ztunnelMark} -j CONNMARK --set-xmark {connectionMark}`,
    title: 'tag connections ztunnel opened with the connection mark',
    purpose:
      "A packet reaching PREROUTING with ztunnel's mark was sent by ztunnel and looped back through lo: ztunnel's inbound leg to the local app. Its connection gets the connection mark (ctmark).",
    consequence:
      "the app's replies on ztunnel-delivered inbound connections are not steered back to ztunnel and follow the default route, so those connections hang",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current} (omitted in ingress mode 1.24–1.28, #58546)` },
  },
  {
    id: 'M4',
    table: 'mangle',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} -m connmark --mark {connectionMark} -j CONNMARK --restore-mark --nfmask ${restoreMask.text} --ctmask ${restoreMask.text}`,
    title: "restore the connection mark onto the app's replies",
    purpose:
      "Copies the connection mark onto locally generated packets of tagged connections (the app's replies); the fwmark ip rule then routes them to table 100 (local), i.e. back to ztunnel.",
    consequence:
      "the app's replies on ztunnel-delivered inbound connections leave by the default route instead of returning to ztunnel, so those connections hang",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'N1',
    table: 'nat',
    chain: 'PREROUTING',
    isJump: true,
    template: `-A PREROUTING -j ${PRERT}`,
    title: 'jump into nat ISTIO_PRERT',
    purpose: "Sends the first packet of every incoming connection through Istio's nat ISTIO_PRERT chain.",
    consequence: 'inbound plaintext traffic bypasses ztunnel: no policy, no telemetry',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.23.1 … ${current} (REDIRECT generation)` },
  },
  {
    id: 'N2',
    table: 'nat',
    chain: 'OUTPUT',
    isJump: true,
    template: `-A OUTPUT -j ${OUTPUT}`,
    title: 'jump into nat ISTIO_OUTPUT',
    purpose: "Sends the first packet of every outbound connection through Istio's nat ISTIO_OUTPUT chain.",
    consequence: 'outbound traffic bypasses ztunnel: no mTLS, no policy, no telemetry',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'N3',
    table: 'nat',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -i {virtualInterface} -p tcp -j REDIRECT --to-ports ${out}`,
    title: 'virtual interface: treat inbound as outbound (→ 15001)',
    purpose:
      'TCP entering on a configured virtual interface (istio.io/reroute-virtual-interfaces) is treated as outbound: redirected to ztunnel 15001.',
    consequence:
      'traffic entering on this virtual interface hits the RETURN without being redirected and bypasses ztunnel entirely',
    missingSeverity: 'error',
    perVirtualInterface: true,
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.25.0 … ${current}` },
  },
  {
    id: 'N4',
    table: 'nat',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -i {virtualInterface} -p tcp -j RETURN`,
    title: 'virtual interface: leave ISTIO_PRERT',
    purpose:
      "Returns virtual-interface TCP from Istio's chain so the inbound rules below never see it. The REDIRECT above already ends traversal for the same packets, so this rule is a safeguard.",
    consequence:
      'none while the REDIRECT above stays in place (it already terminates the same packets); Istio writes it, so a reconcile will see a difference',
    missingSeverity: 'information',
    perVirtualInterface: true,
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.25.0 … ${current}` },
  },
  {
    id: 'N5',
    table: 'nat',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -s {probe} -p tcp -m tcp -j ACCEPT`,
    title: 'let kubelet probes through',
    purpose:
      'kubelet health probes arrive SNATed on the node to the probe address and are let through without capture.',
    consequence:
      'kubelet probes are redirected to ztunnel 15006 and get mesh policy: with STRICT mTLS or an L4 AuthorizationPolicy they fail and the pod goes unready',
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.23.1 … ${current}` },
  },
  {
    id: 'N6',
    table: 'nat',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} ! -d {loopback} -p tcp -m tcp ! --dport ${hbone} -m mark ! --mark {ztunnelMark} -j REDIRECT --to-ports ${inPlain}`,
    title: 'inbound capture → ztunnel 15006',
    purpose:
      "Inbound capture: TCP not for loopback, not to HBONE 15008 and not sent by ztunnel is redirected to ztunnel's inbound plaintext port.",
    consequence: 'inbound plaintext traffic bypasses ztunnel: no policy, no telemetry',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.23.1 … ${current}` },
  },
  {
    id: 'N7',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} -d {probe} -p tcp -m tcp -j ACCEPT`,
    title: 'do not capture traffic to the probe address',
    purpose:
      'Keeps TCP to the probe SNAT address out of outbound capture (defensive; NAT rules see only first packets).',
    consequence:
      'a new TCP connection to the probe address would be captured by ztunnel; rarely matters in practice',
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'N8',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} ! -o lo -p udp -m mark ! --mark {ztunnelMark} -m udp --dport ${dns} -j REDIRECT --to-ports ${dnsProxy}`,
    title: 'UDP DNS → ztunnel DNS proxy 15053',
    purpose:
      "DNS capture: UDP DNS leaving the pod (not via lo, not sent by ztunnel) goes to ztunnel's DNS proxy.",
    consequence:
      "the app's UDP DNS queries bypass ztunnel's DNS proxy (no ServiceEntry/auto-allocated address resolution)",
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'N8L',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} ! -o lo -p udp -m udp --dport ${dns} -j REDIRECT --to-ports ${dnsProxy}`,
    title: 'UDP DNS → ztunnel DNS proxy 15053 (1.21–1.23 form, no mark exclusion)',
    purpose: "DNS capture as written by 1.21–1.23: UDP DNS leaving the pod goes to ztunnel's DNS proxy.",
    consequence: "the app's UDP DNS queries bypass ztunnel's DNS proxy",
    missingSeverity: 'warning',
    evidence: 'source',
    source: { file: iptablesGo, version: '1.21.0 … 1.23.6 (DNS capture on)' },
  },
  {
    id: 'N9',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} ! -d {loopback} -p tcp -m tcp --dport ${dns} -m mark ! --mark {ztunnelMark} -j REDIRECT --to-ports ${dnsProxy}`,
    title: 'TCP DNS → ztunnel DNS proxy 15053',
    purpose: "DNS capture: TCP DNS not for loopback and not sent by ztunnel goes to ztunnel's DNS proxy.",
    consequence:
      "the app's TCP DNS queries bypass ztunnel's DNS proxy (they are captured as ordinary outbound TCP instead)",
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'N10',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} -p tcp -m mark --mark {connectionMark} -j ACCEPT`,
    title: 'do not capture connections tagged with the connection mark',
    purpose:
      'Keeps TCP carrying the connection mark out of outbound capture (defensive; NAT rules see only first packets).',
    consequence:
      'a new TCP packet carrying the connection mark would be captured again by ztunnel; rarely matters in practice',
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'N11',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} ! -d {loopback} -o lo -j ACCEPT`,
    title: 'do not capture app calls to its own pod IP over lo',
    purpose:
      'Per its source comment: "Do not redirect app calls to back itself via Ztunnel when using the endpoint address".',
    consequence:
      "the app's calls to its own pod IP take an extra hop through ztunnel outbound (a hairpin to itself)",
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'N12',
    table: 'nat',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} ! -d {loopback} -p tcp -m mark ! --mark {ztunnelMark} -j REDIRECT --to-ports ${out}`,
    title: 'outbound capture → ztunnel 15001',
    purpose:
      "Outbound capture: TCP not for loopback and not sent by ztunnel is redirected to ztunnel's outbound port.",
    consequence: 'outbound traffic bypasses ztunnel: no mTLS, no policy, no telemetry',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
  {
    id: 'R1',
    table: 'raw',
    chain: 'PREROUTING',
    isJump: true,
    template: `-A PREROUTING -j ${PRERT}`,
    title: 'jump into raw ISTIO_PRERT',
    purpose: "Sends incoming packets through Istio's raw ISTIO_PRERT chain (DNS conntrack zone).",
    consequence:
      "upstream DNS answers to ztunnel's DNS proxy land in the wrong conntrack zone: intermittent DNS failures or mis-NATed answers",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'R2',
    table: 'raw',
    chain: 'OUTPUT',
    isJump: true,
    template: `-A OUTPUT -j ${OUTPUT}`,
    title: 'jump into raw ISTIO_OUTPUT',
    purpose: "Sends locally generated packets through Istio's raw ISTIO_OUTPUT chain (DNS conntrack zone).",
    consequence:
      "ztunnel's upstream DNS queries land in the wrong conntrack zone: intermittent DNS failures or mis-NATed answers",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'R3',
    table: 'raw',
    chain: OUTPUT,
    isJump: false,
    template: `-A ${OUTPUT} -p udp -m mark --mark {ztunnelMark} -m udp --dport ${dns} -j CT --zone 1`,
    title: "ztunnel's upstream DNS queries → conntrack zone 1",
    purpose:
      'Puts DNS packets between the proxy and upstream servers in their own conntrack zone to avoid port collisions (istio/istio#33469).',
    consequence:
      "queries and answers land in different conntrack zones: ztunnel's upstream DNS answers are likely dropped or mis-NATed",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'R4',
    table: 'raw',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -p udp -m mark ! --mark {ztunnelMark} -m udp --sport ${dns} -j CT --zone 1`,
    title: 'upstream DNS answers → conntrack zone 1',
    purpose: 'The return half of the DNS conntrack-zone pair: upstream DNS answers join zone 1.',
    consequence:
      "queries and answers land in different conntrack zones: ztunnel's upstream DNS answers are likely dropped or mis-NATed",
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.24.0 … ${current} (DNS capture on)` },
  },
  {
    id: 'T1',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -s {probe} -p tcp -m tcp -j ACCEPT`,
    title: 'let kubelet probes through (TPROXY generation)',
    purpose: 'TPROXY generation: kubelet probes (SNATed to the probe address) skip the TPROXY rules below.',
    consequence:
      'kubelet probes are sent to ztunnel and get mesh policy; with STRICT mTLS they fail and the pod goes unready',
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: {
      file: iptablesGo,
      version: '1.21.0 … 1.23.6 (default), 1.24.x (AMBIENT_TPROXY_REDIRECTION=true)',
    },
  },
  {
    id: 'T2',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} ! -d {loopback} -i lo -p tcp -j ACCEPT`,
    title: 'let looped-back traffic through (TPROXY generation)',
    purpose:
      'TPROXY generation: TCP arriving over lo for a non-loopback address (e.g. the app calling its own pod IP) is not intercepted.',
    consequence: "the app's calls to itself over lo are intercepted by ztunnel",
    missingSeverity: 'warning',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: '1.21.0 … 1.23.6 (default), 1.24.x (opt-in)' },
  },
  {
    id: 'T3',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -p tcp -m tcp --dport ${hbone} -m mark ! --mark {ztunnelMark} -j TPROXY --on-port ${hbone} --on-ip 0.0.0.0 --tproxy-mark {connectionMark}`,
    title: 'HBONE → ztunnel 15008 (TPROXY)',
    purpose:
      "TPROXY generation: inbound HBONE goes to ztunnel's transparent 15008 socket and is tagged with the connection mark.",
    consequence:
      'inbound HBONE (mTLS) traffic is not delivered to ztunnel and mesh traffic to this pod fails',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: '1.21.0 … 1.23.6 (default), 1.24.x (opt-in)' },
  },
  {
    id: 'T4',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} -p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    title: 'existing flows skip TPROXY',
    purpose: 'TPROXY generation: packets of established flows are accepted before the plaintext TPROXY.',
    consequence: 'packets of established connections are intercepted again by the plaintext TPROXY and break',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: '1.21.0 … 1.23.6 (default), 1.24.x (opt-in)' },
  },
  {
    id: 'T5',
    table: 'mangle',
    chain: PRERT,
    isJump: false,
    template: `-A ${PRERT} ! -d {loopback} -p tcp -m mark ! --mark {ztunnelMark} -j TPROXY --on-port ${inPlain} --on-ip 0.0.0.0 --tproxy-mark {connectionMark}`,
    title: 'inbound plaintext → ztunnel 15006 (TPROXY)',
    purpose: "TPROXY generation: inbound plaintext TCP goes to ztunnel's transparent 15006 socket.",
    consequence: 'inbound plaintext traffic bypasses ztunnel: no policy, no telemetry',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: '1.21.0 … 1.23.6 (default), 1.24.x (opt-in)' },
  },
  {
    id: 'H1',
    table: 'nat',
    chain: 'POSTROUTING',
    isJump: true,
    template: `-A POSTROUTING -j ${POSTRT}`,
    title: 'jump into host ISTIO_POSTRT (first in POSTROUTING since 1.27)',
    purpose:
      "Sends the node's outgoing connections through ISTIO_POSTRT, which SNATs kubelet probes to the probe address.",
    consequence:
      'kubelet probes reach ambient pods with the node IP as source, are captured by ztunnel like any inbound traffic and may fail under mesh policy',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current} (-I POSTROUTING 1 since 1.27, #56414)` },
  },
  {
    id: 'H2',
    table: 'nat',
    chain: POSTRT,
    isJump: false,
    template: `-A ${POSTRT} -p tcp -m owner --socket-exists -m set --match-set {probeIpset} dst -j SNAT --to-source {snatAddress}`,
    title: 'SNAT kubelet probes to the probe address',
    purpose:
      'Tells kubelet probes (a local socket exists) apart from kube-proxy-forwarded traffic and SNATs them to the probe address, which the pod lets through.',
    consequence:
      'kubelet probes are captured by ztunnel like any inbound traffic and may fail under mesh policy',
    missingSeverity: 'error',
    evidence: 'source+inferred',
    source: { file: iptablesGo, version: `1.21.0 … ${current}` },
  },
];

/** Every catalogue entry by id. */
export const ruleCatalogue: ReadonlyMap<RuleId, CatalogueEntry> = new Map(entries.map((e) => [e.id, e]));

/** The entries in catalogue order. */
export const catalogueEntries: readonly CatalogueEntry[] = entries;

/** The entry for an id (every RuleId has one). */
export function catalogueEntry(id: RuleId): CatalogueEntry {
  const entry = ruleCatalogue.get(id);
  if (!entry) throw new Error(`unknown Istio rule id ${id}`);
  return entry;
}

/** Values a template's placeholders are filled with. */
export type TemplateValues = Readonly<Record<TemplateVariable, string>>;

/** Fills a template's placeholders; unknown placeholders stay as written. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? values[name as TemplateVariable] : whole,
  );
}
