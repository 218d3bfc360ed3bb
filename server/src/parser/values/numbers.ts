import { fail, ok, type Decoded } from './result';

export const UINT32_MAX = 0xffffffff;

/**
 * An unsigned integer as libxtables' `xtables_strtoui` reads it with base 0 (strtoul semantics):
 * `0x…` is hex, a leading `0` is octal, otherwise decimal. No sign, no trailing text.
 */
export function parseUnsigned(text: string, max: number = UINT32_MAX): Decoded<number> {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) value = text.length === 1 ? 0 : parseInt(text.slice(1), 8);
  else if (/^[1-9][0-9]*$/.test(text)) value = Number(text);
  else return fail(`\`${text}' is not a number`);
  if (!Number.isFinite(value) || value > max) return fail(`\`${text}' is out of range (maximum ${max})`);
  return ok(value);
}

/** A decimal count (burst, every, packet …), as `xtables_strtoui` with base 10 would accept. */
export function parseDecimal(text: string, max: number = UINT32_MAX): Decoded<number> {
  if (!/^[0-9]+$/.test(text)) return fail(`\`${text}' is not a number`);
  const value = Number(text);
  if (value > max) return fail(`\`${text}' is out of range (maximum ${max})`);
  return ok(value);
}

/** Formats an unsigned 32-bit number the way iptables-save prints marks: `0x539`. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}
