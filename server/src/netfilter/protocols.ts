/**
 * Protocol names and numbers as /etc/protocols (Debian netbase) lists them, which is what `-p`
 * resolves through getprotobyname(3). iptables-save prints the name when one exists.
 */
export const protocolNumbers: Readonly<Record<string, number>> = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  'ax.25': 93,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  ethernet: 143,
};

/**
 * Names libxtables knows without /etc/protocols (`xtables_chain_protos`): `all` is 0 and
 * `icmpv6`/`ipv6-mh`/`mh` are accepted spellings.
 */
const builtinProtocols: Readonly<Record<string, number>> = {
  all: 0,
  icmpv6: 58,
  'ipv6-mh': 135,
  mh: 135,
};

const namesByNumber = new Map<number, string>();
for (const [name, num] of Object.entries(protocolNumbers)) {
  if (!namesByNumber.has(num) && num !== 0) namesByNumber.set(num, name);
}

/**
 * The canonical lower-case name for a `-p` value: names are case-insensitive, numbers map to the
 * /etc/protocols name, `0` and `all` give `all`. Undefined when the value is neither.
 */
export function normaliseProtocol(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (/^[0-9]+$/.test(lower)) {
    const num = Number(lower);
    if (num > 255) return undefined;
    if (num === 0) return 'all';
    return namesByNumber.get(num) ?? String(num);
  }
  if (lower in builtinProtocols) return lower === 'icmpv6' ? 'ipv6-icmp' : lower === 'mh' ? 'ipv6-mh' : lower;
  if (lower in protocolNumbers) return lower;
  return undefined;
}
