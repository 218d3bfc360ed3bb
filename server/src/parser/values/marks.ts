import type { MarkSpec } from '../../model/rule';
import { parseUnsigned, UINT32_MAX } from './numbers';
import { fail, ok, type Decoded } from './result';

/**
 * `value[/mask]` as the mark/connmark matches and the MARK/CONNMARK/TPROXY targets take it
 * (libxtables XTTYPE_MARKMASK32): both parts unsigned 32-bit; the mask defaults to 0xffffffff.
 */
export function parseMark(text: string): Decoded<MarkSpec> {
  const slash = text.indexOf('/');
  const valueText = slash < 0 ? text : text.slice(0, slash);
  const value = parseUnsigned(valueText, UINT32_MAX);
  if (!value.ok) return fail(`Bad mark value "${text}": ${value.message}`);
  if (slash < 0) return ok({ value: value.value, mask: UINT32_MAX, maskGiven: false, text });
  const mask = parseUnsigned(text.slice(slash + 1), UINT32_MAX);
  if (!mask.ok) return fail(`Bad mark mask "${text}": ${mask.message}`);
  return ok({ value: value.value, mask: mask.value, maskGiven: true, text });
}
