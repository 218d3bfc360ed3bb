/**
 * Data for the mutation suite (mutations.test.ts).
 *
 * `ruleLabels` names the lines of Istio's renderings by the reference ids of istio-ambient.md §3–§4, with
 * regular expressions written from that document (not from our recogniser), so the suite can say which
 * swaps are harmless without asking the code under test. A label may capture the virtual interface.
 *
 * `noEffectSwaps` lists the swaps of two rules of one chain that provably change no packet's fate,
 * each with its reason (iptables-format.md §12 semantics). Every swap not listed here must be flagged.
 * Swapping lines of *different* chains is not generated at all: each `-A` line names its chain, so the
 * relative order of lines of different chains means nothing (istio-ambient.md §10).
 */

export interface RuleLabel {
  readonly id: string;
  readonly table: string;
  readonly pattern: RegExp;
}

const addr = '\\S+';

export const ruleLabels: readonly RuleLabel[] = [
  { id: 'M1', table: 'mangle', pattern: /^-A PREROUTING -j ISTIO_PRERT$/ },
  { id: 'M2', table: 'mangle', pattern: /^-A OUTPUT -j ISTIO_OUTPUT$/ },
  { id: 'M3', table: 'mangle', pattern: /^-A ISTIO_PRERT -m mark --mark \S+ -j CONNMARK --set-xmark \S+$/ },
  {
    id: 'M4',
    table: 'mangle',
    pattern: /^-A ISTIO_OUTPUT -m connmark --mark \S+ -j CONNMARK --restore-mark /,
  },
  { id: 'N1', table: 'nat', pattern: /^-A PREROUTING -j ISTIO_PRERT$/ },
  { id: 'N2', table: 'nat', pattern: /^-A OUTPUT -j ISTIO_OUTPUT$/ },
  { id: 'N3', table: 'nat', pattern: /^-A ISTIO_PRERT -i (\S+) -p tcp -j REDIRECT --to-ports \d+$/ },
  { id: 'N4', table: 'nat', pattern: /^-A ISTIO_PRERT -i (\S+) -p tcp -j RETURN$/ },
  { id: 'N5', table: 'nat', pattern: new RegExp(`^-A ISTIO_PRERT -s ${addr} -p tcp -m tcp -j ACCEPT$`) },
  {
    id: 'N6',
    table: 'nat',
    pattern: /^-A ISTIO_PRERT ! -d \S+ -p tcp -m tcp ! --dport \d+ -m mark ! --mark \S+ -j REDIRECT/,
  },
  { id: 'N7', table: 'nat', pattern: new RegExp(`^-A ISTIO_OUTPUT -d ${addr} -p tcp -m tcp -j ACCEPT$`) },
  {
    id: 'N8',
    table: 'nat',
    pattern: /^-A ISTIO_OUTPUT ! -o lo -p udp -m mark ! --mark \S+ -m udp --dport \d+ -j REDIRECT/,
  },
  {
    id: 'N9',
    table: 'nat',
    pattern: /^-A ISTIO_OUTPUT ! -d \S+ -p tcp -m tcp --dport \d+ -m mark ! --mark \S+ -j REDIRECT/,
  },
  { id: 'N10', table: 'nat', pattern: /^-A ISTIO_OUTPUT -p tcp -m mark --mark \S+ -j ACCEPT$/ },
  { id: 'N11', table: 'nat', pattern: /^-A ISTIO_OUTPUT ! -d \S+ -o lo -j ACCEPT$/ },
  { id: 'N12', table: 'nat', pattern: /^-A ISTIO_OUTPUT ! -d \S+ -p tcp -m mark ! --mark \S+ -j REDIRECT/ },
  { id: 'R1', table: 'raw', pattern: /^-A PREROUTING -j ISTIO_PRERT$/ },
  { id: 'R2', table: 'raw', pattern: /^-A OUTPUT -j ISTIO_OUTPUT$/ },
  {
    id: 'R3',
    table: 'raw',
    pattern: /^-A ISTIO_OUTPUT -p udp -m mark --mark \S+ -m udp --dport \d+ -j CT --zone 1$/,
  },
  {
    id: 'R4',
    table: 'raw',
    pattern: /^-A ISTIO_PRERT -p udp -m mark ! --mark \S+ -m udp --sport \d+ -j CT --zone 1$/,
  },
  { id: 'H1', table: 'nat', pattern: /^-A POSTROUTING -j ISTIO_POSTRT$/ },
  { id: 'H2', table: 'nat', pattern: /^-A ISTIO_POSTRT -p tcp -m owner --socket-exists -m set --match-set / },
];

/** Labels a rule line: `N3(fake1s0f0)` for per-interface rules, else the id. */
export function labelOf(table: string, line: string): string | undefined {
  for (const l of ruleLabels) {
    if (l.table !== table) continue;
    const m = l.pattern.exec(line);
    if (m) return m[1] ? `${l.id}(${m[1]})` : l.id;
  }
  return undefined;
}

export interface NoEffectSwap {
  /** The two labels, in their original (canonical) order. */
  readonly pair: readonly [string, string];
  /** The labels of the rules between them in the original chain (the swap moves both past these). */
  readonly between: readonly string[];
  readonly reason: string;
}

