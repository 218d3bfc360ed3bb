import type { ConnmarkSaveRestore, NatRange, OptionUse, Target, XmarkOp } from '../model/rule';
import { coverJoinedSpans, type Span } from '../model/span';
import { rejectTypesV4, rejectTypesV6 } from '../netfilter/targets';
import { lastUse } from './decodeHelpers';
import type { Problems } from './problems';
import type { LoadedTarget } from './ruleParts';
import { parseAddress } from './values/addresses';
import { parseMark } from './values/marks';
import { parseDecimal, parseUnsigned, UINT32_MAX } from './values/numbers';
import { parsePort, parsePortRange } from './values/ports';
import { fail, ok, type Decoded } from './values/result';
import { compact } from './compact';

/** Syslog level names accepted by LOG --log-level (libxt_LOG), mapped to their numbers. */
const logLevels: Readonly<Record<string, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  error: 3,
  err: 3,
  warning: 4,
  warn: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

const MARK_OPS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'] as const;

export interface TargetDecodeContext {
  readonly problems: Problems;
  readonly family: 4 | 6;
}

function targetSpan(t: LoadedTarget): Span {
  return coverJoinedSpans(t.jumpToken.span, t.nameToken.span, t.options);
}

/** Decodes the first argument of `use`, reporting a bad value on its token. */
function arg<T>(
  use: OptionUse | undefined,
  decode: (text: string) => Decoded<T>,
  problems: Problems,
  prefix: string,
): T | undefined {
  const token = use?.args[0];
  if (!token) return undefined;
  const r = decode(token.text);
  if (!r.ok) {
    problems.add('syntax.bad-value', token.span, `${prefix}${r.message}`);
    return undefined;
  }
  return r.value;
}

/**
 * The MARK/CONNMARK set operations, normalised to the kernel's xmark form exactly as libxt_MARK and
 * libxt_CONNMARK do it: set-mark v/m → v/(v|m); and-mark b → 0/~b; or-mark b → b/b; xor-mark b → b/0.
 */
function decodeXmark(
  options: readonly OptionUse[],
  ctx: TargetDecodeContext,
  prefix: string,
): XmarkOp | undefined {
  const uses = options.filter((o) => (MARK_OPS as readonly string[]).includes(o.name));
  if (uses.length > 1) {
    ctx.problems.add(
      'syntax.incompatible-options',
      uses[1]!.token.span,
      `${prefix}only one of --set-xmark, --set-mark, --and-mark, --or-mark and --xor-mark may be given`,
    );
  }
  const use = uses[0];
  if (!use) return undefined;
  const writtenAs = use.name;
  if (writtenAs === 'set-xmark' || writtenAs === 'set-mark') {
    const mark = arg(use, parseMark, ctx.problems, prefix);
    if (!mark) return undefined;
    const mask = writtenAs === 'set-mark' ? (mark.value | mark.mask) >>> 0 : mark.mask;
    return { kind: 'set-xmark', value: mark.value, mask, writtenAs };
  }
  const bits = arg(use, (t) => parseUnsigned(t), ctx.problems, prefix);
  if (bits === undefined) return undefined;
  if (writtenAs === 'and-mark') return { kind: 'set-xmark', value: 0, mask: ~bits >>> 0, writtenAs };
  if (writtenAs === 'or-mark') return { kind: 'set-xmark', value: bits, mask: bits, writtenAs };
  return { kind: 'set-xmark', value: bits, mask: 0, writtenAs };
}

/** CONNMARK --save-mark / --restore-mark with --nfmask/--ctmask/--mask (all default 0xffffffff). */
function decodeSaveRestore(
  options: readonly OptionUse[],
  ctx: TargetDecodeContext,
): ConnmarkSaveRestore | undefined {
  const save = lastUse(options, 'save-mark');
  const restore = lastUse(options, 'restore-mark');
  const use = save ?? restore;
  if (!use) return undefined;
  const p = 'CONNMARK: ';
  const num = (t: string) => parseUnsigned(t, UINT32_MAX);
  const mask = arg(lastUse(options, 'mask'), num, ctx.problems, p);
  const nfmask = arg(lastUse(options, 'nfmask'), num, ctx.problems, p) ?? mask ?? UINT32_MAX;
  const ctmask = arg(lastUse(options, 'ctmask'), num, ctx.problems, p) ?? mask ?? UINT32_MAX;
  return {
    kind:
      save && (!restore || options.indexOf(save) > options.indexOf(restore)) ? 'save-mark' : 'restore-mark',
    nfmask,
    ctmask,
  };
}

