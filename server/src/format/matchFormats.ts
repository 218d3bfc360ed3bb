import type { OptionUse } from '../model/rule';
import { hex, parseValueMask } from './numbers';
import { saveQuote } from './quote';
import {
  addrtypeOrder,
  canonicalIcmpType,
  canonicalLimitRate,
  canonicalPortList,
  canonicalPortRange,
  canonicalTcpFlags,
  ctstateOrder,
  protocolNumber,
  defaultLimitBurst,
  sortByOrder,
  synFlags,
} from './values';

/** What an option formatter knows besides the option itself. */
export interface FormatContext {
  readonly family: 4 | 6;
}

/**
 * The canonical text of one option without its `!`, e.g. `--dport 80`; `null` when iptables-save
 * drops the option because it holds the default (e.g. `--sport 0:65535`); undefined when the value
 * is not understood, so the caller keeps the option exactly as written.
 */
export type OptionFormatter = (use: OptionUse, ctx: FormatContext) => string | null | undefined;

/** How iptables-save prints one match module: option order of its save() and a formatter per option. */
export interface ModuleFormat {
  /** Canonical option names in the order the module's save function prints them. */
  readonly order: readonly string[];
  readonly options: Readonly<Record<string, OptionFormatter>>;
}

const arg = (use: OptionUse, index = 0): string | undefined => use.args[index]?.text;

const flag =
  (name: string): OptionFormatter =>
  () =>
    `--${name}`;

const verbatim =
  (name: string): OptionFormatter =>
  (use) => {
    const values = use.args.map((a) => a.text);
    if (values.some((v) => !/^[A-Za-z0-9_.:,/+-]+$/.test(v))) return undefined;
    return [`--${name}`, ...values].join(' ');
  };

const portRange =
  (name: string): OptionFormatter =>
  (use) => {
    const text = arg(use);
    const range = text === undefined ? undefined : canonicalPortRange(text);
    if (!range) return undefined;
    // tcp_save/udp_save skip a port test that covers every port (unless negated: keep it then).
    if (range.from === 0 && range.to === 0xffff && !use.negated) return null;
    return `--${name} ${range.text}`;
  };

const portList =
  (name: string): OptionFormatter =>
  (use) => {
    const text = arg(use);
    const list = text === undefined ? undefined : canonicalPortList(text);
    return list === undefined ? undefined : `--${name} ${list}`;
  };

const markValue =
  (name: string): OptionFormatter =>
  (use) => {
    const text = arg(use);
    const parsed = text === undefined ? undefined : parseValueMask(text);
    if (!parsed) return undefined;
    const mask = parsed.mask ?? 0xffffffff;
    // print_mark in libxt_mark.c: the mask is shown only when it is not all ones.
    return mask === 0xffffffff
      ? `--${name} ${hex(parsed.value)}`
      : `--${name} ${hex(parsed.value)}/${hex(mask)}`;
  };

const orderedList =
  (name: string, order: readonly string[]): OptionFormatter =>
  (use) => {
    const text = arg(use);
    const sorted = text === undefined ? undefined : sortByOrder(text, order);
    return sorted === undefined ? undefined : `--${name} ${sorted}`;
  };

const quoted =
  (name: string): OptionFormatter =>
  (use) => {
    const text = arg(use);
    return text === undefined ? undefined : `--${name} ${saveQuote(text)}`;
  };

const tcpFlags: OptionFormatter = (use) => {
  const mask = arg(use, 0);
  const comp = arg(use, 1);
  if (mask === undefined || comp === undefined) return undefined;
  const m = canonicalTcpFlags(mask);
  const c = canonicalTcpFlags(comp);
  return m === undefined || c === undefined ? undefined : `--tcp-flags ${m} ${c}`;
};

const icmpType =
  (name: string, family: 4 | 6): OptionFormatter =>
  (use) => {
    const text = arg(use);
    const type = text === undefined ? undefined : canonicalIcmpType(text, family);
    return type === undefined ? undefined : `--${name} ${type}`;
  };

/**
 * Per-module save formats. Orders come from each extension's save() in iptables 1.8.9
 * (extensions/libxt_*.c) and were confirmed by restore → iptables-save round trips (1.8.9, nft and
 * legacy backends). Modules not listed keep their options exactly as written.
 */
