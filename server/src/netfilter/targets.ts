import type { OptionSpec, TargetSpec } from './spec';
import { option } from './define';

const src = (name: string): string => `iptables-extensions(8), "${name}"`;
/** Where the kernel's table/hook restriction of a target comes from. */
const kernel = (name: string): string =>
  `iptables-extensions(8), "${name}"; kernel net/netfilter (xt_${name} target registration)`;

/** Flag-style target options never take `!`. */
function flag(name: string, syntax: string, summary: string, extras: Partial<OptionSpec> = {}): OptionSpec {
  return option(name, 'flag', syntax, summary, { negatable: false, ...extras });
}

/** Valued target options never take `!`. */
function valued(
  name: string,
  value: OptionSpec['value'],
  syntax: string,
  summary: string,
  extras: Partial<OptionSpec> = {},
): OptionSpec {
  return option(name, value, syntax, summary, { negatable: false, ...extras });
}

/** IPv4 `--reject-with` types and their aliases (libipt_REJECT). */
export const rejectTypesV4: Readonly<Record<string, string>> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
};

/** IPv6 `--reject-with` types and their aliases (libip6t_REJECT). */
export const rejectTypesV6: Readonly<Record<string, string>> = {
  'icmp6-no-route': 'icmp6-no-route',
  'no-route': 'icmp6-no-route',
  'icmp6-adm-prohibited': 'icmp6-adm-prohibited',
  'adm-prohibited': 'icmp6-adm-prohibited',
  'icmp6-addr-unreachable': 'icmp6-addr-unreachable',
  'addr-unreach': 'icmp6-addr-unreachable',
  'icmp6-port-unreachable': 'icmp6-port-unreachable',
  'port-unreach': 'icmp6-port-unreachable',
  'icmp6-policy-fail': 'icmp6-policy-fail',
  'policy-fail': 'icmp6-policy-fail',
  'icmp6-reject-route': 'icmp6-reject-route',
  'reject-route': 'icmp6-reject-route',
  'tcp-reset': 'tcp-reset',
};

const markOps = (what: string): OptionSpec[] => [
  valued(
    'set-xmark',
    'mark',
    '--set-xmark value[/mask]',
    `Zero the mask bits of the ${what}, then XOR the value in: \`x = (x & ~mask) ^ value\`.`,
  ),
  valued(
    'set-mark',
    'mark',
    '--set-mark value[/mask]',
    `Zero the mask bits of the ${what}, then OR the value in (stored as set-xmark value/(value|mask)).`,
  ),
  valued('and-mark', 'number', '--and-mark bits', `Binary AND of the ${what} with bits.`),
  valued('or-mark', 'number', '--or-mark bits', `Binary OR of the ${what} with bits.`),
  valued('xor-mark', 'number', '--xor-mark bits', `Binary XOR of the ${what} with bits.`),
];

/**
 * Targets: the builtin verdicts and the extension targets of iptables-extensions(8) "TARGET
 * EXTENSIONS". `tables`/`hooks` are what the kernel enforces when the table is committed.
 */
