import type { InterfaceSpec } from '../../model/rule';
import { fail, ok, type Decoded } from './result';

/** Linux IFNAMSIZ is 16 including the NUL, so names have at most 15 characters. */
export const MAX_INTERFACE_NAME = 15;

/**
 * An interface name for -i/-o/--physdev-*: a trailing `+` makes it a prefix wildcard
 * (`xtables_parse_interface`); longer than 15 characters is refused.
 */
export function parseInterface(text: string): Decoded<InterfaceSpec> {
  if (text.length > MAX_INTERFACE_NAME) {
    return fail(`interface name \`${text}' must be shorter than IFNAMSIZ (${MAX_INTERFACE_NAME})`);
  }
  if (text.length === 0) return fail('empty interface name');
  const wildcard = text.endsWith('+');
  return ok({ name: wildcard ? text.slice(0, -1) : text, wildcard });
}
