/** An ICMP type, optionally narrowed to one code. */
export interface IcmpTypeEntry {
  readonly type: number;
  readonly code?: number;
}

/**
 * ICMP type names accepted by `--icmp-type` (iptables 1.8.9 extensions/libxt_icmp.c, as listed by
 * `iptables -p icmp -h`). `any` is type 255, which the kernel treats as "every type".
 */
export const icmpTypes: Readonly<Record<string, IcmpTypeEntry>> = {
  any: { type: 255 },
  'echo-reply': { type: 0 },
  pong: { type: 0 },
  'destination-unreachable': { type: 3 },
  'network-unreachable': { type: 3, code: 0 },
  'host-unreachable': { type: 3, code: 1 },
  'protocol-unreachable': { type: 3, code: 2 },
  'port-unreachable': { type: 3, code: 3 },
  'fragmentation-needed': { type: 3, code: 4 },
  'source-route-failed': { type: 3, code: 5 },
  'network-unknown': { type: 3, code: 6 },
  'host-unknown': { type: 3, code: 7 },
  'network-prohibited': { type: 3, code: 9 },
  'host-prohibited': { type: 3, code: 10 },
  'TOS-network-unreachable': { type: 3, code: 11 },
  'TOS-host-unreachable': { type: 3, code: 12 },
  'communication-prohibited': { type: 3, code: 13 },
  'host-precedence-violation': { type: 3, code: 14 },
  'precedence-cutoff': { type: 3, code: 15 },
  'source-quench': { type: 4 },
  redirect: { type: 5 },
  'network-redirect': { type: 5, code: 0 },
  'host-redirect': { type: 5, code: 1 },
  'TOS-network-redirect': { type: 5, code: 2 },
  'TOS-host-redirect': { type: 5, code: 3 },
  'echo-request': { type: 8 },
  ping: { type: 8 },
  'router-advertisement': { type: 9 },
  'router-solicitation': { type: 10 },
  'time-exceeded': { type: 11 },
  'ttl-exceeded': { type: 11 },
  'ttl-zero-during-transit': { type: 11, code: 0 },
  'ttl-zero-during-reassembly': { type: 11, code: 1 },
  'parameter-problem': { type: 12 },
  'ip-header-bad': { type: 12, code: 0 },
  'required-option-missing': { type: 12, code: 1 },
  'timestamp-request': { type: 13 },
  'timestamp-reply': { type: 14 },
  'address-mask-request': { type: 17 },
  'address-mask-reply': { type: 18 },
};

/**
 * ICMPv6 type names accepted by `--icmpv6-type` (iptables 1.8.9 extensions/libip6t_icmp6.c, as
 * listed by `ip6tables -p ipv6-icmp -m icmp6 -h`).
 */
export const icmpv6Types: Readonly<Record<string, IcmpTypeEntry>> = {
  'destination-unreachable': { type: 1 },
  'no-route': { type: 1, code: 0 },
  'communication-prohibited': { type: 1, code: 1 },
  'beyond-scope': { type: 1, code: 2 },
  'address-unreachable': { type: 1, code: 3 },
  'port-unreachable': { type: 1, code: 4 },
  'failed-policy': { type: 1, code: 5 },
  'reject-route': { type: 1, code: 6 },
  'packet-too-big': { type: 2 },
  'time-exceeded': { type: 3 },
  'ttl-exceeded': { type: 3 },
  'ttl-zero-during-transit': { type: 3, code: 0 },
  'ttl-zero-during-reassembly': { type: 3, code: 1 },
  'parameter-problem': { type: 4 },
  'bad-header': { type: 4, code: 0 },
  'unknown-header-type': { type: 4, code: 1 },
  'unknown-option': { type: 4, code: 2 },
  'echo-request': { type: 128 },
  ping: { type: 128 },
  'echo-reply': { type: 129 },
  pong: { type: 129 },
  'router-solicitation': { type: 133 },
  'router-advertisement': { type: 134 },
  'neighbour-solicitation': { type: 135 },
  'neighbor-solicitation': { type: 135 },
  'neighbour-advertisement': { type: 136 },
  'neighbor-advertisement': { type: 136 },
  redirect: { type: 137 },
};
