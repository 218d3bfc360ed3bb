import { parseUnsigned } from './numbers';
import { addressTypes } from '../netfilter/matches';

/**
 * Value normalisations iptables-save applies, as data. Each table names where it comes from; every
 * function returns undefined when it cannot decide, and the caller then keeps the text as written.
 */

/** Debian 12 /etc/services entries iptables resolves most often in rule files (netbase 6.4). */
const serviceNames: Readonly<Record<string, number>> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap2: 143,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  postgresql: 5432,
};

export function parsePort(text: string): number | undefined {
  const service = serviceNames[text.toLowerCase()];
  if (service !== undefined) return service;
  return /^[0-9]+$/.test(text) ? parseUnsigned(text, 0xffff) : undefined;
}

/**
 * A tcp/udp `--sport`/`--dport` value as libxt_tcp's save prints it: `a:b`, open ends filled with
 * 0 and 65535, `a:a` collapsed to `a` (observed: `1024:` → `1024:65535`, `:1024` → `0:1024`).
 */
export function canonicalPortRange(text: string): { from: number; to: number; text: string } | undefined {
  const parts = text.split(':');
  if (parts.length > 2) return undefined;
  const from = parts[0] === '' ? 0 : parsePort(parts[0] ?? '');
  const to = parts.length === 1 ? from : parts[1] === '' ? 0xffff : parsePort(parts[1] ?? '');
  if (from === undefined || to === undefined) return undefined;
  return { from, to, text: from === to ? String(from) : `${from}:${to}` };
}

/** A multiport list: each entry a port or `a:b`, service names resolved. */
export function canonicalPortList(text: string): string | undefined {
  const out: string[] = [];
  for (const entry of text.split(',')) {
    const range = canonicalPortRange(entry);
    if (!range) return undefined;
    out.push(range.from === range.to ? String(range.from) : `${range.from}:${range.to}`);
  }
  return out.join(',');
}

/**
 * Words of a comma list printed in bit order, as libxt_conntrack's print_state and libxt_addrtype's
 * print_types do (observed: `ESTABLISHED,RELATED,NEW,INVALID` → `INVALID,NEW,RELATED,ESTABLISHED`).
 */
export function sortByOrder(text: string, order: readonly string[]): string | undefined {
  const words = text.split(',').map((w) => w.toUpperCase());
  if (words.some((w) => !order.includes(w))) return undefined;
  return order.filter((w) => words.includes(w)).join(',');
}

/** xt_conntrack state bits in print order (libxt_conntrack.c, print_state). */
export const ctstateOrder = [
  'INVALID',
  'NEW',
  'RELATED',
  'ESTABLISHED',
  'UNTRACKED',
  'SNAT',
  'DNAT',
] as const;

/** RTN_* route types in bit order (libxt_addrtype.c, rtn_names): the knowledge base's list is in that order. */
export const addrtypeOrder = addressTypes;

/** TCP flag names in bit order; `ALL` and `NONE` are shorthands (libxt_tcp.c, tcp_flag_names). */
const tcpFlagBits: Readonly<Record<string, number>> = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ALL: 0x3f,
  NONE: 0,
};
const tcpFlagPrintOrder = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] as const;

/** `SYN,ACK,FIN` → `FIN,SYN,ACK`; `ALL` → every flag; an empty set prints as `NONE` (libxt_tcp print_tcpf). */
export function canonicalTcpFlags(text: string): string | undefined {
  let bits = 0;
  for (const word of text.split(',')) {
    const bit = tcpFlagBits[word.toUpperCase()];
    if (bit === undefined) return undefined;
    bits |= bit;
  }
  const names = tcpFlagPrintOrder.filter((name) => (bits & (tcpFlagBits[name] ?? 0)) !== 0);
  return names.length === 0 ? 'NONE' : names.join(',');
}

/** What `--syn` stands for (libxt_tcp.c; printed this way by iptables-save). */
export const synFlags = { mask: 'FIN,SYN,RST,ACK', comp: 'SYN' } as const;

