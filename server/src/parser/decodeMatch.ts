import type {
  AddressSpec,
  CtState,
  IdRange,
  InterfaceSpec,
  Match,
  PortRange,
  UnknownMatch,
} from '../model/rule';
import { coverJoinedSpans, coverSpans, type Span } from '../model/span';
import { addressTypes } from '../netfilter/matches';
import { icmpTypes, icmpv6Types, type IcmpTypeEntry } from '../netfilter/icmpTypes';
import { normaliseProtocol } from '../netfilter/protocols';
import { compact } from './compact';
import { decodeArg, decodeFlag, lastUse, parseWordList } from './decodeHelpers';
import type { Problems } from './problems';
import type { LoadedMatch } from './ruleParts';
import { parseAddress } from './values/addresses';
import { parseMark } from './values/marks';
import { parseDecimal } from './values/numbers';
import { utf8Length } from './utf8';
import { parsePortList, parsePortRange } from './values/ports';
import { fail, ok, type Decoded } from './values/result';
import { parseInterface } from './values/interfaces';

/** XT_MAX_COMMENT_LEN is 256 bytes including the NUL. */
export const MAX_COMMENT_BYTES = 255;

export const ctStates: readonly CtState[] = [
  'INVALID',
  'NEW',
  'ESTABLISHED',
  'RELATED',
  'UNTRACKED',
  'SNAT',
  'DNAT',
];
const stateStates: readonly CtState[] = ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED'];
const ctStatuses = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'] as const;
const tcpFlagNames = ['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH', 'ALL', 'NONE'] as const;

/** Context the decoders need besides the options themselves. */
export interface MatchDecodeContext {
  readonly problems: Problems;
  /** Family the addresses default to when the text does not tell (hostnames). */
  readonly family: 4 | 6;
}

/** The span a match covers: from `-m` (or the first option of an implicit match) to its last option. */
function matchSpan(m: LoadedMatch, fallback: Span): Span {
  const dashM = m.matchToken?.span;
  const name = m.moduleToken?.span;
  if (dashM && name) return coverJoinedSpans(dashM, name, m.options);
  const first = dashM ?? name ?? m.options[0]?.span;
  return first ? coverSpans(first, m.options) : fallback;
}

function icmpDecoder(table: Readonly<Record<string, IcmpTypeEntry>>) {
  return (text: string): Decoded<{ type: number; code?: number; text: string }> => {
    const named = table[text];
    if (named) return ok(named.code === undefined ? { type: named.type, text } : { ...named, text });
    const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(text);
    if (m) {
      const type = Number(m[1]);
      const code = m[2] === undefined ? undefined : Number(m[2]);
      if (type > 255 || (code !== undefined && code > 255)) return fail(`Invalid ICMP type \`${text}'`);
      return ok(code === undefined ? { type, text } : { type, code, text });
    }
    return fail(`Invalid ICMP type \`${text}'`);
  };
}

/** Built once: the decoders run for every icmp/icmp6 match of a dump. */
const decodeIcmpType = icmpDecoder(icmpTypes);
const decodeIcmpv6Type = icmpDecoder(icmpv6Types);

/** `uid[-uid]` or a user/group name (resolved only on the target machine: kept as text with NaN bounds). */
function parseIdRange(text: string): Decoded<IdRange> {
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(text);
  if (m) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > 0xffffffff || to > 0xffffffff || from > to) return fail(`Bad id range "${text}"`);
    return ok({ from, to, text });
  }
  if (/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(text)) return ok({ from: NaN, to: NaN, text });
  return fail(`Bad id "${text}"`);
}

/** `--tcp-flags mask comp`: two comma lists of flag names. */
function parseTcpFlags(maskText: string, compText: string): Decoded<{ mask: string[]; comp: string[] }> {
  const mask = parseWordList(maskText, tcpFlagNames, 'TCP flag');
  if (!mask.ok) return mask;
  const comp = parseWordList(compText, tcpFlagNames, 'TCP flag');
  if (!comp.ok) return comp;
  return ok({ mask: mask.value, comp: comp.value });
}

