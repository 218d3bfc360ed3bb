/**
 * Mark arithmetic made visible: which bits a mask selects and what a `value/mask` test or update does.
 * Semantics from iptables-extensions(8) "mark", "MARK", "CONNMARK" and the kernel's xt_mark.c /
 * xt_connmark.c: a match tests `(mark & mask) == value`; `--set-xmark value/mask` computes
 * `mark = (mark & ~mask) ^ value`.
 */

/** `0x539` */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

/** Inclusive bit ranges set in a 32-bit mask, lowest first: 0xfff → [[0, 11]]. */
export function maskBitRanges(mask: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = -1;
  for (let bit = 0; bit <= 32; bit++) {
    const set = bit < 32 && ((mask >>> bit) & 1) === 1;
    if (set && start < 0) start = bit;
    if (!set && start >= 0) {
      ranges.push([start, bit - 1]);
      start = -1;
    }
  }
  return ranges;
}

/** "bits 0–11 (12 bits)", "all 32 bits", "no bits". */
export function describeMaskBits(mask: number): string {
  const m = mask >>> 0;
  if (m === 0xffffffff) return 'all 32 bits';
  if (m === 0) return 'no bits';
  const ranges = maskBitRanges(m);
  const count = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  const list = ranges.map(([a, b]) => (a === b ? `bit ${a}` : `bits ${a}–${b}`)).join(', ');
  return `${list} (${count} bit${count === 1 ? '' : 's'})`;
}

/** 32 bits in groups of four, most significant first. */
export function binaryGroups(value: number): string {
  const bits = (value >>> 0).toString(2).padStart(32, '0');
  return bits.replace(/(.{4})(?=.)/g, '$1 ');
}

/** A code-block bit view of value and mask, aligned. */
export function bitView(value: number, mask: number): string[] {
  return [`mask  ${binaryGroups(mask)}  ${hex32(mask)}`, `value ${binaryGroups(value)}  ${hex32(value)}`];
}

/** Value bits outside the mask: a match with such bits can never be true. */
export function bitsOutsideMask(value: number, mask: number): number {
  return (value & ~mask) >>> 0;
}

/** `0x539 (1337)` */
export function hexAndDecimal(value: number): string {
  return `${hex32(value)} (${value >>> 0})`;
}