export const targetSpecs: readonly TargetSpec[] = [
  {
    name: 'ACCEPT',
    options: [],
    termination: 'terminal',
    summary: 'Lets the packet through this table at this hook; later tables and hooks still see it.',
    source: 'iptables(8) TARGETS',
  },
  {
    name: 'DROP',
    // iptables itself refuses DROP in nat: "The nat table is not intended for filtering" (both backends, 1.8.9).
    tables: ['raw', 'mangle', 'filter', 'security'],
    options: [],
    termination: 'final',
    summary: 'Discards the packet silently.',
    source: 'iptables(8) TARGETS',
  },
  {
    name: 'RETURN',
    options: [],
    termination: 'return',
    summary: 'Back to the calling chain, after the calling rule; in a builtin chain the policy decides.',
    source: 'iptables(8) TARGETS',
  },
  {
    name: 'REJECT',
    // ipt_REJECT/ip6t_REJECT register for the filter table only: refused in mangle/raw/nat/security INPUT too (observed).
    tables: ['filter'],
    hooks: ['INPUT', 'FORWARD', 'OUTPUT'],
    termination: 'final',
    summary: 'Drops the packet and sends an error reply (default ICMP port unreachable).',
    source: kernel('REJECT'),
    options: [
      valued(
        'reject-with',
        'reject-type',
        '--reject-with type',
        'The reply to send: an ICMP(v6) error or `tcp-reset`.',
        {
          default: 'icmp-port-unreachable',
          valueRequiresProtocol: { 'tcp-reset': ['tcp'], 'tcp-rst': ['tcp'] },
        },
      ),
    ],
  },
  {
    name: 'LOG',
    termination: 'continue',
    summary: 'Logs the packet header to the kernel log and continues with the next rule.',
    source: src('LOG'),
    options: [
      valued(
        'log-level',
        'log-level',
        '--log-level level',
        'Syslog level, by name or number; default 4 (warning).',
        {
          default: '4',
        },
      ),
      valued(
        'log-prefix',
        'string',
        '--log-prefix prefix',
        'Text put before the message, at most 29 characters.',
      ),
      flag('log-tcp-sequence', '--log-tcp-sequence', 'Log TCP sequence numbers.'),
      flag('log-tcp-options', '--log-tcp-options', 'Log TCP header options.'),
      flag('log-ip-options', '--log-ip-options', 'Log IP header options.'),
      flag('log-uid', '--log-uid', 'Log the user id of the sending socket.'),
      flag('log-macdecode', '--log-macdecode', 'Decode the MAC addresses and protocol.'),
    ],
  },
  {
    name: 'NFLOG',
    termination: 'continue',
    summary: 'Passes the packet to a userspace logger over nfnetlink and continues.',
    source: src('NFLOG'),
    options: [
      valued('nflog-group', 'number', '--nflog-group nlgroup', 'Netlink group (0–65535); default 0.'),
      valued('nflog-prefix', 'string', '--nflog-prefix prefix', 'Message prefix, at most 64 characters.'),
      valued('nflog-range', 'number', '--nflog-range size', 'Has no effect; use --nflog-size.'),
      valued('nflog-size', 'number', '--nflog-size size', 'Bytes of the packet to copy.'),
      valued(
        'nflog-threshold',
        'number',
        '--nflog-threshold size',
        'Packets to queue in the kernel before sending.',
      ),
    ],
  },
  {
    name: 'MARK',
    termination: 'continue',
    summary:
      'Sets the packet mark (nfmark). For routing decisions it must be set in mangle PREROUTING or OUTPUT.',
    source: `${src('MARK')}; iptables extensions/libxt_MARK.c`,
    options: markOps('packet mark'),
  },
  {
    name: 'CONNMARK',
    termination: 'continue',
    summary: 'Sets the connection mark (ctmark), or copies between ctmark and nfmark.',
    source: `${src('CONNMARK')}; iptables extensions/libxt_CONNMARK.c`,
    options: [
      ...markOps('connection mark'),
      valued(
        'save-mark',
        'flag',
        '--save-mark [--nfmask nfmask] [--ctmask ctmask]',
        'Copy the packet mark into the connection mark: `ctmark = (ctmark & ~ctmask) ^ (nfmark & nfmask)`.',
        { args: 0 },
      ),
      valued(
        'restore-mark',
        'flag',
        '--restore-mark [--nfmask nfmask] [--ctmask ctmask]',
        'Copy the connection mark into the packet mark: `nfmark = (nfmark & ~nfmask) ^ (ctmark & ctmask)`. Mangle table only.',
        { args: 0 },
      ),
      valued(
        'nfmask',
        'number',
        '--nfmask mask',
        'Mask on the packet mark for save/restore; default 0xffffffff.',
      ),
      valued(
        'ctmask',
        'number',
        '--ctmask mask',
        'Mask on the connection mark for save/restore; default 0xffffffff.',
      ),
      valued('mask', 'number', '--mask mask', 'Sets both --nfmask and --ctmask.'),
      valued(
        'left-shift-mark',
        'number',
        '--left-shift-mark amount',
        'Shift the mark left before saving/restoring.',
      ),
      valued(
        'right-shift-mark',
        'number',
        '--right-shift-mark amount',
        'Shift the mark right before saving/restoring.',
      ),
    ],
  },
  {
    name: 'CT',
    tables: ['raw'],
    termination: 'continue',
    summary: 'Attaches a conntrack template to the packet: no tracking, a zone, a helper, a timeout policy.',
    source: kernel('CT'),
    options: [
      flag('notrack', '--notrack', 'Do not track the connection.'),
      valued('helper', 'string', '--helper name', 'Conntrack helper to use.'),
      valued('timeout', 'string', '--timeout name', 'Timeout policy to use.'),
      valued('ctevents', 'string', '--ctevents event[,...]', 'Conntrack events to generate.'),
      valued('expevents', 'string', '--expevents event[,...]', 'Expectation events to generate.'),
      valued(
        'zone',
        'string',
        '--zone {id|mark}',
        'Conntrack zone, a number or `mark` (taken from the packet mark).',
      ),
      valued('zone-orig', 'string', '--zone-orig {id|mark}', 'Zone for the original direction only.'),
      valued('zone-reply', 'string', '--zone-reply {id|mark}', 'Zone for the reply direction only.'),
    ],
  },
  {
    name: 'TPROXY',
    tables: ['mangle'],
    hooks: ['PREROUTING'],
    requiresProtocol: ['tcp', 'udp'],
    kernelRequiresProtocol: ['tcp', 'udp'],
    termination: 'terminal',
    summary:
      'Hands the packet to a local transparent socket without rewriting it, and marks it. Needs an `ip rule fwmark … lookup` with a local route to deliver it.',
    source: kernel('TPROXY'),
    options: [
      valued(
        'on-port',
        'number',
        '--on-port port',
        'Local port to deliver to; 0 keeps the destination port.',
        {
          required: true,
        },
      ),
      valued(
        'on-ip',
        'address',
        '--on-ip address',
        'Local address of the transparent socket to deliver to; by default the address of the interface the packet came in on (iptables-extensions(8), TPROXY). iptables-save prints `--on-ip 0.0.0.0` when none was given.',
      ),
      valued(
        'tproxy-mark',
        'mark',
        '--tproxy-mark value[/mask]',
        'Sets the packet mark like MARK --set-xmark.',
      ),
    ],
  },
  {
    name: 'REDIRECT',
    tables: ['nat'],
    hooks: ['PREROUTING', 'OUTPUT'],
    requiresProtocol: ['tcp', 'udp', 'sctp', 'dccp'],
    termination: 'terminal',
    summary:
      'Destination NAT to the primary address of the incoming interface (127.0.0.1 / ::1 for locally generated packets).',
    source: kernel('REDIRECT'),
    options: [
      valued(
        'to-ports',
        'port-range',
        '--to-ports port[-port]',
        'Destination port or range; needs `-p tcp|udp|sctp|dccp`.',
      ),
      flag('random', '--random', 'Randomise the port mapping.'),
    ],
  },
  {
    name: 'DNAT',
    tables: ['nat'],
    hooks: ['PREROUTING', 'OUTPUT'],
    termination: 'terminal',
    summary: 'Rewrites the destination address (and port) of the whole connection.',
    source: kernel('DNAT'),
    options: [
      valued(
        'to-destination',
        'nat-range',
        '--to-destination [ipaddr[-ipaddr]][:port[-port]]',
        'New destination address range and port range (ports need `-p tcp|udp|…`).',
        { once: false },
      ),
      flag('random', '--random', 'Randomise the port mapping.'),
      flag('persistent', '--persistent', 'Give a client the same address for every connection.'),
    ],
  },
  {
    name: 'SNAT',
    tables: ['nat'],
    hooks: ['POSTROUTING', 'INPUT'],
    termination: 'terminal',
    summary: 'Rewrites the source address (and port) of the whole connection.',
    source: kernel('SNAT'),
    options: [
      valued(
        'to-source',
        'nat-range',
        '--to-source [ipaddr[-ipaddr]][:port[-port]]',
        'New source address range and port range (ports need `-p tcp|udp|…`).',
        { once: false },
      ),
      flag('random', '--random', 'Randomise the port mapping.'),
      flag('random-fully', '--random-fully', 'Fully randomise the port mapping.'),
      flag('persistent', '--persistent', 'Give a client the same address for every connection.'),
    ],
  },
  {
    name: 'MASQUERADE',
    tables: ['nat'],
    hooks: ['POSTROUTING'],
    termination: 'terminal',
    summary: 'Source NAT to the address of the outgoing interface; forgotten when the interface goes down.',
    source: kernel('MASQUERADE'),
    options: [
      valued(
        'to-ports',
        'port-range',
        '--to-ports port[-port]',
        'Source port range; needs `-p tcp|udp|sctp|dccp`.',
      ),
      flag('random', '--random', 'Randomise the port mapping.'),
      flag('random-fully', '--random-fully', 'Fully randomise the port mapping.'),
    ],
  },
  {
    name: 'TRACE',
    tables: ['raw'],
    placementEnforcedBy: 'legacy',
    termination: 'continue',
    summary: 'Marks the packet so every rule it traverses emits a trace event (`xtables-monitor --trace`).',
    source: kernel('TRACE'),
    options: [],
  },
  {
    name: 'NOTRACK',
    tables: ['raw'],
    termination: 'continue',
    summary: 'Exempts the packet from connection tracking (same as `CT --notrack`).',
    source: kernel('NOTRACK'),
    options: [],
  },
  {
    name: 'TCPMSS',
    requiresProtocol: ['tcp'],
    kernelRequiresProtocol: ['tcp'],
    termination: 'continue',
    summary: 'Rewrites the MSS option of TCP SYN packets.',
    source: kernel('TCPMSS'),
    options: [
      valued('set-mss', 'number', '--set-mss value', 'Set the MSS to this value.'),
      flag('clamp-mss-to-pmtu', '--clamp-mss-to-pmtu', 'Clamp the MSS to the path MTU minus 40 (IPv4).', {
        // Only the clamping mode is hook-restricted; --set-mss loads everywhere (observed, both backends).
        hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'],
      }),
    ],
  },
  {
    name: 'CLASSIFY',
    hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'],
    termination: 'continue',
    summary: 'Sets skb->priority, i.e. the qdisc class.',
    source: kernel('CLASSIFY'),
    options: [
      valued('set-class', 'string', '--set-class major:minor', 'Class id, hexadecimal.', { required: true }),
    ],
  },
  {
    name: 'DSCP',
    tables: ['mangle'],
    termination: 'continue',
    summary: 'Rewrites the DSCP field.',
    source: kernel('DSCP'),
    options: [
      valued('set-dscp', 'number', '--set-dscp value', 'DSCP value, decimal or hex.'),
      valued('set-dscp-class', 'string', '--set-dscp-class class', 'DiffServ class.'),
    ],
  },
  {
    name: 'TOS',
    tables: ['mangle'],
    termination: 'continue',
    summary: 'Rewrites the TOS / priority byte.',
    source: kernel('TOS'),
    options: [
      valued('set-tos', 'string', '--set-tos value[/mask]', 'Zero the mask bits, XOR the value in.'),
      valued('and-tos', 'number', '--and-tos bits', 'Binary AND.'),
      valued('or-tos', 'number', '--or-tos bits', 'Binary OR.'),
      valued('xor-tos', 'number', '--xor-tos bits', 'Binary XOR.'),
    ],
  },
  {
    name: 'TTL',
    tables: ['mangle'],
    family: 4,
    termination: 'continue',
    summary: 'Rewrites the IPv4 TTL.',
    source: kernel('TTL'),
    options: [
      valued('ttl-set', 'number', '--ttl-set value', 'Set the TTL.'),
      valued('ttl-dec', 'number', '--ttl-dec value', 'Decrement the TTL.'),
      valued('ttl-inc', 'number', '--ttl-inc value', 'Increment the TTL.'),
    ],
  },
  {
    name: 'HL',
    tables: ['mangle'],
    family: 6,
    termination: 'continue',
    summary: 'Rewrites the IPv6 hop limit.',
    source: kernel('HL'),
    options: [
      valued('hl-set', 'number', '--hl-set value', 'Set the hop limit.'),
      valued('hl-dec', 'number', '--hl-dec value', 'Decrement the hop limit.'),
      valued('hl-inc', 'number', '--hl-inc value', 'Increment the hop limit.'),
    ],
  },
  {
    name: 'SECMARK',
    tables: ['mangle', 'security'],
    termination: 'continue',
    summary: 'Sets the security mark of the packet.',
    source: kernel('SECMARK'),
    options: [
      valued('selctx', 'string', '--selctx context', 'SELinux security context.', { required: true }),
    ],
  },
  {
    name: 'CONNSECMARK',
    tables: ['mangle', 'security'],
    termination: 'continue',
    summary: 'Copies security marks between packet and connection.',
    source: kernel('CONNSECMARK'),
    options: [
      flag('save', '--save', 'Packet to connection.'),
      flag('restore', '--restore', 'Connection to packet.'),
    ],
  },
  {
    name: 'NFQUEUE',
    termination: 'terminal',
    summary: 'Hands the packet to a userspace program through an nfnetlink queue, which decides the verdict.',
    source: src('NFQUEUE'),
    options: [
      valued('queue-num', 'number', '--queue-num value', 'Queue number (0–65535).'),
      valued('queue-balance', 'string', '--queue-balance first:last', 'Spread flows over a range of queues.'),
      flag('queue-bypass', '--queue-bypass', 'Accept the packet when no program listens.'),
      flag('queue-cpu-fanout', '--queue-cpu-fanout', 'Pick the queue by CPU.'),
    ],
  },
  {
    name: 'AUDIT',
    termination: 'continue',
    summary: 'Creates an audit record.',
    source: src('AUDIT'),
    options: [valued('type', 'enum', '--type {accept|drop|reject}', 'Action recorded.', { required: true })],
  },
  {
    name: 'CHECKSUM',
    tables: ['mangle'],
    termination: 'continue',
    summary: 'Fills in a missing checksum.',
    source: kernel('CHECKSUM'),
    options: [flag('checksum-fill', '--checksum-fill', 'Compute the checksum.', { required: true })],
  },
  {
    name: 'SET',
    termination: 'continue',
    summary: 'Adds or removes packet addresses/ports to/from an ipset.',
    source: src('SET'),
    options: [
      valued('add-set', 'set-spec', '--add-set setname flag[,flag...]', 'Add the entry.', { args: 2 }),
      valued('del-set', 'set-spec', '--del-set setname flag[,flag...]', 'Delete the entry.', { args: 2 }),
      valued(
        'map-set',
        'set-spec',
        '--map-set setname flag[,flag...]',
        'Map packet properties from the set.',
        {
          args: 2,
        },
      ),
      valued('timeout', 'number', '--timeout value', 'Timeout of the added entry.'),
      flag('exist', '--exist', 'Refresh the timeout of an existing entry.'),
      flag('map-mark', '--map-mark', 'Map the mark.'),
      flag('map-prio', '--map-prio', 'Map the priority.'),
      flag('map-queue', '--map-queue', 'Map the queue.'),
    ],
  },
  {
    name: 'NETMAP',
    tables: ['nat'],
    termination: 'terminal',
    summary: 'Maps a whole network onto another one, address by address.',
    source: kernel('NETMAP'),
    options: [valued('to', 'address', '--to address[/mask]', 'Network to map to.', { required: true })],
  },
  {
    name: 'TEE',
    termination: 'continue',
    summary: 'Clones the packet and routes the clone to a gateway.',
    source: kernel('TEE'),
    options: [
      valued('gateway', 'address', '--gateway ipaddr', 'Gateway of the clone.', { required: true }),
      valued('oif', 'interface', '--oif name', 'Output interface of the clone.'),
    ],
  },
  {
    name: 'IDLETIMER',
    termination: 'continue',
    summary: 'A timer per label that fires when no packet matched for the timeout.',
    source: src('IDLETIMER'),
    options: [
      valued('timeout', 'number', '--timeout seconds', 'Idle time.', { required: true }),
      valued('label', 'string', '--label string', 'Timer name.', { required: true }),
      flag('alarm', '--alarm', 'Use an alarm timer.'),
    ],
  },
  {
    name: 'HMARK',
    termination: 'continue',
    summary: 'Sets the packet mark from a hash of packet fields.',
    source: src('HMARK'),
    options: [
      valued('hmark-tuple', 'string', '--hmark-tuple tuple', 'Fields hashed.'),
      valued('hmark-mod', 'number', '--hmark-mod value', 'Modulus.', { required: true }),
      valued('hmark-offset', 'number', '--hmark-offset value', 'Offset added.'),
      valued('hmark-rnd', 'number', '--hmark-rnd value', 'Random seed.'),
      valued('hmark-src-prefix', 'number', '--hmark-src-prefix cidr', 'Source prefix.'),
      valued('hmark-dst-prefix', 'number', '--hmark-dst-prefix cidr', 'Destination prefix.'),
      valued('hmark-sport-mask', 'number', '--hmark-sport-mask value', 'Source port mask.'),
      valued('hmark-dport-mask', 'number', '--hmark-dport-mask value', 'Destination port mask.'),
      valued('hmark-spi-mask', 'number', '--hmark-spi-mask value', 'SPI mask.'),
      valued('hmark-sport', 'number', '--hmark-sport value', 'Source port OR value.'),
      valued('hmark-dport', 'number', '--hmark-dport value', 'Destination port OR value.'),
      valued('hmark-spi', 'number', '--hmark-spi value', 'SPI OR value.'),
      valued('hmark-proto-mask', 'number', '--hmark-proto-mask value', 'Protocol mask.'),
    ],
  },
  {
    name: 'SYNPROXY',
    hooks: ['INPUT', 'FORWARD'],
    requiresProtocol: ['tcp'],
    kernelRequiresProtocol: ['tcp'],
    termination: 'terminal',
    summary: 'Answers TCP SYNs itself and only then opens the real connection (SYN-flood protection).',
    source: kernel('SYNPROXY'),
    options: [
      valued('mss', 'number', '--mss value', 'MSS announced.'),
      valued('wscale', 'number', '--wscale value', 'Window scale announced.'),
      flag('sack-perm', '--sack-perm', 'Announce SACK.'),
      flag('timestamp', '--timestamp', 'Announce timestamps.'),
      flag('ecn', '--ecn', 'Announce ECN.'),
    ],
  },
  {
    name: 'TCPOPTSTRIP',
    tables: ['mangle'],
    requiresProtocol: ['tcp'],
    kernelRequiresProtocol: ['tcp'],
    termination: 'continue',
    summary: 'Removes TCP options from the header.',
    source: kernel('TCPOPTSTRIP'),
    options: [
      // Not required: both restore backends load `-j TCPOPTSTRIP` without it (then nothing is stripped).
      valued(
        'strip-options',
        'string',
        '--strip-options option[,...]',
        'Options to remove (none by default).',
      ),
    ],
  },
  {
    name: 'CLUSTERIP',
    family: 4,
    termination: 'continue',
    summary: 'Deprecated: a cluster of hosts sharing one IP and MAC address.',
    source: src('CLUSTERIP'),
    options: [
      flag('new', '--new', 'Create a new ClusterIP.'),
      valued(
        'hashmode',
        'string',
        '--hashmode mode',
        'sourceip, sourceip-sourceport or sourceip-sourceport-destport.',
      ),
      valued('clustermac', 'mac', '--clustermac mac', 'Multicast MAC address of the cluster.'),
      valued('total-nodes', 'number', '--total-nodes num', 'Number of nodes.'),
      valued('local-node', 'number', '--local-node num', 'This node’s number.'),
      valued('hash-init', 'number', '--hash-init num', 'Hash seed.'),
    ],
  },
  {
    name: 'ECN',
    tables: ['mangle'],
    family: 4,
    termination: 'continue',
    summary: 'Clears ECN bits of the TCP header.',
    source: kernel('ECN'),
    options: [flag('ecn-tcp-remove', '--ecn-tcp-remove', 'Remove all ECN bits from the TCP header.')],
  },
  {
    name: 'LED',
    termination: 'continue',
    summary: 'Blinks an LED trigger on matching packets.',
    source: src('LED'),
    options: [
      valued('led-trigger-id', 'string', '--led-trigger-id name', 'Trigger name suffix.', { required: true }),
      valued('led-delay', 'string', '--led-delay ms', 'How long the LED stays on.'),
      flag('led-always-blink', '--led-always-blink', 'Blink even when already on.'),
    ],
  },
  {
    name: 'RATEEST',
    termination: 'continue',
    summary: 'Feeds a named rate estimator (read by the rateest match).',
    source: src('RATEEST'),
    options: [
      valued('rateest-name', 'string', '--rateest-name name', 'Estimator name.', { required: true }),
      valued('rateest-interval', 'string', '--rateest-interval amount', 'Measurement interval.', {
        required: true,
      }),
      valued('rateest-ewmalog', 'string', '--rateest-ewmalog value', 'Averaging time constant.', {
        required: true,
      }),
    ],
  },
  {
    name: 'DNPT',
    tables: ['mangle'],
    family: 6,
    termination: 'continue',
    summary: 'IPv6 destination network prefix translation (RFC 6296).',
    source: kernel('DNPT'),
    options: [
      valued('src-pfx', 'address', '--src-pfx prefix/length', 'Prefix to translate from.'),
      valued('dst-pfx', 'address', '--dst-pfx prefix/length', 'Prefix to translate to.'),
    ],
  },
  {
    name: 'SNPT',
    tables: ['mangle'],
    family: 6,
    termination: 'continue',
    summary: 'IPv6 source network prefix translation (RFC 6296).',
    source: kernel('SNPT'),
    options: [
      valued('src-pfx', 'address', '--src-pfx prefix/length', 'Prefix to translate from.'),
      valued('dst-pfx', 'address', '--dst-pfx prefix/length', 'Prefix to translate to.'),
    ],
  },
];