/** `from[-to]` of the iprange match: both ends of the same family. */
function parseRange(
  text: string,
  token: { readonly span: Span },
): Decoded<{ from: AddressSpec; to: AddressSpec }> {
  const dash = text.indexOf('-');
  const fromText = dash < 0 ? text : text.slice(0, dash);
  const toText = dash < 0 ? text : text.slice(dash + 1);
  const span = token.span;
  const from = parseAddress(fromText, span);
  if (!from.ok || from.value.hostname !== undefined || fromText.includes('/'))
    return fail(`iprange: invalid address \`${fromText}'`);
  const to = parseAddress(toText, span);
  if (!to.ok || to.value.hostname !== undefined || toText.includes('/'))
    return fail(`iprange: invalid address \`${toText}'`);
  if (from.value.family !== to.value.family) return fail(`iprange: mixed address families in \`${text}'`);
  return ok({ from: from.value, to: to.value });
}

export function parseProbability(text: string): Decoded<number> {
  const n = Number(text);
  if (!/^[0-9.eE+-]+$/.test(text) || !Number.isFinite(n) || n < 0 || n > 1) {
    return fail(`"--probability" must be between 0 and 1, got "${text}"`);
  }
  return ok(n);
}

const rateUnits: readonly [string, number][] = [
  ['second', 1],
  ['minute', 60],
  ['hour', 3600],
  ['day', 86400],
];

/** `N[/unit]` of the limit match: the unit may be any prefix of second, minute, hour or day. */
function parseRate(text: string): Decoded<{ perSecond: number; text: string }> {
  const slash = text.indexOf('/');
  const numText = slash < 0 ? text : text.slice(0, slash);
  if (!/^[0-9]+$/.test(numText) || Number(numText) === 0) return fail(`bad rate "${text}"`);
  let seconds = 1;
  if (slash >= 0) {
    const unit = text.slice(slash + 1).toLowerCase();
    const hit = unit.length > 0 ? rateUnits.find(([name]) => name.startsWith(unit)) : undefined;
    if (!hit) return fail(`bad rate "${text}"`);
    seconds = hit[1];
  }
  return ok({ perSecond: Number(numText) / seconds, text });
}

function parseMac(text: string): Decoded<string> {
  return /^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(text)
    ? ok(text.toLowerCase())
    : fail(`Bad mac address "${text}"`);
}

function parseSetSpec(name: string, flags: string): Decoded<{ name: string; flags: ('src' | 'dst')[] }> {
  if (name.length === 0 || name.length > 31) return fail(`setname \`${name}' too long, max 31 characters`);
  const parts = parseWordList(flags, ['src', 'dst'] as const, 'set flag');
  if (!parts.ok) return fail(`You must specify (the comma separated list of) 'src' or 'dst'.`);
  if (parts.value.length > 6) return fail(`Can't be more src/dst options than 6.`);
  return ok({ name, flags: parts.value });
}

