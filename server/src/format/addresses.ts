import type { AddressSpec } from '../model/rule';

const ipv4Full = (1n << 32n) - 1n;
const ipv6Full = (1n << 128n) - 1n;

/**
 * An address as iptables-save prints it: host bits cleared, the mask as a prefix length when it is
 * contiguous and as a dotted (IPv4) or colon (IPv6) mask when it is not (reference §3, observed
 * with iptables-save 1.8.9: `10.1.2.3/255.255.0.0` → `10.1.0.0/16`, `fe80::/ffff:ffff::` → `fe80::/32`).
 */
export function canonicalAddress(spec: AddressSpec): string {
  const full = spec.family === 4 ? ipv4Full : ipv6Full;
  const bits = spec.family === 4 ? 32 : 128;
  const mask = spec.mask & full;
  const network = spec.address & mask;
  const prefix = prefixLength(mask, bits);
  const maskText = prefix !== undefined ? String(prefix) : formatAddress(mask, spec.family);
  return `${formatAddress(network, spec.family)}/${maskText}`;
}

/** The prefix length of a contiguous mask, or undefined for a mask with holes. */
export function prefixLength(mask: bigint, bits: number): number | undefined {
  let ones = 0;
  while (ones < bits && ((mask >> BigInt(bits - 1 - ones)) & 1n) === 1n) ones++;
  const rest = mask & ((1n << BigInt(bits - ones)) - 1n);
  return rest === 0n ? ones : undefined;
}

export function formatAddress(value: bigint, family: 4 | 6): string {
  return family === 4 ? formatIpv4(value) : formatIpv6(value);
}

function formatIpv4(value: bigint): string {
  const octets: number[] = [];
  for (let shift = 24n; shift >= 0n; shift -= 8n) octets.push(Number((value >> shift) & 0xffn));
  return octets.join('.');
}

/**
 * IPv6 text as glibc's inet_ntop writes it: lower-case hex, the longest run (≥ 2) of zero groups
 * shortened to `::` (the first one on a tie), and `::ffff:a.b.c.d` for IPv4-mapped addresses.
 */
function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(value & ipv4Full)}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hexGroups = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hexGroups.join(':');
  const head = hexGroups.slice(0, bestStart).join(':');
  const tail = hexGroups.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