/** `[ip[-ip]][:port[-port]]`, IPv6 addresses in brackets when a port follows (libipt_DNAT/libip6t_DNAT). */
export function parseNatRange(text: string, span: Span): Decoded<NatRange> {
  let addrPart = text;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail(`Invalid address range \`${text}'`);
    addrPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest.startsWith(':')) portPart = rest.slice(1);
    else if (rest !== '') return fail(`Invalid port range \`${rest}'`);
  } else {
    const colons = text.split(':').length - 1;
    if (colons === 1) {
      const at = text.indexOf(':');
      addrPart = text.slice(0, at);
      portPart = text.slice(at + 1);
    }
  }
  let fromAddress;
  let toAddress;
  if (addrPart !== '') {
    const dash = addrPart.indexOf('-');
    const a = parseAddress(dash < 0 ? addrPart : addrPart.slice(0, dash), span);
    if (!a.ok || a.value.hostname !== undefined) return fail(`Bad IP address "${addrPart}"`);
    fromAddress = a.value;
    toAddress = a.value;
    if (dash >= 0) {
      const b = parseAddress(addrPart.slice(dash + 1), span);
      if (!b.ok || b.value.hostname !== undefined) return fail(`Bad IP address "${addrPart}"`);
      toAddress = b.value;
    }
  }
  let ports;
  if (portPart !== undefined) {
    // A `/base` suffix (DNAT port shifting) does not change the port range itself.
    const slash = portPart.indexOf('/');
    const r = parsePortRange(slash < 0 ? portPart : portPart.slice(0, slash), '-');
    if (!r.ok) return fail(`Port \`${portPart}' not valid`);
    ports = r.value;
  }
  return ok({ fromAddress, toAddress, ports, text });
}

function parseLogLevel(text: string): Decoded<string> {
  if (/^[0-7]$/.test(text)) return ok(text);
  const n = logLevels[text.toLowerCase()];
  return n === undefined ? fail(`log level \`${text}' unknown`) : ok(String(n));
}

/**
 * Turns the loaded target into the typed model. Names that are not known targets become `chain`
 * targets here; the ruleset builder later turns those that no chain declares into `unknown`.
 */
