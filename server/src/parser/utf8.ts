/**
 * UTF-8 byte counts of UTF-16 text: iptables-restore's line buffer, its argument buffer and the
 * kernel's fixed-size comment all count bytes, where JavaScript strings count code units.
 */

/** UTF-8 length of one UTF-16 code unit; a surrogate half counts 2, so a pair counts 4. */
export function utf8Bytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

/** UTF-8 length of a string. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += utf8Bytes(text.charCodeAt(i));
  return n;
}
