import type { ModuleSpec, OptionSpec } from './spec';
import { option } from './define';

const ctStates = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
const ctStatuses = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'] as const;
/** Address types of libxt_addrtype (iptables-extensions(8) "addrtype"). */
export const addressTypes = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
] as const;

/** `--sport`/`--dport` as tcp, udp, sctp, dccp and udplite share them. */
function portOptions(proto: string): OptionSpec[] {
  return [
    option(
      'source-port',
      'port-range',
      '[!] --sport port[:port]',
      `Source port or inclusive range of the ${proto} header; a service name is allowed, an omitted bound means 0 or 65535.`,
      { aliases: ['sport'] },
    ),
    option(
      'destination-port',
      'port-range',
      '[!] --dport port[:port]',
      `Destination port or inclusive range of the ${proto} header; a service name is allowed, an omitted bound means 0 or 65535.`,
      { aliases: ['dport'] },
    ),
  ];
}

const src = (name: string): string => `iptables-extensions(8), "${name}"`;

/**
 * Match extensions (iptables-extensions(8) "MATCH EXTENSIONS", iptables 1.8.9): every match library
 * Debian 12's iptables package installs (/usr/lib/x86_64-linux-gnu/xtables), with their options as
 * getopt_long sees them: canonical long name plus aliases, so prefix abbreviation resolves like the tool.
 */
