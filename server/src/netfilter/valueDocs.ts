/**
 * Meanings of the fixed words that appear as option values: conntrack states and statuses, protocol
 * names and the loopback interface. Our own words; sources named per table.
 */

/** Conntrack states of `--ctstate` / `--state`. Source: iptables-extensions(8), "conntrack" and "state". */
export const ctstateDocs: Readonly<Record<string, string>> = {
  INVALID: 'The packet belongs to no known connection (conntrack could not classify it).',
  NEW: 'The packet starts a new connection, or belongs to one that has not seen traffic in both directions yet.',
  ESTABLISHED: 'The packet belongs to a connection that has seen packets in both directions.',
  RELATED: 'The packet starts a connection tied to an existing one (an FTP data channel, an ICMP error).',
  UNTRACKED: 'The packet is not tracked at all (exempted in the raw table with `CT --notrack` or `NOTRACK`).',
  SNAT: 'Virtual state: the original source differs from the reply destination (source NAT happened).',
  DNAT: 'Virtual state: the original destination differs from the reply source (destination NAT happened).',
};

/** Conntrack statuses of `--ctstatus`. Source: iptables-extensions(8), "conntrack". */
export const ctstatusDocs: Readonly<Record<string, string>> = {
  NONE: 'None of the statuses below.',
  EXPECTED: 'The connection was expected by a conntrack helper.',
  SEEN_REPLY: 'Packets have been seen in both directions.',
  ASSURED: 'The entry is assured: it will not be evicted early under table pressure.',
  CONFIRMED: 'The connection is confirmed: its first packet has left the stack.',
};

/** IP protocol numbers. Source: IANA "Assigned Internet Protocol Numbers" as listed in /etc/protocols (netbase). */
export const protocolNumbers: Readonly<Record<string, number>> = {
  all: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  dccp: 33,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
};

/** Full names of the protocols above. Source: /etc/protocols (netbase), iptables(8) `-p`. */
export const protocolNames: Readonly<Record<string, string>> = {
  all: 'every protocol (number 0); iptables-save leaves `-p all` out',
  icmp: 'Internet Control Message Protocol (IPv4)',
  igmp: 'Internet Group Management Protocol',
  tcp: 'Transmission Control Protocol',
  udp: 'User Datagram Protocol',
  dccp: 'Datagram Congestion Control Protocol',
  gre: 'Generic Routing Encapsulation',
  esp: 'IPsec Encapsulating Security Payload',
  ah: 'IPsec Authentication Header',
  'ipv6-icmp': 'ICMP for IPv6',
  icmpv6: 'ICMP for IPv6',
  sctp: 'Stream Control Transmission Protocol',
  udplite: 'UDP-Lite',
};

/** Interface names with a fixed meaning. Source: ip-link(8); the kernel creates `lo` in every network namespace. */
export const interfaceDocs: Readonly<Record<string, string>> = {
  lo: 'The loopback interface: traffic between sockets of this network namespace, including anything sent to a local address or redirected to 127.0.0.1 / ::1.',
};

/** Source: iptables(8) `-i`/`-o`. */
export const interfaceWildcardDoc =
  'A trailing `+` matches every interface whose name starts with the text before it; `+` alone matches any interface.';

/** Direction flags of `--match-set name flags`. Source: iptables-extensions(8), "set". */
export const setFlagDocs: Readonly<Record<string, string>> = {
  src: "the packet's source address (or port) is looked up",
  dst: "the packet's destination address (or port) is looked up",
};

/** TCP flag names `--tcp-flags` accepts; ALL and NONE are shorthands. Source: iptables-extensions(8), "tcp". */
export const tcpFlagNames = ['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH'] as const;
