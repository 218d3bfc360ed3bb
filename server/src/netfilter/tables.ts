import type { Hook, TableName, TableSpec } from './spec';

/**
 * The five iptables tables, their builtin chains in hook order and the hook priorities.
 * Sources: iptables(8) "TABLES"; priorities from the UAPI header linux/netfilter_ipv4.h
 * (NF_IP_PRI_RAW −300, MANGLE −150, NAT_DST −100, FILTER 0, SECURITY 50, NAT_SRC 100).
 */
export const tables: readonly TableSpec[] = [
  {
    name: 'raw',
    chains: ['PREROUTING', 'OUTPUT'],
    priority: { PREROUTING: -300, OUTPUT: -300 },
    summary:
      'Runs before connection tracking; used to exempt packets from it (`NOTRACK`, `CT`) and for `TRACE`.',
    source: 'iptables(8) TABLES; linux/netfilter_ipv4.h NF_IP_PRI_RAW',
  },
  {
    name: 'mangle',
    chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    priority: { PREROUTING: -150, INPUT: -150, FORWARD: -150, OUTPUT: -150, POSTROUTING: -150 },
    summary: 'Packet alteration: packet and connection marks, `TPROXY`, TOS/TTL changes.',
    source: 'iptables(8) TABLES; linux/netfilter_ipv4.h NF_IP_PRI_MANGLE',
  },
  {
    name: 'nat',
    chains: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    priority: { PREROUTING: -100, OUTPUT: -100, INPUT: 100, POSTROUTING: 100 },
    summary:
      'Address translation. Consulted only for the first packet of a connection; the binding is kept in conntrack.',
    source: 'iptables(8) TABLES; linux/netfilter_ipv4.h NF_IP_PRI_NAT_DST / NF_IP_PRI_NAT_SRC',
  },
  {
    name: 'filter',
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
    priority: { INPUT: 0, FORWARD: 0, OUTPUT: 0 },
    summary: 'The default table: packet filtering.',
    source: 'iptables(8) TABLES; linux/netfilter_ipv4.h NF_IP_PRI_FILTER',
  },
  {
    name: 'security',
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
    priority: { INPUT: 50, FORWARD: 50, OUTPUT: 50 },
    summary: 'Mandatory access control (SECMARK/CONNSECMARK); runs after filter.',
    source: 'iptables(8) TABLES; linux/netfilter_ipv4.h NF_IP_PRI_SECURITY',
  },
];

const tablesByName = new Map<string, TableSpec>(tables.map((t) => [t.name, t]));

/** The table spec for a name, or undefined for anything that is not one of the five builtin tables. */
export function findTable(name: string): TableSpec | undefined {
  return tablesByName.get(name);
}

/** Whether `name` is a builtin chain of `table`. */
export function isBuiltinChain(table: string, name: string): name is Hook {
  const spec = tablesByName.get(table);
  return spec !== undefined && (spec.chains as readonly string[]).includes(name);
}

/** Every builtin table name. */
export const tableNames: readonly TableName[] = tables.map((t) => t.name);

/**
 * Levels of user chains nf_tables follows below a builtin chain (NFT_JUMP_STACK_SIZE is 16 stack
 * slots, the builtin chain's included). Observed with iptables-nft-restore 1.8.9 on Linux 6.18:
 * 15 nested user chains load, a 16th fails with "Too many links"; iptables-legacy has no such limit.
 */
export const nftMaxJumpDepth = 15;