export const noEffectSwaps: readonly NoEffectSwap[] = [
  {
    pair: ['N7', 'N8'],
    between: [],
    reason: 'N7 matches only TCP (-p tcp), N8 only UDP (-p udp): no packet matches both.',
  },
  {
    pair: ['N8', 'N9'],
    between: [],
    reason: 'N8 matches only UDP, N9 only TCP: no packet matches both.',
  },
  {
    pair: ['N7', 'N10'],
    between: [],
    reason:
      'Both ACCEPT and nothing lies between them: a packet matching either is accepted in either order.',
  },
  {
    pair: ['N10', 'N11'],
    between: [],
    reason:
      'Both ACCEPT and nothing lies between them: a packet matching either is accepted in either order.',
  },
  {
    pair: ['N7', 'N11'],
    between: ['N10'],
    reason: 'N7, N10 and N11 are all ACCEPT: a packet matching any of them is accepted whatever their order.',
  },
  {
    pair: ['N4(fake1s0f0)', 'N3(fake1s0f1)'],
    between: [],
    reason:
      "Different -i interfaces (disjoint traffic), and each interface's REDIRECT still precedes its own RETURN after the swap.",
  },
];

/** The listed no-effect swap for two labels with the given rules between them, if any. */
export function findNoEffectSwap(a: string, b: string, between: readonly string[]): NoEffectSwap | undefined {
  return noEffectSwaps.find(
    (s) => s.pair[0] === a && s.pair[1] === b && s.between.join(',') === between.join(','),
  );
}

/** The current ambient renderings the suite mutates (IPv4 and IPv6, every variant, plus the node rules). */
export const mutatedFixtures: readonly string[] = [
  'ambient/rendered/default.iptables-nft-save.txt',
  'ambient/rendered/default_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/default_ipv6.default-snat-addr.ip6tables-nft-save.txt',
  'ambient/rendered/dns_pod_disabled_and_on_globally.iptables-nft-save.txt',
  'ambient/rendered/dns_pod_disabled_and_on_globally_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/dns_pod_enabled_and_off_globally.iptables-nft-save.txt',
  'ambient/rendered/dns_pod_enabled_and_off_globally_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/ingress.iptables-nft-save.txt',
  'ambient/rendered/ingress_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/virtual_interfaces.iptables-nft-save.txt',
  'ambient/rendered/virtual_interfaces_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/ingress_and_virtual_interfaces.iptables-nft-save.txt',
  'ambient/rendered/ingress_and_virtual_interfaces_ipv6.ip6tables-nft-save.txt',
  'ambient/rendered/hostprobe.iptables-nft-save.txt',
  'ambient/rendered/hostprobe_ipv6.ip6tables-nft-save.txt',
  // The iptables-legacy renderings: identical rule lines, but the tables in another order (raw, nat, mangle).
  'ambient/rendered/default.iptables-legacy-save.txt',
  'ambient/rendered/default_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/dns_pod_disabled_and_on_globally.iptables-legacy-save.txt',
  'ambient/rendered/dns_pod_disabled_and_on_globally_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/dns_pod_enabled_and_off_globally.iptables-legacy-save.txt',
  'ambient/rendered/dns_pod_enabled_and_off_globally_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/ingress.iptables-legacy-save.txt',
  'ambient/rendered/ingress_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/virtual_interfaces.iptables-legacy-save.txt',
  'ambient/rendered/virtual_interfaces_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/ingress_and_virtual_interfaces.iptables-legacy-save.txt',
  'ambient/rendered/ingress_and_virtual_interfaces_ipv6.ip6tables-legacy-save.txt',
  'ambient/rendered/hostprobe.iptables-legacy-save.txt',
  'ambient/rendered/hostprobe_ipv6.ip6tables-legacy-save.txt',
];

/**
 * Deletions whose quick fix cannot give back the original bytes, because the deleted line held the only
 * copy of a value: in the ingress-mode IPv6 goldens the probe address (a random test value, e9ac:…) appears
 * only in N7. The fix then inserts the rule with Istio's default probe address, which the test checks.
 */
export const unrecoverableDeletions: readonly {
  readonly fixture: string;
  readonly label: string;
  readonly inserted: string;
  readonly reason: string;
}[] = [
  {
    fixture: 'ambient/rendered/ingress_ipv6.ip6tables-nft-save.txt',
    label: 'N7',
    inserted: '-A ISTIO_OUTPUT -d fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128 -p tcp -m tcp -j ACCEPT',
    reason: 'No other rule carries the probe address in ingress mode (N5 is absent), so the default is used.',
  },
  {
    fixture: 'ambient/rendered/ingress_and_virtual_interfaces_ipv6.ip6tables-nft-save.txt',
    label: 'N7',
    inserted: '-A ISTIO_OUTPUT -d fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128 -p tcp -m tcp -j ACCEPT',
    reason: 'No other rule carries the probe address in ingress mode (N5 is absent), so the default is used.',
  },
  {
    fixture: 'ambient/rendered/ingress_ipv6.ip6tables-legacy-save.txt',
    label: 'N7',
    inserted: '-A ISTIO_OUTPUT -d fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128 -p tcp -m tcp -j ACCEPT',
    reason: 'No other rule carries the probe address in ingress mode (N5 is absent), so the default is used.',
  },
  {
    fixture: 'ambient/rendered/ingress_and_virtual_interfaces_ipv6.ip6tables-legacy-save.txt',
    label: 'N7',
    inserted: '-A ISTIO_OUTPUT -d fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128 -p tcp -m tcp -j ACCEPT',
    reason: 'No other rule carries the probe address in ingress mode (N5 is absent), so the default is used.',
  },
];

/**
 * The order of the virtual-interface pairs comes from the pod annotation, which a dump does not record.
 * After a swap that mixes two interfaces' rules, restoring Istio's order may legitimately put either
 * interface's pair first; the test accepts the original with the two pairs exchanged in that case.
 */
export const interfacePairOrderIsUnknowable = true;
