/**
 * Counter values in words: `[99138:22880045]` → "99,138 packets, 22.9 MB". Bytes use decimal (SI)
 * units with one decimal, the way `iptables -L -v` abbreviates them (K = 1000, M = 1000²), so a
 * hover reads like the listing the user compares it with.
 */

const byteUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB'] as const;

/** An integer with thousands separators: 99138 → "99,138". */
export function groupThousands(value: bigint): string {
  const digits = (value < 0n ? -value : value).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0n ? `-${grouped}` : grouped;
}

/** A byte count in SI units with one decimal: 22880045 → "22.9 MB"; below 1000 → "512 bytes". */
export function formatBytes(bytes: bigint): string {
  if (bytes < 1000n) return `${bytes} ${bytes === 1n ? 'byte' : 'bytes'}`;
  let unit = 0;
  let scale = 1n;
  while (unit < byteUnits.length - 1 && bytes >= scale * 1000n) {
    scale *= 1000n;
    unit++;
  }
  // Round to tenths in integer arithmetic: counters are 64-bit and exceed Number's exact range.
  let tenths = (bytes * 10n + scale / 2n) / scale;
  if (tenths >= 10000n && unit < byteUnits.length - 1) {
    unit++;
    scale *= 1000n;
    tenths = (bytes * 10n + scale / 2n) / scale;
  }
  return `${tenths / 10n}.${tenths % 10n} ${byteUnits[unit]}`;
}

/** "99,138 packets, 22.9 MB" */
export function describeCounters(packets: bigint, bytes: bigint): string {
  const noun = packets === 1n ? 'packet' : 'packets';
  return `${groupThousands(packets)} ${noun}, ${formatBytes(bytes)}`;
}
