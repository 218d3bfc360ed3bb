import type { AddressSpec } from '../../model/rule';
import { formatAddress, prefixLength } from '../../format/addresses';
import { groupThousands } from './counters';

/**
 * What an address with its mask covers: the network, the first and last address and how many there
 * are. Host bits are cleared the way the kernel compares (`addr & mask`), so `10.1.2.3/24` reads as
 * 10.1.2.0–10.1.2.255 (iptables-save prints it as `10.1.2.0/24`, iptables-format.md §3).
 */
export interface AddressRange {
  readonly family: 4 | 6;
  readonly network: string;
  readonly first: string;
  readonly last: string;
  /** Undefined for a non-contiguous mask. */
  readonly prefix?: number;
  /** "1 address", "256 addresses", "2^64 addresses" */
  readonly size: string;
  /** The host bits were not zero as written. */
  readonly hostBitsSet: boolean;
}

export function addressRange(spec: AddressSpec): AddressRange {
  const bits = spec.family === 4 ? 32 : 128;
  const full = (1n << BigInt(bits)) - 1n;
  const mask = spec.mask & full;
  const network = spec.address & mask;
  const prefix = prefixLength(mask, bits);
  const hostBits = bits - popcount(mask);
  const last = network | (~mask & full);
  return {
    family: spec.family,
    network: formatAddress(network, spec.family),
    first: formatAddress(network, spec.family),
    last: formatAddress(last, spec.family),
    ...(prefix === undefined ? {} : { prefix }),
    size: sizeText(hostBits),
    hostBitsSet: (spec.address & ~mask & full) !== 0n,
  };
}

function popcount(value: bigint): number {
  let n = 0;
  for (let v = value; v > 0n; v >>= 1n) if ((v & 1n) === 1n) n++;
  return n;
}

function sizeText(hostBits: number): string {
  if (hostBits === 0) return '1 address';
  if (hostBits > 32) return `2^${hostBits} addresses`;
  return `${groupThousands(1n << BigInt(hostBits))} addresses`;
}

/** One sentence: "10.1.2.0 – 10.1.2.255 (256 addresses)." or "Exactly 127.0.0.1." */
export function describeAddressRange(range: AddressRange): string {
  if (range.prefix === 0) return `Any ${range.family === 4 ? 'IPv4' : 'IPv6'} address.`;
  if (range.size === '1 address') return `Exactly ${range.first}.`;
  if (range.prefix === undefined) {
    return `Addresses equal to ${range.network} in the masked bits (non-contiguous mask, ${range.size}).`;
  }
  return `${range.first} – ${range.last} (${range.size}).`;
}
