/**
 * Number parsing as libxtables' xtables_strtoui does it (strtoul with base 0): decimal, `0x` hex
 * and leading-zero octal. Returns undefined for anything else so callers keep the text as written.
 */
export function parseUnsigned(text: string, max = 0xffffffff): number | undefined {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) value = parseInt(text.slice(1), 8);
  else if (/^(0|[1-9][0-9]*)$/.test(text)) value = Number(text);
  else return undefined;
  return Number.isSafeInteger(value) && value <= max ? value : undefined;
}

/** `0x%x`, the way mark values and masks are printed by iptables-save. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

/** `value[/mask]` as the mark/connmark matches and MARK/CONNMARK/TPROXY targets accept it. */
export function parseValueMask(text: string): { value: number; mask?: number } | undefined {
  const [valueText, maskText, extra] = text.split('/');
  if (extra !== undefined || valueText === undefined) return undefined;
  const value = parseUnsigned(valueText);
  if (value === undefined) return undefined;
  if (maskText === undefined) return { value };
  const mask = parseUnsigned(maskText);
  return mask === undefined ? undefined : { value, mask };
}
