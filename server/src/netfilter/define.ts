import type { OptionSpec, ValueKind } from './spec';

/** Extra fields of an option entry beyond name, value kind, syntax and summary. */
export type OptionExtras = Partial<Omit<OptionSpec, 'name' | 'value' | 'syntax' | 'summary'>>;

/**
 * Shorthand for an extension option entry. Most extension options take one argument and can be
 * negated with a preceding `!`; flags take none. The extras override either default.
 */
export function option(
  name: string,
  value: ValueKind,
  syntax: string,
  summary: string,
  extras: OptionExtras = {},
): OptionSpec {
  const args = value === 'flag' ? 0 : 1;
  const negatable = syntax.startsWith('[!]');
  return { name, value, syntax, summary, args, negatable, once: true, ...extras };
}