export function decodeTarget(t: LoadedTarget, ctx: TargetDecodeContext): Target {
  const { problems } = ctx;
  const o = compact(t.options);
  // Spelled out per result rather than spread from a shared base: see decodeMatch for why.
  const { name, nameToken, jumpToken, goto } = t;
  const span = targetSpan(t);
  const p = `${t.name}: `;
  switch (t.spec?.name) {
    case undefined:
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'chain' };
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return { name, nameToken, jumpToken, goto, options: o, span, kind: t.spec.name };
    case 'REJECT': {
      const table = ctx.family === 6 ? rejectTypesV6 : rejectTypesV4;
      const rejectWith = arg(
        lastUse(o, 'reject-with'),
        (x) => {
          const hit = table[x] ?? rejectTypesV4[x] ?? rejectTypesV6[x];
          return hit ? ok(hit) : fail(`unknown reject type "${x}"`);
        },
        problems,
        p,
      );
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'REJECT', rejectWith };
    }
    case 'LOG': {
      const prefixToken = lastUse(o, 'log-prefix')?.args[0];
      const prefix = prefixToken?.text;
      // The kernel's prefix buffer holds 29 characters plus the NUL; longer prefixes are cut silently.
      if (prefix !== undefined && prefix.length > 29 && prefixToken) {
        problems.add(
          'syntax.value-truncated',
          prefixToken.span,
          `LOG: the prefix has ${prefix.length} characters; iptables keeps only the first 29 ("${prefix.slice(0, 29)}").`,
        );
      }
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'LOG',
        level: arg(lastUse(o, 'log-level'), parseLogLevel, problems, p),
        prefix,
      };
    }
    case 'NFLOG':
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'NFLOG',
        group: arg(lastUse(o, 'nflog-group'), (x) => parseDecimal(x, 65535), problems, p),
        prefix: lastUse(o, 'nflog-prefix')?.args[0]?.text,
      };
    case 'MARK': {
      const op = decodeXmark(o, ctx, p);
      if (!o.some((u) => (MARK_OPS as readonly string[]).includes(u.name))) {
        problems.add(
          'syntax.missing-required-option',
          t.nameToken.span,
          'MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required',
        );
      }
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'MARK', op };
    }
    case 'CONNMARK': {
      const xmark = decodeXmark(o, ctx, p);
      const saveRestore = decodeSaveRestore(o, ctx);
      if (xmark && saveRestore) {
        problems.add(
          'syntax.incompatible-options',
          span,
          `${p}a set operation cannot be combined with --save-mark/--restore-mark`,
        );
      }
      if (!saveRestore && !o.some((u) => (MARK_OPS as readonly string[]).includes(u.name))) {
        problems.add(
          'syntax.missing-required-option',
          t.nameToken.span,
          'CONNMARK target: No operation specified (--set-xmark, --save-mark or --restore-mark)',
        );
      }
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'CONNMARK',
        op: xmark ?? saveRestore,
      };
    }
    case 'CT': {
      const zone = arg(
        lastUse(o, 'zone'),
        (x) => (x === 'mark' ? ok(NaN) : parseDecimal(x, 65535)),
        problems,
        p,
      );
      const helper = lastUse(o, 'helper')?.args[0]?.text;
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'CT',
        notrack: lastUse(o, 'notrack') !== undefined,
        zone,
        helper,
      };
    }
    case 'TPROXY': {
      const onPort = arg(lastUse(o, 'on-port'), parsePort, problems, p);
      const onIp = arg(
        lastUse(o, 'on-ip'),
        (x) => {
          const a = parseAddress(x, lastUse(o, 'on-ip')!.args[0]!.span, ctx.family);
          return a.ok && a.value.hostname === undefined && !x.includes('/')
            ? a
            : fail(`Bad IP address "${x}"`);
        },
        problems,
        p,
      );
      const mark = arg(lastUse(o, 'tproxy-mark'), parseMark, problems, p);
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'TPROXY',
        onPort,
        onIp,
        tproxyMark: mark ? { value: mark.value, mask: mark.mask } : undefined,
      };
    }
    case 'REDIRECT':
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'REDIRECT',
        toPorts: arg(lastUse(o, 'to-ports'), (x) => parsePortRange(x, '-'), problems, p),
        random: lastUse(o, 'random') !== undefined,
      };
    case 'MASQUERADE':
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'MASQUERADE',
        toPorts: arg(lastUse(o, 'to-ports'), (x) => parsePortRange(x, '-'), problems, p),
      };
    case 'DNAT': {
      const use = lastUse(o, 'to-destination');
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'DNAT',
        toDestination: use ? arg(use, (x) => parseNatRange(x, use.args[0]!.span), problems, p) : undefined,
      };
    }
    case 'SNAT': {
      const use = lastUse(o, 'to-source');
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'SNAT',
        toSource: use ? arg(use, (x) => parseNatRange(x, use.args[0]!.span), problems, p) : undefined,
      };
    }
    case 'TRACE':
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'TRACE' };
    case 'NOTRACK':
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'NOTRACK' };
    case 'TCPMSS':
      return {
        name,
        nameToken,
        jumpToken,
        goto,
        options: o,
        span,
        kind: 'TCPMSS',
        setMss: arg(lastUse(o, 'set-mss'), (x) => parseDecimal(x, 65535), problems, p),
        clampMssToPmtu: lastUse(o, 'clamp-mss-to-pmtu') !== undefined,
      };
    default:
      return { name, nameToken, jumpToken, goto, options: o, span, kind: 'unknown' };
  }
}
