import type { Negatable, OptionUse } from '../model/rule';
import type { Span } from '../model/span';
import type { Token } from '../model/syntax';
import type { Problems } from './problems';
import type { Decoded } from './values/result';

/** The span from the `!` (or the option) to its last argument. */
export function optionSpan(use: OptionUse): Span {
  return use.span;
}

/** The last use of an option by canonical name (iptables keeps the last value when repeats are allowed). */
export function lastUse(options: readonly OptionUse[], name: string): OptionUse | undefined {
  for (let i = options.length - 1; i >= 0; i--) if (options[i]!.name === name) return options[i];
  return undefined;
}

/** The span to blame for a bad value: the argument token, or the option when it has none. */
export function valueSpan(use: OptionUse, argIndex = 0): Span {
  return (use.args[argIndex] ?? use.token).span;
}

/**
 * Decodes the first argument of the last use of `name`; a decoding failure becomes a
 * `syntax.bad-value` problem on the argument token and the value is left out.
 */
export function decodeArg<T>(
  options: readonly OptionUse[],
  name: string,
  decode: (text: string, token: Token) => Decoded<T>,
  problems: Problems,
  prefix: string,
): Negatable<T> | undefined {
  const use = lastUse(options, name);
  if (!use) return undefined;
  const arg = use.args[0];
  if (!arg) return undefined;
  const result = decode(arg.text, arg);
  if (!result.ok) {
    problems.add('syntax.bad-value', arg.span, `${prefix}${result.message}`);
    return undefined;
  }
  return { value: result.value, negated: use.negated, option: use };
}

/** A flag option given (possibly negated). */
export function decodeFlag(options: readonly OptionUse[], name: string): Negatable<true> | undefined {
  const use = lastUse(options, name);
  return use ? { value: true, negated: use.negated, option: use } : undefined;
}

/** A comma list whose items must come from `allowed` (compared case-insensitively, returned as allowed spells them). */
export function parseWordList<T extends string>(
  text: string,
  allowed: readonly T[],
  what: string,
): Decoded<T[]> {
  const out: T[] = [];
  for (const part of text.split(',')) {
    const hit = allowed.find((a) => a.toLowerCase() === part.toLowerCase());
    if (!hit) return { ok: false, message: `Bad ${what} "${part}"` };
    out.push(hit);
  }
  return { ok: true, value: out };
}
