import type { AddressSpec } from '../../model/rule';
import type { Span } from '../../model/span';
import { fail, ok, type Decoded } from './result';

const V4_ALL = (1n << 32n) - 1n;
const V6_ALL = (1n << 128n) - 1n;

/** A dotted-quad IPv4 address as a bigint, or undefined. */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  // Accumulated as a Number (exact below 2^53) and converted once: one bigint per address, not eight.
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

/** An IPv6 address (RFC 4291 text forms, including `::` and an embedded dotted quad) as a bigint. */
export function parseIPv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let groups: string[];
  const doubleColon = text.indexOf('::');
  if (doubleColon >= 0 && text.indexOf('::', doubleColon + 1) >= 0) return undefined;
  const expand = (part: string): string[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const last = items[items.length - 1]!;
    if (last.includes('.')) {
      const v4 = parseIPv4(last);
      if (v4 === undefined) return undefined;
      items.splice(items.length - 1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return items;
  };
  if (doubleColon >= 0) {
    const head = expand(text.slice(0, doubleColon));
    const tail = expand(text.slice(doubleColon + 2));
    if (head === undefined || tail === undefined) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<string>(missing).fill('0'), ...tail];
  } else {
    const all = expand(text);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

/** The prefix length of a contiguous mask, or undefined for a mask with holes. */
export function prefixOfMask(mask: bigint, bits: number): number | undefined {
  const all = bits === 32 ? V4_ALL : V6_ALL;
  const inverted = ~mask & all;
  // A contiguous mask's inverse is 2^k − 1.
  if ((inverted & (inverted + 1n)) !== 0n) return undefined;
  let k = 0;
  for (let v = inverted; v > 0n; v >>= 1n) k++;
  return bits - k;
}

/** Masks by prefix length, made once: every address of a big dump carries one. */
const V4_MASKS: readonly bigint[] = Array.from({ length: 33 }, (_, p) => computeMask(p, 32));
const V6_MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, p) => computeMask(p, 128));

function computeMask(prefix: number, bits: number): bigint {
  const all = bits === 32 ? V4_ALL : V6_ALL;
  return prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
}

export function maskOfPrefix(prefix: number, bits: number): bigint {
  const shared = (bits === 32 ? V4_MASKS : bits === 128 ? V6_MASKS : undefined)?.[prefix];
  return shared ?? computeMask(prefix, bits);
}

/** Names iptables would resolve through /etc/hosts on any Debian system. */
const wellKnownHosts: Readonly<Record<string, { v4: string; v6: string }>> = {
  localhost: { v4: '127.0.0.1', v6: '::1' },
};

/** Looks like a hostname (RFC 1123 labels) rather than a mistyped address. */
function isHostname(text: string): boolean {
  return (
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(text) &&
    /[A-Za-z]/.test(text)
  );
}

/**
 * One `address[/mask]` (iptables(8) `-s`): the family follows from the text (a colon means IPv6).
 * The mask is a prefix length or, for IPv4, a dotted mask; without a mask the address is a host.
 * A hostname cannot be resolved offline: it is kept with `hostname` set (and `localhost` resolved).
 */
export function parseAddress(text: string, span: Span, preferFamily: 4 | 6 = 4): Decoded<AddressSpec> {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  let family: 4 | 6;
  let address: bigint | undefined;
  let hostname: string | undefined;
  if (addrText.includes(':')) {
    family = 6;
    address = parseIPv6(addrText);
  } else {
    family = 4;
    address = parseIPv4(addrText);
  }
  if (address === undefined) {
    if (!isHostname(addrText)) return fail(`host/network \`${addrText}' not found`);
    hostname = addrText;
    const known = wellKnownHosts[addrText.toLowerCase()];
    if (known) {
      family = preferFamily;
      address = family === 4 ? parseIPv4(known.v4)! : parseIPv6(known.v6)!;
    } else {
      family = preferFamily;
      address = 0n;
    }
  }
  const bits = family === 4 ? 32 : 128;
  let mask = family === 4 ? V4_ALL : V6_ALL;
  let prefix: number | undefined = bits;
  if (maskText !== undefined) {
    if (/^[0-9]+$/.test(maskText)) {
      const n = Number(maskText);
      if (n > bits) return fail(`invalid mask \`${maskText}' specified`);
      prefix = n;
      mask = maskOfPrefix(n, bits);
    } else {
      const parsed = family === 4 ? parseIPv4(maskText) : parseIPv6(maskText);
      if (parsed === undefined) return fail(`invalid mask \`${maskText}' specified`);
      mask = parsed;
      prefix = prefixOfMask(mask, bits);
    }
  }
  const spec: AddressSpec = { family, address, mask, prefix, text, span };
  if (hostname !== undefined) return ok({ ...spec, hostname });
  return ok(spec);
}

/** A comma list of addresses (`-s a,b/24`); each becomes its own kernel rule. */
export function parseAddressList(text: string, span: Span, preferFamily: 4 | 6 = 4): Decoded<AddressSpec[]> {
  const out: AddressSpec[] = [];
  for (const part of text.split(',')) {
    if (part === '') return fail(`host/network \`' not found`);
    const one = parseAddress(part, span, preferFamily);
    if (!one.ok) return one;
    out.push(one.value);
  }
  return ok(out);
}

/** Formats an address bigint in the usual text form (dotted quad or compressed IPv6). */
export function formatAddress(address: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((address >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}