/** ICMP type names accepted by `--icmp-type` (iptables libipt_icmp.c, icmp_codes): name → `type[/code]`. */
const icmpTypes: Readonly<Record<string, string>> = {
  'echo-reply': '0',
  pong: '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'source-route-failed': '3/5',
  'network-unknown': '3/6',
  'host-unknown': '3/7',
  'network-prohibited': '3/9',
  'host-prohibited': '3/10',
  'tos-network-unreachable': '3/11',
  'tos-host-unreachable': '3/12',
  'communication-prohibited': '3/13',
  'host-precedence-violation': '3/14',
  'precedence-cutoff': '3/15',
  'source-quench': '4',
  redirect: '5',
  'network-redirect': '5/0',
  'host-redirect': '5/1',
  'tos-network-redirect': '5/2',
  'tos-host-redirect': '5/3',
  'echo-request': '8',
  ping: '8',
  'router-advertisement': '9',
  'router-solicitation': '10',
  'time-exceeded': '11',
  'ttl-exceeded': '11',
  'ttl-zero-during-transit': '11/0',
  'ttl-zero-during-reassembly': '11/1',
  'parameter-problem': '12',
  'ip-header-bad': '12/0',
  'required-option-missing': '12/1',
  'timestamp-request': '13',
  'timestamp-reply': '14',
  'address-mask-request': '17',
  'address-mask-reply': '18',
};

/** ICMPv6 type names accepted by `--icmpv6-type` (iptables libip6t_icmp6.c, icmpv6_codes). */
const icmpv6Types: Readonly<Record<string, string>> = {
  'destination-unreachable': '1',
  'no-route': '1/0',
  'communication-prohibited': '1/1',
  'beyond-scope': '1/2',
  'address-unreachable': '1/3',
  'port-unreachable': '1/4',
  'failed-policy': '1/5',
  'reject-route': '1/6',
  'packet-too-big': '2',
  'time-exceeded': '3',
  'ttl-exceeded': '3',
  'ttl-zero-during-transit': '3/0',
  'ttl-zero-during-reassembly': '3/1',
  'parameter-problem': '4',
  'bad-header': '4/0',
  'unknown-header-type': '4/1',
  'unknown-option': '4/2',
  'echo-request': '128',
  ping: '128',
  'echo-reply': '129',
  pong: '129',
  'mld-listener-query': '130',
  'mld-listener-report': '131',
  'mld-listener-done': '132',
  'mld-listener-reduction': '132',
  'router-solicitation': '133',
  'router-advertisement': '134',
  'neighbour-solicitation': '135',
  'neighbor-solicitation': '135',
  'neighbour-advertisement': '136',
  'neighbor-advertisement': '136',
  redirect: '137',
};

/**
 * `echo-request` → `8`, `3/1` kept, `any` kept (observed with iptables-save 1.8.9). A numeric
 * `type/code` is printed with decimal numbers.
 */
export function canonicalIcmpType(text: string, family: 4 | 6): string | undefined {
  const lower = text.toLowerCase();
  if (lower === 'any' && family === 4) return 'any';
  const named = (family === 4 ? icmpTypes : icmpv6Types)[lower];
  if (named !== undefined) return named;
  const match = /^([0-9]+)(?:\/([0-9]+))?$/.exec(text);
  if (!match) return undefined;
  const type = parseUnsigned(match[1] ?? '', 0xff);
  const code = match[2] === undefined ? undefined : parseUnsigned(match[2], 0xff);
  if (type === undefined || (match[2] !== undefined && code === undefined)) return undefined;
  return code === undefined ? String(type) : `${type}/${code}`;
}

/**
 * Protocol names as iptables-save prints them (xtables_chain_protos, then Debian 12 /etc/protocols):
 * numbers become names (`-p 6` → `-p tcp`), `icmpv6` becomes `ipv6-icmp`.
 */
const protocolNames: Readonly<Record<string, string>> = {
  '0': 'all',
  '1': 'icmp',
  '2': 'igmp',
  '4': 'ipencap',
  '6': 'tcp',
  '17': 'udp',
  '33': 'dccp',
  '41': 'ipv6',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'ipv6-icmp',
  '132': 'sctp',
  '135': 'mh',
  '136': 'udplite',
  icmpv6: 'ipv6-icmp',
};

