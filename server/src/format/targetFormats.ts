import type { OptionUse, Target } from '../model/rule';
import { hex, parseUnsigned, parseValueMask } from './numbers';
import { saveQuote } from './quote';
import { canonicalRejectType, defaultLogLevel, defaultRejectType, parseLogLevel } from './values';
import type { FormatContext } from './matchFormats';

/**
 * Canonical option text of a target, as its save() in iptables 1.8.9 prints it (extensions/libxt_*.c,
 * confirmed by restore → iptables-save round trips), or undefined when some option is not understood,
 * in which case the caller keeps the target's options as written.
 */
export function formatTargetOptions(target: Target, ctx: FormatContext): string[] | undefined {
  const byName = groupOptions(target.options);
  if (byName === undefined) return undefined;
  const known = targetFormatters[target.kind];
  if (!known) return target.options.length === 0 ? [] : undefined;
  return known(byName, ctx, target.options);
}

type OptionsByName = ReadonlyMap<string, OptionUse>;
type TargetFormatter = (
  options: OptionsByName,
  ctx: FormatContext,
  all: readonly OptionUse[],
) => string[] | undefined;

/** Options by name; undefined when one is negated or repeated (the save form cannot express that). */
function groupOptions(options: readonly OptionUse[]): OptionsByName | undefined {
  const map = new Map<string, OptionUse>();
  for (const use of options) {
    if (use.negated || map.has(use.name)) return undefined;
    map.set(use.name, use);
  }
  return map;
}

const only =
  (allowed: readonly string[], build: TargetFormatter): TargetFormatter =>
  (options, ctx, all) =>
    all.every((o) => allowed.includes(o.name)) ? build(options, ctx, all) : undefined;

const argOf = (options: OptionsByName, name: string): string | undefined => options.get(name)?.args[0]?.text;

const plainArg = (text: string | undefined): text is string =>
  text !== undefined && /^[A-Za-z0-9_.:/-]+$/.test(text);

/**
 * `--set-xmark` value/mask for the MARK/CONNMARK mnemonics (libxt_MARK.c / libxt_CONNMARK.c parse):
 * set-mark v/m → v/(v|m); and-mark b → 0/~b; or-mark b → b/b; xor-mark b → b/0.
 */
function xmarkOf(options: OptionsByName): { value: number; mask: number } | undefined {
  const setX = argOf(options, 'set-xmark');
  if (setX !== undefined) {
    const p = parseValueMask(setX);
    return p && { value: p.value, mask: p.mask ?? 0xffffffff };
  }
  const set = argOf(options, 'set-mark');
  if (set !== undefined) {
    const p = parseValueMask(set);
    return p && { value: p.value, mask: (p.value | (p.mask ?? 0xffffffff)) >>> 0 };
  }
  const and = parseOptional(argOf(options, 'and-mark'));
  if (and !== undefined) return { value: 0, mask: ~and >>> 0 };
  const or = parseOptional(argOf(options, 'or-mark'));
  if (or !== undefined) return { value: or, mask: or };
  const xor = parseOptional(argOf(options, 'xor-mark'));
  if (xor !== undefined) return { value: xor, mask: 0 };
  return undefined;
}

function parseOptional(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseUnsigned(text);
}

const markOps = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];

