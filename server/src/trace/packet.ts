/**
 * The compact packet spec of the CLI, the editor command and the settings:
 *
 *     tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out mark=0x539 uid=1337
 *     udp [fd00::5]:5353 -> [fd00::a]:53 out
 *     tcp 10.0.0.9:5000 -> 10.244.0.5:8080 in iif=eth0 flags=SYN
 *
 * `out` = sent by a local socket, `in` = arriving on an interface, `fwd` = arriving and routed on.
 * Options: iif=, oif=, mark=, ctmark=, ctstate=, uid=, gid=, flags= (TCP), type= (ICMP type[/code]),
 * transparent=yes (sent from an IP_TRANSPARENT socket with a foreign source address, as ztunnel does).
 * Never throws: a bad part comes back as an error that quotes it.
 */
import type { CtState } from '../model/rule';
import { formatAddress, parseAddress } from './address';
import type { Family, Origin, PacketSpec, TcpFlag, TraceProtocol } from './types';

export type PacketSpecResult =
  | { readonly ok: true; readonly spec: PacketSpec }
  | {
      readonly ok: false;
      readonly error: string;
      /** The offending word, as written. */ readonly part: string;
    };

const protocols: Readonly<Record<string, TraceProtocol>> = {
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  'ipv6-icmp': 'icmpv6',
  icmp6: 'icmpv6',
};

const ctStates: readonly CtState[] = [
  'INVALID',
  'NEW',
  'ESTABLISHED',
  'RELATED',
  'UNTRACKED',
  'SNAT',
  'DNAT',
];
const tcpFlagNames: readonly TcpFlag[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG'];
const origins: readonly Origin[] = ['out', 'in', 'fwd'];

/** Parses a packet spec (see the module comment). */
export function parsePacketSpec(text: string): PacketSpecResult {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const fail = (error: string, part: string): PacketSpecResult => ({ ok: false, error, part });
  if (words.length === 0)
    return fail('empty packet spec; expected e.g. "tcp 10.0.0.1:1234 -> 10.0.0.2:80 out"', '');
  const protocol = protocols[words[0].toLowerCase()];
  if (protocol === undefined)
    return fail(`unknown protocol '${words[0]}' (expected tcp, udp, icmp or icmpv6)`, words[0]);
  const arrow = words.indexOf('->');
  if (arrow !== 2)
    return fail(
      `expected 'SRC -> DST' after the protocol, got '${words.slice(1, 4).join(' ')}'`,
      words.slice(1, 4).join(' '),
    );
  if (words.length < 4) return fail('missing destination after ->', '->');
  const hasPorts = protocol === 'tcp' || protocol === 'udp';
  const source = parseEndpoint(words[1], hasPorts, 'source');
  if (!source.ok) return fail(source.error, words[1]);
  const destination = parseEndpoint(words[3], hasPorts, 'destination');
  if (!destination.ok) return fail(destination.error, words[3]);
  if (source.family !== destination.family) {
    return fail(
      `source '${words[1]}' and destination '${words[3]}' are of different address families`,
      words[3],
    );
  }
  const family = source.family;
  if ((protocol === 'icmp' && family === 6) || (protocol === 'icmpv6' && family === 4)) {
    return fail(`protocol '${words[0]}' does not fit IPv${family} addresses`, words[0]);
  }

  let origin: Origin = 'out';
  let rest = words.slice(4);
  if (rest.length > 0 && !rest[0].includes('=')) {
    const candidate = rest[0].toLowerCase() as Origin;
    if (!origins.includes(candidate))
      return fail(`unknown direction '${rest[0]}' (expected out, in or fwd)`, rest[0]);
    origin = candidate;
    rest = rest.slice(1);
  }

  const spec: {
    iif?: string;
    oif?: string;
    mark: number;
    ctmark?: number;
    ctstate?: CtState;
    uid?: number;
    gid?: number;
    tcpFlags: TcpFlag[];
    icmpType?: number;
    icmpCode?: number;
    transparent?: boolean;
  } = { mark: 0, tcpFlags: protocol === 'tcp' ? ['SYN'] : [] };
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq <= 0) return fail(`expected key=value, got '${word}'`, word);
    const key = word.slice(0, eq).toLowerCase();
    const value = word.slice(eq + 1);
    switch (key) {
      case 'iif':
      case 'oif':
        if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(value)) return fail(`bad interface name in '${word}'`, word);
        spec[key] = value;
        break;
      case 'mark':
      case 'ctmark': {
        const n = parseUint32(value);
        if (n === undefined)
          return fail(`bad ${key} in '${word}' (expected a 32-bit number, e.g. 0x539)`, word);
        spec[key] = n;
        break;
      }
      case 'uid':
      case 'gid': {
        const n = parseUint32(value);
        if (n === undefined) return fail(`bad ${key} in '${word}'`, word);
        spec[key] = n;
        break;
      }
      case 'ctstate': {
        const state = value.toUpperCase() as CtState;
        if (!ctStates.includes(state))
          return fail(`bad ctstate in '${word}' (expected one of ${ctStates.join(', ')})`, word);
        spec.ctstate = state;
        break;
      }
      case 'flags': {
        if (protocol !== 'tcp') return fail(`'${word}' only applies to tcp`, word);
        const flags = value.toUpperCase().split(',');
        const bad = flags.find((f) => !tcpFlagNames.includes(f as TcpFlag));
        if (bad !== undefined) return fail(`unknown TCP flag '${bad}' in '${word}'`, word);
        spec.tcpFlags = flags as TcpFlag[];
        break;
      }
      case 'type': {
        if (protocol !== 'icmp' && protocol !== 'icmpv6') return fail(`'${word}' only applies to icmp`, word);
        const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(value);
        if (m === null || Number(m[1]) > 255 || (m[2] !== undefined && Number(m[2]) > 255)) {
          return fail(`bad ICMP type in '${word}' (expected type[/code])`, word);
        }
        spec.icmpType = Number(m[1]);
        if (m[2] !== undefined) spec.icmpCode = Number(m[2]);
        break;
      }
      case 'transparent': {
        const yes = ['yes', '1', 'true'].includes(value.toLowerCase());
        if (!yes && !['no', '0', 'false'].includes(value.toLowerCase())) {
          return fail(`bad value in '${word}' (expected yes or no)`, word);
        }
        spec.transparent = yes;
        break;
      }
      default:
        return fail(
          `unknown option '${key}' in '${word}' (expected iif, oif, mark, ctmark, ctstate, uid, gid, flags, type, transparent)`,
          word,
        );
    }
  }
  if (origin !== 'out' && (spec.uid !== undefined || spec.gid !== undefined)) {
    return fail(`uid/gid describe a local socket; they need direction 'out'`, origin);
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') spec.icmpType ??= protocol === 'icmp' ? 8 : 128;
  return {
    ok: true,
    spec: {
      family,
      protocol,
      src: source.address,
      dst: destination.address,
      sport: source.port,
      dport: destination.port,
      origin,
      ...spec,
    },
  };
}

