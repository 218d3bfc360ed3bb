/**
 * IPv4/IPv6 addresses as bigints, the representation the model uses (model/rule.ts AddressSpec).
 * Parsing accepts the textual forms of inet_pton(3); formatting follows RFC 5952 for IPv6 (what
 * iptables-save and `ip addr` print), so traces read like the tools' output.
 */
import type { Family } from './types';
import { formatAddress as formatAddressText } from '../format/addresses';

export interface ParsedAddress {
  readonly family: Family;
  readonly value: bigint;
}

/** Parses `10.0.0.1` or `fd00::1`; undefined when the text is not an address. */
export function parseAddress(text: string): ParsedAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups.
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] | undefined => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0]);
  const right = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (left === undefined || right === undefined) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Prints an address the way iptables-save and iproute2 do (glibc's inet_ntop; one implementation for all). */
export function formatAddress(family: Family, value: bigint): string {
  return formatAddressText(value, family);
}

/** Whether an address is in 127.0.0.0/8 or is ::1 — always local, always reached over `lo`. */
export function isLoopback(family: Family, value: bigint): boolean {
  return family === 4 ? value >> 24n === 127n : value === 1n;
}

/** The loopback address REDIRECT uses for locally generated packets (iptables-extensions(8), REDIRECT). */
export function loopbackAddress(family: Family): bigint {
  return family === 4 ? 0x7f000001n : 1n;
}