const targetFormatters: Partial<Record<Target['kind'], TargetFormatter>> = {
  REJECT: only(['reject-with'], (o, ctx) => {
    const given = argOf(o, 'reject-with');
    return [
      '--reject-with',
      given === undefined ? defaultRejectType(ctx.family) : canonicalRejectType(given, ctx.family),
    ];
  }),
  LOG: only(
    [
      'log-prefix',
      'log-level',
      'log-tcp-sequence',
      'log-tcp-options',
      'log-ip-options',
      'log-uid',
      'log-macdecode',
    ],
    (o) => {
      const out: string[] = [];
      const prefix = argOf(o, 'log-prefix');
      if (prefix !== undefined) out.push('--log-prefix', saveQuote(prefix));
      const levelText = argOf(o, 'log-level');
      if (levelText !== undefined) {
        const level = parseLogLevel(levelText);
        if (level === undefined) return undefined;
        if (level !== defaultLogLevel) out.push('--log-level', String(level));
      }
      for (const name of [
        'log-tcp-sequence',
        'log-tcp-options',
        'log-ip-options',
        'log-uid',
        'log-macdecode',
      ]) {
        if (o.has(name)) out.push(`--${name}`);
      }
      return out;
    },
  ),
  NFLOG: only(['nflog-prefix', 'nflog-group'], (o) => {
    const out: string[] = [];
    const prefix = argOf(o, 'nflog-prefix');
    if (prefix !== undefined) out.push('--nflog-prefix', saveQuote(prefix));
    const group = parseOptional(argOf(o, 'nflog-group'));
    if (o.has('nflog-group') && group === undefined) return undefined;
    // libxt_NFLOG's save omits the default group 0.
    if (group !== undefined && group !== 0) out.push('--nflog-group', String(group));
    return out;
  }),
  MARK: only(markOps, (o) => {
    if (o.size !== 1) return undefined;
    const x = xmarkOf(o);
    return x && ['--set-xmark', `${hex(x.value)}/${hex(x.mask)}`];
  }),
  CONNMARK: (o, _ctx, all) => {
    if (all.some((u) => markOps.includes(u.name))) {
      if (o.size !== 1) return undefined;
      const x = xmarkOf(o);
      return x && ['--set-xmark', `${hex(x.value)}/${hex(x.mask)}`];
    }
    const kind = o.has('save-mark') ? 'save-mark' : o.has('restore-mark') ? 'restore-mark' : undefined;
    if (!kind || !all.every((u) => [kind, 'mask', 'nfmask', 'ctmask'].includes(u.name))) return undefined;
    // `--mask m` sets both masks; each defaults to all ones (libxt_CONNMARK.c, connmark_tg_parse_v1).
    const mask = parseOptional(argOf(o, 'mask'));
    const nfmask = parseOptional(argOf(o, 'nfmask')) ?? mask ?? 0xffffffff;
    const ctmask = parseOptional(argOf(o, 'ctmask')) ?? mask ?? 0xffffffff;
    return [`--${kind}`, '--nfmask', hex(nfmask), '--ctmask', hex(ctmask)];
  },
  TPROXY: only(['on-port', 'on-ip', 'tproxy-mark'], (o, ctx) => {
    const port = argOf(o, 'on-port');
    if (!plainArg(port)) return undefined;
    const ip = argOf(o, 'on-ip') ?? (ctx.family === 4 ? '0.0.0.0' : '::');
    if (!plainArg(ip)) return undefined;
    const markText = argOf(o, 'tproxy-mark');
    const mark = markText === undefined ? { value: 0, mask: 0 } : parseValueMask(markText);
    if (!mark) return undefined;
    // libxt_TPROXY: a mark without mask means all ones; no mark at all prints 0x0/0x0.
    const mask = markText === undefined ? 0 : (mark.mask ?? 0xffffffff);
    return ['--on-port', port, '--on-ip', ip, '--tproxy-mark', `${hex(mark.value)}/${hex(mask)}`];
  }),
  REDIRECT: only(['to-ports', 'random'], (o) => {
    const out: string[] = [];
    const ports = argOf(o, 'to-ports');
    if (o.has('to-ports')) {
      if (!plainArg(ports)) return undefined;
      out.push('--to-ports', ports);
    }
    if (o.has('random')) out.push('--random');
    return out;
  }),
  MASQUERADE: only(['to-ports', 'random', 'random-fully'], (o) => {
    const out: string[] = [];
    const ports = argOf(o, 'to-ports');
    if (o.has('to-ports')) {
      if (!plainArg(ports)) return undefined;
      out.push('--to-ports', ports);
    }
    if (o.has('random')) out.push('--random');
    if (o.has('random-fully')) out.push('--random-fully');
    return out;
  }),
};