export const matchModules: readonly ModuleSpec[] = [
  {
    name: 'tcp',
    implicitFromProtocol: ['tcp'],
    summary: 'TCP header fields; loaded implicitly by `-p tcp`.',
    source: src('tcp'),
    options: [
      ...portOptions('TCP'),
      option(
        'tcp-flags',
        'tcp-flags',
        '[!] --tcp-flags mask comp',
        'Matches when the flags in `mask` (comma list of SYN ACK FIN RST URG PSH ALL NONE) are set exactly as in `comp`.',
        { args: 2 },
      ),
      option(
        'syn',
        'flag',
        '[!] --syn',
        'Only SYN set among SYN, RST, ACK and FIN: a connection request. Same as `--tcp-flags FIN,SYN,RST,ACK SYN`.',
        { negatable: true },
      ),
      option(
        'tcp-option',
        'number',
        '[!] --tcp-option number',
        'Matches when the TCP option with that number is present.',
      ),
    ],
  },
  {
    name: 'udp',
    implicitFromProtocol: ['udp'],
    summary: 'UDP ports; loaded implicitly by `-p udp`.',
    source: src('udp'),
    options: portOptions('UDP'),
  },
  {
    name: 'sctp',
    implicitFromProtocol: ['sctp'],
    summary: 'SCTP ports and chunk types.',
    source: src('sctp'),
    options: [
      ...portOptions('SCTP'),
      option(
        'chunk-types',
        'string',
        '[!] --chunk-types all|any|only chunktype[:flags][,...]',
        'Matches on the chunk types present.',
        { args: 2 },
      ),
    ],
  },
  {
    name: 'dccp',
    implicitFromProtocol: ['dccp'],
    summary: 'DCCP ports, packet types and options.',
    source: src('dccp'),
    options: [
      ...portOptions('DCCP'),
      option(
        'dccp-types',
        'string',
        '[!] --dccp-types type[,...]',
        'Matches when the packet is one of the given DCCP types.',
      ),
      option('dccp-option', 'number', '[!] --dccp-option number', 'Matches when the DCCP option is set.'),
    ],
  },
  {
    name: 'icmp',
    family: 4,
    implicitFromProtocol: ['icmp'],
    summary: 'ICMP type and code; loaded implicitly by `-p icmp`.',
    source: src('icmp'),
    options: [
      option(
        'icmp-type',
        'icmp-type',
        '[!] --icmp-type {type[/code]|typename}',
        'ICMP type by name (`echo-request`), number, or `type/code`. `any` matches every type.',
      ),
    ],
  },
  {
    name: 'icmp6',
    aliases: ['icmpv6', 'ipv6-icmp'],
    family: 6,
    implicitFromProtocol: ['ipv6-icmp', 'icmpv6'],
    summary: 'ICMPv6 type and code; loaded implicitly by `-p ipv6-icmp` in ip6tables.',
    source: src('icmp6'),
    options: [
      option(
        'icmpv6-type',
        'icmpv6-type',
        '[!] --icmpv6-type type[/code]|typename',
        'ICMPv6 type by name (`echo-request`), number, or `type/code`.',
      ),
    ],
  },
  {
    name: 'multiport',
    requiresProtocol: ['tcp', 'udp', 'udplite', 'dccp', 'sctp'],
    summary:
      'Up to 15 ports or ranges (a range counts as two) in one rule; needs `-p tcp|udp|udplite|dccp|sctp`.',
    source: src('multiport'),
    options: [
      option(
        'source-ports',
        'port-list',
        '[!] --sports port[,port|,port:port]...',
        'Source port is one of the list.',
        {
          aliases: ['sports'],
        },
      ),
      option(
        'destination-ports',
        'port-list',
        '[!] --dports port[,port|,port:port]...',
        'Destination port is one of the list.',
        { aliases: ['dports'] },
      ),
      option(
        'ports',
        'port-list',
        '[!] --ports port[,port|,port:port]...',
        'Source or destination port is one of the list.',
      ),
    ],
  },
  {
    name: 'mark',
    summary: 'The packet mark (nfmark).',
    source: src('mark'),
    options: [
      option(
        'mark',
        'mark',
        '[!] --mark value[/mask]',
        'Matches when `nfmark & mask == value`; the mask defaults to 0xffffffff.',
        { required: true },
      ),
    ],
  },
  {
    name: 'connmark',
    summary: 'The connection mark (ctmark) of the packet’s conntrack entry.',
    source: src('connmark'),
    options: [
      option(
        'mark',
        'mark',
        '[!] --mark value[/mask]',
        'Matches when `ctmark & mask == value`; the mask defaults to 0xffffffff.',
        { required: true },
      ),
    ],
  },
  {
    name: 'conntrack',
    summary: 'Connection tracking state of the packet.',
    source: src('conntrack'),
    options: [
      option(
        'ctstate',
        'ctstate-list',
        '[!] --ctstate statelist',
        'Comma list of INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT; matches when the state is one of them.',
        { values: ctStates },
      ),
      option(
        'ctproto',
        'protocol',
        '[!] --ctproto l4proto',
        'Layer-4 protocol of the connection, by name or number.',
      ),
      option(
        'ctorigsrc',
        'address',
        '[!] --ctorigsrc address[/mask]',
        'Source address of the original direction.',
      ),
      option(
        'ctorigdst',
        'address',
        '[!] --ctorigdst address[/mask]',
        'Destination address of the original direction.',
      ),
      option(
        'ctreplsrc',
        'address',
        '[!] --ctreplsrc address[/mask]',
        'Source address of the reply direction.',
      ),
      option(
        'ctrepldst',
        'address',
        '[!] --ctrepldst address[/mask]',
        'Destination address of the reply direction.',
      ),
      option(
        'ctorigsrcport',
        'port-range',
        '[!] --ctorigsrcport port[:port]',
        'Original-direction source port.',
      ),
      option(
        'ctorigdstport',
        'port-range',
        '[!] --ctorigdstport port[:port]',
        'Original-direction destination port.',
      ),
      option(
        'ctreplsrcport',
        'port-range',
        '[!] --ctreplsrcport port[:port]',
        'Reply-direction source port.',
      ),
      option(
        'ctrepldstport',
        'port-range',
        '[!] --ctrepldstport port[:port]',
        'Reply-direction destination port.',
      ),
      option(
        'ctstatus',
        'ctstatus-list',
        '[!] --ctstatus statelist',
        'Comma list of NONE, EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED.',
        { values: ctStatuses },
      ),
      option(
        'ctexpire',
        'string',
        '[!] --ctexpire time[:time]',
        'Remaining lifetime of the entry in seconds, or a range.',
      ),
      option(
        'ctdir',
        'ctdir',
        '--ctdir {ORIGINAL|REPLY}',
        'Packet direction; without it both directions match.',
        {
          values: ['ORIGINAL', 'REPLY'],
        },
      ),
    ],
  },
  {
    name: 'state',
    summary: 'Older subset of `conntrack --ctstate`.',
    source: src('state'),
    options: [
      option(
        'state',
        'ctstate-list',
        '[!] --state state',
        'Comma list of INVALID, ESTABLISHED, NEW, RELATED, UNTRACKED.',
        { values: ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED'], required: true },
      ),
    ],
  },
  {
    name: 'owner',
    hooks: ['OUTPUT', 'POSTROUTING'],
    summary: 'The socket owner of locally generated packets (OUTPUT and POSTROUTING only).',
    source: src('owner'),
    options: [
      option(
        'uid-owner',
        'id-range',
        '[!] --uid-owner username|uid[-uid]',
        'The socket’s file owner is this user (or in the range).',
      ),
      option(
        'gid-owner',
        'id-range',
        '[!] --gid-owner groupname|gid[-gid]',
        'The socket’s file group is this group (or in the range).',
      ),
      option(
        'suppl-groups',
        'flag',
        '--suppl-groups',
        'With `--gid-owner`: also match the supplementary groups of the socket’s owner.',
      ),
      option('socket-exists', 'flag', '[!] --socket-exists', 'The packet is associated with a socket.', {
        negatable: true,
      }),
    ],
  },
  {
    name: 'socket',
    hooks: ['PREROUTING', 'INPUT'],
    summary:
      'A socket lookup on the packet’s tuple finds an established or non-zero-bound listening socket (PREROUTING and INPUT only).',
    source: src('socket'),
    options: [
      option('transparent', 'flag', '--transparent', 'Ignore sockets without the IP_TRANSPARENT option.'),
      option('nowildcard', 'flag', '--nowildcard', 'Do not ignore listening sockets bound to 0.0.0.0 / ::.'),
      option(
        'restore-skmark',
        'flag',
        '--restore-skmark',
        'Copy the socket mark to the packet mark when the socket matches.',
      ),
    ],
  },
  {
    name: 'addrtype',
    summary: 'Address type of the source or destination, looked up in the routing tables.',
    source: src('addrtype'),
    options: [
      option(
        'src-type',
        'addrtype-list',
        '[!] --src-type type[,...]',
        'Source address is of one of these types.',
        {
          values: addressTypes,
        },
      ),
      option(
        'dst-type',
        'addrtype-list',
        '[!] --dst-type type[,...]',
        'Destination address is of one of these types.',
        {
          values: addressTypes,
        },
      ),
      option(
        'limit-iface-in',
        'flag',
        '--limit-iface-in',
        'Look the type up only on the incoming interface (PREROUTING, INPUT, FORWARD).',
        { hooks: ['PREROUTING', 'INPUT', 'FORWARD'] },
      ),
      option(
        'limit-iface-out',
        'flag',
        '--limit-iface-out',
        'Look the type up only on the outgoing interface (OUTPUT, POSTROUTING, FORWARD).',
        { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] },
      ),
    ],
  },
  {
    name: 'comment',
    summary:
      'A comment of up to 255 bytes (XT_MAX_COMMENT_LEN is 256 with the terminating NUL; longer text is cut); does not affect matching.',
    source: src('comment'),
    options: [
      option('comment', 'string', '--comment comment', 'The comment text (at most 255 bytes are kept).', {
        required: true,
      }),
    ],
  },
  {
    name: 'statistic',
    summary: 'Matches packets by a random probability or every nth packet.',
    source: src('statistic'),
    options: [
      option('mode', 'enum', '--mode mode', '`random` or `nth`.', {
        values: ['random', 'nth'],
        required: true,
      }),
      option(
        'probability',
        'probability',
        '[!] --probability p',
        'Random mode: match with probability p, between 0.0 and 1.0.',
      ),
      option('every', 'number', '[!] --every n', 'Nth mode: match every nth packet.'),
      option('packet', 'number', '--packet p', 'Nth mode: initial counter value, from 0 to n−1 (default 0).'),
    ],
  },
  {
    name: 'set',
    summary: 'Membership of the packet’s addresses/ports in an ipset (the set contents are not in the dump).',
    source: src('set'),
    options: [
      option(
        'match-set',
        'set-spec',
        '[!] --match-set setname flag[,flag]...',
        'Matches when the packet is in the set; the flags (`src`, `dst`) say which header field feeds each dimension.',
        { args: 2 },
      ),
      option(
        'return-nomatch',
        'flag',
        '--return-nomatch',
        'Invert matching for elements flagged `nomatch` in hash sets.',
      ),
      option(
        'update-counters',
        'flag',
        '! --update-counters',
        'Negated: do not update the element’s counters.',
        {
          negatable: true,
        },
      ),
      option(
        'update-subcounters',
        'flag',
        '! --update-subcounters',
        'Negated: do not update counters of member sets.',
        {
          negatable: true,
        },
      ),
      option('packets-eq', 'number', '[!] --packets-eq value', 'Element packet counter equals value.'),
      option('packets-lt', 'number', '--packets-lt value', 'Element packet counter is below value.'),
      option('packets-gt', 'number', '--packets-gt value', 'Element packet counter is above value.'),
      option('bytes-eq', 'number', '[!] --bytes-eq value', 'Element byte counter equals value.'),
      option('bytes-lt', 'number', '--bytes-lt value', 'Element byte counter is below value.'),
      option('bytes-gt', 'number', '--bytes-gt value', 'Element byte counter is above value.'),
    ],
  },
  {
    name: 'iprange',
    summary: 'Source or destination address within an arbitrary inclusive range.',
    source: src('iprange'),
    options: [
      option(
        'src-range',
        'address-range',
        '[!] --src-range from[-to]',
        'Source address in the inclusive range.',
      ),
      option(
        'dst-range',
        'address-range',
        '[!] --dst-range from[-to]',
        'Destination address in the inclusive range.',
      ),
    ],
  },
  {
    name: 'physdev',
    summary: 'Bridge port the packet entered or will leave through (bridged traffic with br_netfilter).',
    source: src('physdev'),
    options: [
      option('physdev-in', 'interface', '[!] --physdev-in name[+]', 'Bridge port the packet came in on.'),
      option(
        'physdev-out',
        'interface',
        '[!] --physdev-out name[+]',
        'Bridge port the packet will leave on.',
      ),
      option('physdev-is-in', 'flag', '[!] --physdev-is-in', 'The packet entered through a bridge port.', {
        negatable: true,
      }),
      option(
        'physdev-is-out',
        'flag',
        '[!] --physdev-is-out',
        'The packet will leave through a bridge port.',
        { negatable: true },
      ),
      option(
        'physdev-is-bridged',
        'flag',
        '[!] --physdev-is-bridged',
        'The packet is being bridged, not routed.',
        {
          negatable: true,
        },
      ),
    ],
  },
  {
    name: 'mac',
    summary: 'Source MAC address (PREROUTING, FORWARD, INPUT; Ethernet only).',
    hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
    source: src('mac'),
    options: [
      option('mac-source', 'mac', '[!] --mac-source XX:XX:XX:XX:XX:XX', 'Source MAC address.', {
        required: true,
      }),
    ],
  },
  {
    name: 'limit',
    summary: 'Token-bucket rate limit: matches until the rate is exceeded.',
    source: src('limit'),
    options: [
      option(
        'limit',
        'rate',
        '--limit rate[/second|/minute|/hour|/day]',
        'Average match rate; default 3/hour.',
        {
          default: '3/hour',
        },
      ),
      option('limit-burst', 'number', '--limit-burst number', 'Initial bucket size; default 5.', {
        default: '5',
      }),
    ],
  },
  {
    name: 'pkttype',
    summary: 'Link-layer packet type.',
    source: src('pkttype'),
    options: [
      option('pkt-type', 'enum', '[!] --pkt-type {unicast|broadcast|multicast}', 'Link-layer packet type.', {
        values: ['unicast', 'broadcast', 'multicast', 'host', 'otherhost'],
        required: true,
      }),
    ],
  },
  {
    name: 'length',
    summary: 'Layer-3 payload length (IPv4 total length, IPv6 payload length).',
    source: src('length'),
    options: [
      option('length', 'string', '[!] --length length[:length]', 'Length or inclusive range.', {
        required: true,
      }),
    ],
  },
  {
    name: 'tcpmss',
    summary: 'MSS option of TCP SYN and SYN/ACK packets.',
    source: src('tcpmss'),
    options: [
      option('mss', 'string', '[!] --mss value[:value]', 'MSS value or inclusive range.', { required: true }),
    ],
  },
  {
    name: 'hashlimit',
    summary: 'Per-destination/source rate limits kept in a hash table.',
    source: src('hashlimit'),
    options: [
      option(
        'hashlimit-upto',
        'rate',
        '--hashlimit-upto amount[/unit]',
        'Match while the rate is at most this.',
      ),
      option(
        'hashlimit-above',
        'rate',
        '--hashlimit-above amount[/unit]',
        'Match when the rate exceeds this.',
      ),
      option('hashlimit-burst', 'number', '--hashlimit-burst amount', 'Bucket size; default 5.'),
      option(
        'hashlimit-mode',
        'string',
        '--hashlimit-mode {srcip|srcport|dstip|dstport},...',
        'Fields that key the table.',
      ),
      option(
        'hashlimit-srcmask',
        'number',
        '--hashlimit-srcmask prefix',
        'Group source addresses by this prefix.',
      ),
      option(
        'hashlimit-dstmask',
        'number',
        '--hashlimit-dstmask prefix',
        'Group destination addresses by this prefix.',
      ),
      option(
        'hashlimit-name',
        'string',
        '--hashlimit-name foo',
        'Name of the table in /proc/net/ipt_hashlimit.',
        {
          required: true,
        },
      ),
      option('hashlimit-htable-size', 'number', '--hashlimit-htable-size buckets', 'Number of hash buckets.'),
      option(
        'hashlimit-htable-max',
        'number',
        '--hashlimit-htable-max entries',
        'Maximum number of entries.',
      ),
      option(
        'hashlimit-htable-expire',
        'number',
        '--hashlimit-htable-expire msec',
        'Idle time after which entries expire.',
      ),
      option(
        'hashlimit-htable-gcinterval',
        'number',
        '--hashlimit-htable-gcinterval msec',
        'Garbage collection interval.',
      ),
      option(
        'hashlimit-rate-match',
        'flag',
        '--hashlimit-rate-match',
        'Classify flows by rate without limiting.',
      ),
      option(
        'hashlimit-rate-interval',
        'number',
        '--hashlimit-rate-interval sec',
        'Sampling interval of rate-match.',
      ),
    ],
  },
  {
    name: 'recent',
    summary: 'Dynamic lists of recently seen addresses.',
    source: src('recent'),
    options: [
      option('name', 'string', '--name name', 'List name; default DEFAULT.'),
      option('set', 'flag', '[!] --set', 'Add the address to the list; always matches.', { negatable: true }),
      option('rsource', 'flag', '--rsource', 'Use the source address (default).'),
      option('rdest', 'flag', '--rdest', 'Use the destination address.'),
      option('mask', 'address', '--mask netmask', 'Mask applied to the addresses.'),
      option('rcheck', 'flag', '[!] --rcheck', 'Match when the address is in the list.', { negatable: true }),
      option('update', 'flag', '[!] --update', 'Like --rcheck, and refresh the last-seen time.', {
        negatable: true,
      }),
      option('remove', 'flag', '[!] --remove', 'Match and remove the address from the list.', {
        negatable: true,
      }),
      option('seconds', 'number', '--seconds seconds', 'Only when last seen within this many seconds.'),
      option('reap', 'flag', '--reap', 'Purge entries older than --seconds.'),
      option('hitcount', 'number', '--hitcount hits', 'Only when seen at least this many times.'),
      option('rttl', 'flag', '--rttl', 'Also require the same TTL as when the address was set.'),
    ],
  },
  {
    name: 'string',
    summary: 'A byte string anywhere in the packet.',
    source: src('string'),
    options: [
      option('algo', 'enum', '--algo {bm|kmp}', 'Search algorithm.', {
        values: ['bm', 'kmp'],
        required: true,
      }),
      option('from', 'number', '--from offset', 'Offset to start searching at.'),
      option('to', 'number', '--to offset', 'Offset to stop searching at.'),
      option('string', 'string', '[!] --string pattern', 'The text to look for.'),
      option('hex-string', 'string', '[!] --hex-string pattern', 'The bytes to look for, hex between `|`.'),
      option('icase', 'flag', '--icase', 'Ignore case.'),
    ],
  },
  {
    name: 'rpfilter',
    // Observed: refused in nat PREROUTING, accepted in raw and mangle PREROUTING (both backends).
    tables: ['raw', 'mangle'],
    hooks: ['PREROUTING'],
    summary: 'Reverse-path filter: the reply to the packet would leave on the interface it came in on.',
    source: src('rpfilter'),
    options: [
      option('loose', 'flag', '--loose', 'Accept a reply route through any interface.'),
      option('validmark', 'flag', '--validmark', 'Use the packet mark for the lookup.'),
      option('accept-local', 'flag', '--accept-local', 'Do not reject packets with a local source address.'),
      option('invert', 'flag', '--invert', 'Match packets that fail the test.'),
    ],
  },
  {
    name: 'frag',
    family: 6,
    summary: 'IPv6 fragment header fields.',
    source: src('frag'),
    options: [
      option('fragid', 'string', '[!] --fragid id[:id]', 'Fragment identification or range.'),
      option('fraglen', 'number', '[!] --fraglen length', 'Fragment header length.'),
      option('fragres', 'flag', '--fragres', 'Reserved fields are non-zero.'),
      option('fragfirst', 'flag', '--fragfirst', 'First fragment.'),
      option('fragmore', 'flag', '--fragmore', 'More fragments follow.'),
      option('fraglast', 'flag', '--fraglast', 'Last fragment.'),
    ],
  },
  {
    name: 'devgroup',
    summary: 'Device group of the incoming or outgoing interface.',
    source: src('devgroup'),
    options: [
      // Observed (both backends): --src-group only where an input interface exists, --dst-group where an output one does.
      option('src-group', 'mark', '[!] --src-group name|value[/mask]', 'Group of the incoming interface.', {
        hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
      }),
      option('dst-group', 'mark', '[!] --dst-group name|value[/mask]', 'Group of the outgoing interface.', {
        hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'],
      }),
    ],
  },
  {
    name: 'cgroup',
    // Observed (both backends): refused in PREROUTING and FORWARD, where no local socket is known.
    hooks: ['INPUT', 'OUTPUT', 'POSTROUTING'],
    summary: 'Control group of the sending socket.',
    source: src('cgroup'),
    options: [
      option('path', 'string', '[!] --path path', 'cgroup2 path, relative to the root, matched recursively.'),
      option('cgroup', 'number', '[!] --cgroup classid', 'net_cls class id (cgroup v1).'),
    ],
  },
  {
    name: 'time',
    summary: 'Arrival time of the packet (date, time of day, weekday, day of month).',
    source: src('time'),
    options: [
      option('datestart', 'string', '--datestart YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'Start date (ISO 8601).'),
      option('datestop', 'string', '--datestop YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'Stop date (ISO 8601).'),
      option('timestart', 'string', '--timestart hh:mm[:ss]', 'Start of the daily window.'),
      option('timestop', 'string', '--timestop hh:mm[:ss]', 'End of the daily window.'),
      option('monthdays', 'string', '[!] --monthdays day[,day...]', 'Days of the month (1–31).'),
      option('weekdays', 'string', '[!] --weekdays day[,day...]', 'Weekdays (Mon…Sun or 1–7).'),
      option('contiguous', 'flag', '--contiguous', 'A window with timestop < timestart spans midnight.'),
      option('kerneltz', 'flag', '--kerneltz', 'Use the kernel time zone instead of UTC.'),
      option('utc', 'flag', '--utc', 'Interpret times as UTC (the default).'),
      option('localtz', 'flag', '--localtz', 'Deprecated alias of --kerneltz.'),
    ],
  },
  {
    name: 'u32',
    summary: 'Arbitrary tests on 32-bit words of the packet.',
    source: src('u32'),
    options: [option('u32', 'string', '[!] --u32 tests', 'The tests, in u32 syntax.', { required: true })],
  },
  {
    name: 'ah',
    summary: 'SPI of an IPsec AH header.',
    source: src('ah'),
    options: [option('ahspi', 'string', '[!] --ahspi spi[:spi]', 'SPI or range.')],
  },
  {
    name: 'esp',
    summary: 'SPI of an IPsec ESP header.',
    source: src('esp'),
    options: [option('espspi', 'string', '[!] --espspi spi[:spi]', 'SPI or range.')],
  },
  {
    name: 'policy',
    summary: 'IPsec policy used for decapsulation or to be used for encapsulation.',
    source: src('policy'),
    options: [
      option('dir', 'enum', '--dir {in|out}', 'Decapsulation (in) or encapsulation (out) policy.', {
        values: ['in', 'out'],
        // Observed (both backends): "in" needs the input path, "out" the output path.
        valueHooks: { in: ['PREROUTING', 'INPUT', 'FORWARD'], out: ['FORWARD', 'OUTPUT', 'POSTROUTING'] },
      }),
      option('pol', 'enum', '--pol {none|ipsec}', 'Whether the packet is subject to IPsec.', {
        values: ['none', 'ipsec'],
      }),
      option('strict', 'flag', '--strict', 'Match the whole policy, not a single element.'),
      option('reqid', 'number', '[!] --reqid id', 'reqid of the policy element.', { once: false }),
      option('spi', 'number', '[!] --spi spi', 'SPI of the SA.', { once: false }),
      option('proto', 'enum', '[!] --proto {ah|esp|ipcomp}', 'Encapsulation protocol.', { once: false }),
      option('mode', 'enum', '[!] --mode {tunnel|transport}', 'Encapsulation mode.', { once: false }),
      option('tunnel-src', 'address', '[!] --tunnel-src addr[/mask]', 'Tunnel source address.', {
        once: false,
      }),
      option('tunnel-dst', 'address', '[!] --tunnel-dst addr[/mask]', 'Tunnel destination address.', {
        once: false,
      }),
      option('next', 'flag', '--next', 'Starts the next policy element.', { once: false }),
    ],
  },
  {
    name: 'helper',
    summary: 'Conntrack helper of the connection.',
    source: src('helper'),
    options: [
      option('helper', 'string', '[!] --helper string', 'Helper name, e.g. `ftp` or `ftp-2121`.', {
        required: true,
      }),
    ],
  },
  {
    name: 'ttl',
    family: 4,
    summary: 'IPv4 time-to-live field.',
    source: src('ttl'),
    options: [
      option('ttl-eq', 'number', '[!] --ttl-eq ttl', 'TTL equals the value.'),
      option('ttl-gt', 'number', '--ttl-gt ttl', 'TTL is greater.'),
      option('ttl-lt', 'number', '--ttl-lt ttl', 'TTL is less.'),
    ],
  },
  {
    name: 'hl',
    family: 6,
    summary: 'IPv6 hop limit field.',
    source: src('hl'),
    options: [
      option('hl-eq', 'number', '[!] --hl-eq value', 'Hop limit equals the value.'),
      option('hl-lt', 'number', '--hl-lt value', 'Hop limit is less.'),
      option('hl-gt', 'number', '--hl-gt value', 'Hop limit is greater.'),
    ],
  },
  {
    name: 'tos',
    summary: 'IPv4 TOS / IPv6 priority byte.',
    source: src('tos'),
    options: [
      option('tos', 'string', '[!] --tos value[/mask]|symbol', 'TOS value (or symbol) under the mask.', {
        required: true,
      }),
    ],
  },
  {
    name: 'dscp',
    summary: 'DSCP field of the IP header.',
    source: src('dscp'),
    options: [
      option('dscp', 'number', '[!] --dscp value', 'DSCP code point, decimal or hex.'),
      option('dscp-class', 'string', '[!] --dscp-class class', 'DiffServ class (BE, EF, AFxx, CSx).'),
    ],
  },
  {
    name: 'ecn',
    summary: 'ECN bits of the IP and TCP headers.',
    source: src('ecn'),
    options: [
      option('ecn-tcp-cwr', 'flag', '[!] --ecn-tcp-cwr', 'TCP CWR bit set.', { negatable: true }),
      option('ecn-tcp-ece', 'flag', '[!] --ecn-tcp-ece', 'TCP ECE bit set.', { negatable: true }),
      option('ecn-ip-ect', 'number', '[!] --ecn-ip-ect num', 'ECT code point of the IP header (0–3).'),
    ],
  },
  {
    name: 'connlimit',
    summary: 'Number of existing connections per client group.',
    source: src('connlimit'),
    options: [
      option(
        'connlimit-upto',
        'number',
        '--connlimit-upto n',
        'Match while there are at most n connections.',
      ),
      option(
        'connlimit-above',
        'number',
        '--connlimit-above n',
        'Match when there are more than n connections.',
      ),
      option('connlimit-mask', 'number', '--connlimit-mask prefix_length', 'Group hosts by this prefix.'),
      option('connlimit-saddr', 'flag', '--connlimit-saddr', 'Group by source address (default).'),
      option('connlimit-daddr', 'flag', '--connlimit-daddr', 'Group by destination address.'),
    ],
  },
  {
    name: 'connbytes',
    summary: 'Bytes or packets transferred by the connection so far.',
    source: src('connbytes'),
    options: [
      option('connbytes', 'string', '[!] --connbytes from[:to]', 'Inclusive range.', { required: true }),
      option('connbytes-dir', 'enum', '--connbytes-dir {original|reply|both}', 'Direction to count.', {
        values: ['original', 'reply', 'both'],
        required: true,
      }),
      option('connbytes-mode', 'enum', '--connbytes-mode {packets|bytes|avgpkt}', 'What to count.', {
        values: ['packets', 'bytes', 'avgpkt'],
        required: true,
      }),
    ],
  },
  {
    name: 'connlabel',
    summary: 'Conntrack labels of the connection.',
    source: src('connlabel'),
    options: [
      option('label', 'string', '[!] --label name', 'Label name from connlabel.conf or a bit number.', {
        required: true,
      }),
      option('set', 'flag', '--set', 'Set the label if not set yet.'),
    ],
  },
  {
    name: 'quota',
    summary: 'Byte quota that counts down.',
    source: src('quota'),
    options: [option('quota', 'number', '[!] --quota bytes', 'Quota in bytes.', { required: true })],
  },
  {
    name: 'cpu',
    summary: 'CPU handling the packet.',
    source: src('cpu'),
    options: [option('cpu', 'number', '[!] --cpu number', 'CPU number.', { required: true })],
  },
  {
    name: 'realm',
    family: 4,
    // Observed (both backends): refused in PREROUTING, before the route (and its realm) is chosen.
    hooks: ['INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    summary: 'Routing realm (classid) of the route used.',
    source: src('realm'),
    options: [
      option('realm', 'mark', '[!] --realm value[/mask]', 'Realm number or name.', { required: true }),
    ],
  },
  {
    name: 'ipvs',
    summary: 'IPVS connection properties.',
    source: src('ipvs'),
    options: [
      option('ipvs', 'flag', '[!] --ipvs', 'Packet belongs to an IPVS connection.', { negatable: true }),
      option('vproto', 'protocol', '[!] --vproto protocol', 'VIP protocol.'),
      option('vaddr', 'address', '[!] --vaddr address[/mask]', 'VIP address.'),
      option('vport', 'port-range', '[!] --vport port', 'VIP port.'),
      option('vdir', 'ctdir', '--vdir {ORIGINAL|REPLY}', 'Flow direction.', {
        values: ['ORIGINAL', 'REPLY'],
      }),
      option('vmethod', 'enum', '[!] --vmethod {GATE|IPIP|MASQ}', 'Forwarding method.', {
        values: ['GATE', 'IPIP', 'MASQ'],
      }),
      option('vportctl', 'port-range', '[!] --vportctl port', 'VIP port of the controlling connection.'),
    ],
  },
  {
    name: 'cluster',
    summary: 'Hash-based load sharing between cluster nodes.',
    source: src('cluster'),
    options: [
      option('cluster-total-nodes', 'number', '--cluster-total-nodes num', 'Number of nodes.', {
        required: true,
      }),
      option('cluster-local-node', 'number', '[!] --cluster-local-node num', 'This node’s id.'),
      option(
        'cluster-local-nodemask',
        'number',
        '[!] --cluster-local-nodemask mask',
        'This node’s ids as a mask.',
      ),
      option('cluster-hash-seed', 'number', '--cluster-hash-seed value', 'Hash seed.'),
    ],
  },
  {
    name: 'nfacct',
    summary: 'Counts into an extended accounting object.',
    source: src('nfacct'),
    options: [
      option('nfacct-name', 'string', '--nfacct-name name', 'Accounting object.', { required: true }),
    ],
  },
  {
    name: 'bpf',
    summary: 'A classic BPF program or pinned eBPF object.',
    source: src('bpf'),
    options: [
      option('bytecode', 'string', '--bytecode code', 'Classic BPF program in nfbpf_compile format.'),
      option('object-pinned', 'string', '--object-pinned path', 'Pinned eBPF object.'),
    ],
  },
  {
    name: 'rateest',
    summary: 'Rates measured by RATEEST targets.',
    source: src('rateest'),
    options: [
      option('rateest', 'string', '--rateest name', 'Estimator name.'),
      option('rateest1', 'string', '--rateest1 name', 'First estimator.'),
      option('rateest2', 'string', '--rateest2 name', 'Second estimator.'),
      option('rateest-delta', 'flag', '--rateest-delta', 'Compare the difference to the given rate.'),
      option('rateest-bps', 'string', '--rateest-bps [value]', 'Compare bytes per second.'),
      option('rateest-pps', 'string', '--rateest-pps [value]', 'Compare packets per second.'),
      option('rateest-bps1', 'string', '--rateest-bps1 [value]', 'Compare bytes per second.'),
      option('rateest-pps1', 'string', '--rateest-pps1 [value]', 'Compare packets per second.'),
      option('rateest-bps2', 'string', '--rateest-bps2 [value]', 'Compare bytes per second.'),
      option('rateest-pps2', 'string', '--rateest-pps2 [value]', 'Compare packets per second.'),
      option('rateest-lt', 'flag', '[!] --rateest-lt', 'Rate is less.', { negatable: true }),
      option('rateest-gt', 'flag', '[!] --rateest-gt', 'Rate is greater.', { negatable: true }),
      option('rateest-eq', 'flag', '[!] --rateest-eq', 'Rate is equal.', { negatable: true }),
    ],
  },
  {
    name: 'osf',
    // Observed (both backends): refused on the output path.
    hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
    summary: 'Passive operating-system fingerprinting of TCP SYNs.',
    source: src('osf'),
    options: [
      option('genre', 'string', '[!] --genre string', 'Operating-system genre.', { required: true }),
      option('ttl', 'number', '--ttl level', 'TTL comparison mode.'),
      option('log', 'number', '--log level', 'Logging mode.'),
    ],
  },
  {
    name: 'ipv6header',
    family: 6,
    summary: 'IPv6 extension headers present.',
    source: src('ipv6header'),
    options: [
      option('header', 'string', '[!] --header header[,header...]', 'Extension headers to look for.', {
        required: true,
      }),
      option('soft', 'flag', '--soft', 'Match when any of the headers is present.'),
    ],
  },
  {
    name: 'hbh',
    family: 6,
    summary: 'IPv6 hop-by-hop options header.',
    source: src('hbh'),
    options: [
      option('hbh-len', 'number', '[!] --hbh-len length', 'Header length.'),
      option('hbh-opts', 'string', '--hbh-opts type[:length][,...]', 'Options present.'),
    ],
  },
  {
    name: 'dst',
    family: 6,
    summary: 'IPv6 destination options header.',
    source: src('dst'),
    options: [
      option('dst-len', 'number', '[!] --dst-len length', 'Header length.'),
      option('dst-opts', 'string', '--dst-opts type[:length][,...]', 'Options present.'),
    ],
  },
  {
    name: 'rt',
    family: 6,
    summary: 'IPv6 routing header.',
    source: src('rt'),
    options: [
      option('rt-type', 'number', '[!] --rt-type type', 'Routing header type.'),
      option('rt-segsleft', 'string', '[!] --rt-segsleft num[:num]', 'Segments left.'),
      option('rt-len', 'number', '[!] --rt-len length', 'Header length.'),
      option('rt-0-res', 'flag', '--rt-0-res', 'Reserved field (type 0).'),
      option('rt-0-addrs', 'string', '--rt-0-addrs addr[,addr...]', 'Addresses (type 0).'),
      option('rt-0-not-strict', 'flag', '--rt-0-not-strict', 'Non-strict address list (type 0).'),
    ],
  },
  {
    name: 'mh',
    family: 6,
    implicitFromProtocol: ['ipv6-mh', 'mh'],
    summary: 'Mobility header type (IPv6).',
    source: src('mh'),
    options: [option('mh-type', 'string', '[!] --mh-type type[:type]', 'Mobility header type or range.')],
  },
  {
    name: 'eui64',
    family: 6,
    summary: 'The IPv6 source address was derived from the source MAC (EUI-64).',
    source: src('eui64'),
    options: [],
  },
  {
    name: 'ipcomp',
    summary: 'SPI of an IPComp header.',
    source: src('ipcomp'),
    options: [
      option('ipcompspi', 'string', '[!] --ipcompspi spi[:spi]', 'SPI or range.'),
      option('compres', 'flag', '--compres', 'The reserved field is set.'),
    ],
  },
  {
    name: 'srh',
    family: 6,
    summary: 'IPv6 segment routing header fields.',
    source: src('srh'),
    options: [
      option('srh-next-hdr', 'number', '[!] --srh-next-hdr value', 'Next Header field.'),
      option('srh-hdr-len-eq', 'number', '[!] --srh-hdr-len-eq value', 'Header length equals.'),
      option('srh-hdr-len-gt', 'number', '[!] --srh-hdr-len-gt value', 'Header length is greater.'),
      option('srh-hdr-len-lt', 'number', '[!] --srh-hdr-len-lt value', 'Header length is less.'),
      option('srh-segs-left-eq', 'number', '[!] --srh-segs-left-eq value', 'Segments Left equals.'),
      option('srh-segs-left-gt', 'number', '[!] --srh-segs-left-gt value', 'Segments Left is greater.'),
      option('srh-segs-left-lt', 'number', '[!] --srh-segs-left-lt value', 'Segments Left is less.'),
      option('srh-last-entry-eq', 'number', '[!] --srh-last-entry-eq value', 'Last Entry equals.'),
      option('srh-last-entry-gt', 'number', '[!] --srh-last-entry-gt value', 'Last Entry is greater.'),
      option('srh-last-entry-lt', 'number', '[!] --srh-last-entry-lt value', 'Last Entry is less.'),
      option('srh-tag', 'number', '[!] --srh-tag value', 'Tag field.'),
      option('srh-psid', 'address', '[!] --srh-psid addr[/mask]', 'Previous segment id.'),
      option('srh-nsid', 'address', '[!] --srh-nsid addr[/mask]', 'Next segment id.'),
      option('srh-lsid', 'address', '[!] --srh-lsid addr[/mask]', 'Last segment id.'),
    ],
  },
];