export const moduleFormats: Readonly<Record<string, ModuleFormat>> = {
  tcp: {
    order: ['sport', 'dport', 'tcp-option', 'tcp-flags', 'syn'],
    options: {
      sport: portRange('sport'),
      dport: portRange('dport'),
      'tcp-option': verbatim('tcp-option'),
      'tcp-flags': tcpFlags,
      syn: () => `--tcp-flags ${synFlags.mask} ${synFlags.comp}`,
    },
  },
  udp: { order: ['sport', 'dport'], options: { sport: portRange('sport'), dport: portRange('dport') } },
  multiport: {
    order: ['sports', 'dports', 'ports'],
    options: { sports: portList('sports'), dports: portList('dports'), ports: portList('ports') },
  },
  mark: { order: ['mark'], options: { mark: markValue('mark') } },
  connmark: { order: ['mark'], options: { mark: markValue('mark') } },
  conntrack: {
    order: [
      'ctstate',
      'ctproto',
      'ctorigsrc',
      'ctorigdst',
      'ctreplsrc',
      'ctrepldst',
      'ctorigsrcport',
      'ctorigdstport',
      'ctreplsrcport',
      'ctrepldstport',
      'ctstatus',
      'ctexpire',
      'ctdir',
    ],
    options: {
      ctstate: orderedList('ctstate', ctstateOrder),
      ctproto: (use) => {
        const text = arg(use);
        const number = text === undefined ? undefined : protocolNumber(text);
        return number === undefined ? undefined : `--ctproto ${number}`;
      },
    },
  },
  state: { order: ['state'], options: { state: orderedList('state', ctstateOrder) } },
  owner: {
    order: ['socket-exists', 'uid-owner', 'gid-owner', 'suppl-groups'],
    options: {
      'socket-exists': flag('socket-exists'),
      'uid-owner': verbatim('uid-owner'),
      'gid-owner': verbatim('gid-owner'),
      'suppl-groups': flag('suppl-groups'),
    },
  },
  addrtype: {
    order: ['src-type', 'dst-type', 'limit-iface-in', 'limit-iface-out'],
    options: {
      'src-type': orderedList('src-type', addrtypeOrder),
      'dst-type': orderedList('dst-type', addrtypeOrder),
      'limit-iface-in': flag('limit-iface-in'),
      'limit-iface-out': flag('limit-iface-out'),
    },
  },
  comment: { order: ['comment'], options: { comment: quoted('comment') } },
  socket: {
    order: ['transparent', 'nowildcard', 'restore-skmark'],
    options: {
      transparent: flag('transparent'),
      nowildcard: flag('nowildcard'),
      'restore-skmark': flag('restore-skmark'),
    },
  },
  icmp: { order: ['icmp-type'], options: { 'icmp-type': icmpType('icmp-type', 4) } },
  icmp6: { order: ['icmpv6-type'], options: { 'icmpv6-type': icmpType('icmpv6-type', 6) } },
  mac: {
    order: ['mac-source'],
    options: {
      'mac-source': (use) => {
        const text = arg(use);
        return text !== undefined && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)
          ? `--mac-source ${text.toLowerCase()}`
          : undefined;
      },
    },
  },
  limit: {
    order: ['limit', 'limit-burst'],
    options: {
      limit: (use) => {
        const text = arg(use);
        const rate = text === undefined ? undefined : canonicalLimitRate(text);
        return rate === undefined ? undefined : `--limit ${rate}`;
      },
      'limit-burst': (use) =>
        arg(use) === String(defaultLimitBurst) ? null : verbatim('limit-burst')(use, { family: 4 }),
    },
  },
  statistic: {
    order: ['mode', 'probability', 'every', 'packet'],
    options: {
      mode: verbatim('mode'),
      probability: (use) => {
        const p = Number(arg(use));
        if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
        // The kernel keeps the probability as a 31-bit fraction; the save prints it with %.11f.
        return `--probability ${(Math.round(p * 0x80000000) / 0x80000000).toFixed(11)}`;
      },
      every: verbatim('every'),
      packet: verbatim('packet'),
    },
  },
  physdev: {
    order: ['physdev-in', 'physdev-out', 'physdev-is-in', 'physdev-is-out', 'physdev-is-bridged'],
    options: {
      'physdev-in': verbatim('physdev-in'),
      'physdev-out': verbatim('physdev-out'),
      'physdev-is-in': flag('physdev-is-in'),
      'physdev-is-out': flag('physdev-is-out'),
      'physdev-is-bridged': flag('physdev-is-bridged'),
    },
  },
};