type Endpoint =
  | { readonly ok: true; readonly family: Family; readonly address: bigint; readonly port: number }
  | { readonly ok: false; readonly error: string };

function parseEndpoint(word: string, hasPorts: boolean, role: string): Endpoint {
  let host = word;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(word);
  if (bracketed !== null) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((word.match(/:/g) ?? []).length === 1) {
    [host, portText] = word.split(':');
  }
  const address = parseAddress(host);
  if (address === undefined) return { ok: false, error: `bad ${role} address '${host}'` };
  if (!hasPorts) {
    if (portText !== undefined)
      return { ok: false, error: `${role} '${word}' has a port, but the protocol has none` };
    return { ok: true, family: address.family, address: address.value, port: 0 };
  }
  if (portText === undefined)
    return { ok: false, error: `${role} '${word}' needs a port (ADDRESS:PORT, [IPv6]:PORT)` };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    return { ok: false, error: `bad ${role} port '${portText}'` };
  return { ok: true, family: address.family, address: address.value, port: Number(portText) };
}

function parseUint32(text: string): number | undefined {
  if (!/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffffffff ? n : undefined;
}

/** Prints a spec back in the form parsePacketSpec accepts (defaults omitted). */
export function formatPacketSpec(spec: PacketSpec): string {
  const endpoint = (address: bigint, port: number): string => {
    const text = formatAddress(spec.family, address);
    if (spec.protocol !== 'tcp' && spec.protocol !== 'udp') return text;
    return spec.family === 6 ? `[${text}]:${port}` : `${text}:${port}`;
  };
  const parts = [
    spec.protocol,
    endpoint(spec.src, spec.sport),
    '->',
    endpoint(spec.dst, spec.dport),
    spec.origin,
  ];
  if (spec.iif !== undefined) parts.push(`iif=${spec.iif}`);
  if (spec.oif !== undefined) parts.push(`oif=${spec.oif}`);
  if (spec.mark !== 0) parts.push(`mark=0x${spec.mark.toString(16)}`);
  if (spec.ctmark !== undefined) parts.push(`ctmark=0x${spec.ctmark.toString(16)}`);
  if (spec.ctstate !== undefined) parts.push(`ctstate=${spec.ctstate}`);
  if (spec.uid !== undefined) parts.push(`uid=${spec.uid}`);
  if (spec.gid !== undefined) parts.push(`gid=${spec.gid}`);
  if (spec.protocol === 'tcp' && spec.tcpFlags.join(',') !== 'SYN')
    parts.push(`flags=${spec.tcpFlags.join(',')}`);
  if (spec.transparent) parts.push('transparent=yes');
  if (spec.icmpType !== undefined)
    parts.push(`type=${spec.icmpType}${spec.icmpCode !== undefined ? `/${spec.icmpCode}` : ''}`);
  return parts.join(' ');
}