/** Turns a loaded match and its option uses into the typed model; values iptables would refuse become problems. */
export function decodeMatch(m: LoadedMatch, ctx: MatchDecodeContext, fallback: Span): Match {
  const { problems } = ctx;
  const o = compact(m.options);
  // Each result spells out the common fields instead of spreading a shared base object: once optimised,
  // V8 gives every `{ ...base, extra }` object its own hidden class, which on big dumps costs memory and
  // makes every later property read megamorphic.
  const { matchToken, moduleToken, implicit } = m;
  const span = matchSpan(m, fallback);
  const p = `${m.name}: `;
  const port = (t: string) => parsePortRange(t);
  const address = (t: string, tok: { span: Span }) => {
    const a = parseAddress(t, tok.span, ctx.family);
    return a;
  };
  switch (m.spec?.name) {
    case 'tcp': {
      let tcpFlags = decodeArg(
        o,
        'tcp-flags',
        (t) => {
          const second = lastUse(o, 'tcp-flags')?.args[1];
          return second
            ? parseTcpFlags(t, second.text)
            : fail<{ mask: string[]; comp: string[] }>('--tcp-flags requires two args.');
        },
        problems,
        p,
      );
      const syn = lastUse(o, 'syn');
      if (syn && (!tcpFlags || o.indexOf(syn) > o.indexOf(tcpFlags.option))) {
        tcpFlags = {
          value: { mask: ['FIN', 'SYN', 'RST', 'ACK'], comp: ['SYN'] },
          negated: syn.negated,
          option: syn,
        };
      }
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'tcp',
        sport: decodeArg(o, 'source-port', port, problems, ''),
        dport: decodeArg(o, 'destination-port', port, problems, ''),
        tcpFlags,
        tcpOption: decodeArg(o, 'tcp-option', (t) => parseDecimal(t, 255), problems, p),
      };
    }
    case 'udp':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'udp',
        sport: decodeArg(o, 'source-port', port, problems, ''),
        dport: decodeArg(o, 'destination-port', port, problems, ''),
      };
    case 'multiport':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'multiport',
        sports: decodeArg(o, 'source-ports', parsePortList, problems, p),
        dports: decodeArg(o, 'destination-ports', parsePortList, problems, p),
        ports: decodeArg(o, 'ports', parsePortList, problems, p),
      };
    case 'mark':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'mark',
        mark: decodeArg(o, 'mark', parseMark, problems, p),
      };
    case 'connmark':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'connmark',
        mark: decodeArg(o, 'mark', parseMark, problems, p),
      };
    case 'conntrack':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'conntrack',
        ctstate: decodeArg(o, 'ctstate', (t) => parseWordList(t, ctStates, 'ctstate'), problems, p),
        ctproto: decodeArg(
          o,
          'ctproto',
          (t) => {
            const n = normaliseProtocol(t);
            return n ? ok(n) : fail(`unknown protocol "${t}" specified`);
          },
          problems,
          p,
        ),
        ctorigsrc: decodeArg(o, 'ctorigsrc', address, problems, p),
        ctorigdst: decodeArg(o, 'ctorigdst', address, problems, p),
        ctreplsrc: decodeArg(o, 'ctreplsrc', address, problems, p),
        ctrepldst: decodeArg(o, 'ctrepldst', address, problems, p),
        ctorigsrcport: decodeArg(o, 'ctorigsrcport', port, problems, p),
        ctorigdstport: decodeArg(o, 'ctorigdstport', port, problems, p),
        ctreplsrcport: decodeArg(o, 'ctreplsrcport', port, problems, p),
        ctrepldstport: decodeArg(o, 'ctrepldstport', port, problems, p),
        ctstatus: decodeArg(o, 'ctstatus', (t) => parseWordList(t, ctStatuses, 'ctstatus'), problems, p),
        ctdir: decodeArg(
          o,
          'ctdir',
          (t) =>
            parseWordList(t, ['ORIGINAL', 'REPLY'] as const, 'ctdir').ok
              ? ok(t.toUpperCase() as 'ORIGINAL' | 'REPLY')
              : fail(`Bad ctdir "${t}"`),
          problems,
          p,
        ),
      };
    case 'state':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'state',
        state: decodeArg(o, 'state', (t) => parseWordList(t, stateStates, 'state'), problems, p),
      };
    case 'owner':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'owner',
        uidOwner: decodeArg(o, 'uid-owner', parseIdRange, problems, p),
        gidOwner: decodeArg(o, 'gid-owner', parseIdRange, problems, p),
        socketExists: decodeFlag(o, 'socket-exists'),
        supplGroups: lastUse(o, 'suppl-groups') !== undefined,
      };
    case 'socket':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'socket',
        transparent: lastUse(o, 'transparent') !== undefined,
        nowildcard: lastUse(o, 'nowildcard') !== undefined,
        restoreSkmark: lastUse(o, 'restore-skmark') !== undefined,
      };
    case 'addrtype':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'addrtype',
        srcType: decodeArg(o, 'src-type', (t) => parseWordList(t, addressTypes, 'address type'), problems, p),
        dstType: decodeArg(o, 'dst-type', (t) => parseWordList(t, addressTypes, 'address type'), problems, p),
        limitIfaceIn: lastUse(o, 'limit-iface-in') !== undefined,
        limitIfaceOut: lastUse(o, 'limit-iface-out') !== undefined,
      };
    case 'comment': {
      const use = lastUse(o, 'comment');
      const text = use?.args[0]?.text;
      // XT_MAX_COMMENT_LEN is 256 bytes including the NUL; longer comments are cut silently (observed
      // with iptables 1.8.9: a 300-character comment is saved with 255).
      if (use && text !== undefined && utf8Length(text) > MAX_COMMENT_BYTES) {
        problems.add(
          'syntax.comment-too-long',
          use.args[0]!.span,
          `comment: the comment is ${utf8Length(text)} bytes long; iptables keeps only the first ${MAX_COMMENT_BYTES} and drops the rest silently.`,
        );
      }
      return text === undefined
        ? { matchToken, moduleToken, implicit, options: o, span, module: 'comment' }
        : { matchToken, moduleToken, implicit, options: o, span, module: 'comment', comment: text };
    }
    case 'statistic': {
      const mode = decodeArg(
        o,
        'mode',
        (t): Decoded<'random' | 'nth'> => (t === 'random' || t === 'nth' ? ok(t) : fail(`Bad mode "${t}"`)),
        problems,
        p,
      );
      const prob = decodeArg(o, 'probability', parseProbability, problems, p);
      const every = decodeArg(o, 'every', (t) => parseDecimal(t), problems, p);
      const packet = decodeArg(o, 'packet', (t) => parseDecimal(t), problems, p);
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'statistic',
        mode: mode?.value,
        probability: prob?.value,
        every: every?.value,
        packet: packet?.value,
        negated: (prob?.negated ?? false) || (every?.negated ?? false),
      };
    }
    case 'set': {
      const use = lastUse(o, 'match-set');
      let matchSet;
      if (use && use.args.length === 2) {
        const r = parseSetSpec(use.args[0]!.text, use.args[1]!.text);
        if (r.ok) matchSet = { value: r.value, negated: use.negated, option: use };
        else problems.add('syntax.bad-value', use.args[1]!.span, `set: ${r.message}`);
      }
      return { matchToken, moduleToken, implicit, options: o, span, module: 'set', matchSet };
    }
    case 'iprange':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'iprange',
        srcRange: decodeArg(o, 'src-range', parseRange, problems, ''),
        dstRange: decodeArg(o, 'dst-range', parseRange, problems, ''),
      };
    case 'physdev':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'physdev',
        physdevIn: decodeArg(o, 'physdev-in', parseInterface, problems, p),
        physdevOut: decodeArg(o, 'physdev-out', parseInterface, problems, p),
        physdevIsIn: decodeFlag(o, 'physdev-is-in'),
        physdevIsOut: decodeFlag(o, 'physdev-is-out'),
        physdevIsBridged: decodeFlag(o, 'physdev-is-bridged'),
      };
    case 'icmp':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'icmp',
        icmpType: decodeArg(o, 'icmp-type', decodeIcmpType, problems, ''),
      };
    case 'icmp6':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'icmp6',
        icmpv6Type: decodeArg(o, 'icmpv6-type', decodeIcmpv6Type, problems, ''),
      };
    case 'mac':
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'mac',
        macSource: decodeArg(o, 'mac-source', parseMac, problems, p),
      };
    case 'limit': {
      const limit = decodeArg(o, 'limit', parseRate, problems, p);
      const burst = decodeArg(o, 'limit-burst', (t) => parseDecimal(t), problems, p);
      return {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: 'limit',
        limit: limit?.value,
        burst: burst?.value,
      };
    }
    default: {
      const unknown: UnknownMatch = {
        matchToken,
        moduleToken,
        implicit,
        options: o,
        span,
        module: m.name,
        unknown: true,
      };
      return unknown;
    }
  }
}

/** Interface spec for the generic -i/-o too. */
export type { InterfaceSpec, PortRange };