/**
 * `--ctproto` as libxt_conntrack's save prints it: the protocol number (observed: `--ctproto tcp` →
 * `--ctproto 6`). Undefined for a name outside the table.
 */
export function protocolNumber(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (/^[0-9]+$/.test(lower)) return String(Number(lower));
  const canonical = protocolNames[lower] ?? lower;
  return Object.keys(protocolNames).find((k) => /^[0-9]+$/.test(k) && protocolNames[k] === canonical);
}

export function canonicalProtocol(text: string): string {
  const lower = text.toLowerCase();
  return protocolNames[lower] ?? lower;
}

/** REJECT `--reject-with` short forms → the names iptables-save prints (libipt_REJECT.c, libip6t_REJECT.c). */
const rejectAliases: Readonly<Record<string, string>> = {
  'net-unreach': 'icmp-net-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'net-prohib': 'icmp-net-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
  'tcp-rst': 'tcp-reset',
};
const reject6Aliases: Readonly<Record<string, string>> = {
  'no-route': 'icmp6-no-route',
  'adm-prohibited': 'icmp6-adm-prohibited',
  'addr-unreach': 'icmp6-addr-unreachable',
  'port-unreach': 'icmp6-port-unreachable',
  'tcp-rst': 'tcp-reset',
};

export function canonicalRejectType(text: string, family: 4 | 6): string {
  return (family === 4 ? rejectAliases : reject6Aliases)[text] ?? text;
}

/** The type REJECT uses when none is given (iptables-extensions(8), REJECT). */
export function defaultRejectType(family: 4 | 6): string {
  return family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable';
}

/** syslog level names accepted by LOG `--log-level` (libxt_LOG.c, log_names); 4 is the default. */
const logLevels: Readonly<Record<string, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
export const defaultLogLevel = 4;

export function parseLogLevel(text: string): number | undefined {
  return logLevels[text.toLowerCase()] ?? parseUnsigned(text, 7);
}

/** XT_LIMIT_SCALE and the units of libxt_limit.c. */
const limitScale = 10000;
const limitUnits: readonly {
  readonly names: readonly string[];
  readonly name: string;
  readonly seconds: number;
}[] = [
  { names: ['day'], name: 'day', seconds: 86400 },
  { names: ['hour'], name: 'hour', seconds: 3600 },
  { names: ['minute'], name: 'min', seconds: 60 },
  { names: ['second'], name: 'sec', seconds: 1 },
];

/**
 * A `--limit` rate as libxt_limit's print_rate shows it: the kernel stores a period in 1/10000 s
 * units, and the save picks the coarsest unit that still represents it (observed: `10/s` → `10/sec`,
 * `60/min` → `1/sec`). Units may be abbreviated to any prefix of second/minute/hour/day, and the
 * unit defaults to seconds (parse_rate uses strncasecmp).
 */
export function canonicalLimitRate(text: string): string | undefined {
  const match = /^([0-9]+)(?:\/([a-z]+))?$/i.exec(text);
  if (!match) return undefined;
  const count = parseUnsigned(match[1] ?? '');
  if (count === undefined || count === 0) return undefined;
  const unitText = (match[2] ?? 'second').toLowerCase();
  const unit = limitUnits.find((u) => (u.names[0] ?? '').startsWith(unitText));
  if (!unit) return undefined;
  const period = Math.floor((unit.seconds * limitScale) / count);
  if (period === 0) return undefined;
  let i = 1;
  for (; i < limitUnits.length; i++) {
    const mult = (limitUnits[i]?.seconds ?? 1) * limitScale;
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  const chosen = limitUnits[i - 1];
  if (!chosen) return undefined;
  return `${Math.floor((chosen.seconds * limitScale) / period)}/${chosen.name}`;
}

/** libxt_limit's default burst, omitted by iptables-save. */
export const defaultLimitBurst = 5;
