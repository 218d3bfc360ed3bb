import type { AddressSpec } from '../../model/rule';
import type { Token } from '../../model/syntax';
import { spanContains } from '../../model/span';
import { canonicalAddress } from '../../format/addresses';
import { parseAddress } from '../../trace/address';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import { istioAddressMeaning } from './istioMeaning';
import { addressRange, describeAddressRange } from './addresses';
import type { ValueSite } from './valueSite';
import { chainOf } from './valueSite';

/**
 * Address values: `-s`/`-d` (from the model, one span per comma-list entry), `--on-ip`, `--to-source` and
 * `--to-destination` ranges, with the covered range, its size and the Istio meaning.
 */

/** The address under the cursor: from the model for -s/-d (comma lists keep one span each), else parsed from the text. */
function addressAt(site: ValueSite): AddressSpec | undefined {
  const rule = site.rule;
  const fromModel =
    site.use.name === 'source'
      ? rule?.source
      : site.use.name === 'destination'
        ? rule?.destination
        : undefined;
  const hit = fromModel?.value.find((a) => spanContains(a.span, a.span.line, site.character));
  if (hit) return hit;
  if (fromModel?.value.length === 1) return fromModel.value[0];
  const piece = pieceAt(site.token, site.character, ',');
  return parseAddressSpec(piece, site.token);
}

/** The comma-separated piece of a token the cursor is on. */
function pieceAt(token: Token, character: number, separator: string): string {
  const offset = Math.max(0, character - token.span.start - (token.quoted ? 1 : 0));
  let start = 0;
  for (const piece of token.text.split(separator)) {
    if (offset <= start + piece.length) return piece;
    start += piece.length + 1;
  }
  return token.text;
}

function parseAddressSpec(text: string, token: Token): AddressSpec | undefined {
  const [addressText, maskText] = text.split('/');
  const parsed = addressText === undefined ? undefined : parseAddress(addressText);
  if (!parsed) return undefined;
  const bits = parsed.family === 4 ? 32 : 128;
  let mask = (1n << BigInt(bits)) - 1n;
  let prefix: number | undefined = bits;
  if (maskText !== undefined) {
    if (/^\d+$/.test(maskText) && Number(maskText) <= bits) {
      prefix = Number(maskText);
      mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
    } else {
      const dotted = parseAddress(maskText);
      if (!dotted || dotted.family !== parsed.family) return undefined;
      mask = dotted.value;
      prefix = undefined;
    }
  }
  return {
    family: parsed.family,
    address: parsed.value,
    mask,
    ...(prefix === undefined ? {} : { prefix }),
    text,
    span: token.span,
  };
}

export function addressHover(site: ValueSite): HoverContent | undefined {
  const spec = addressAt(site);
  if (!spec) return undefined;
  const range = addressRange(spec);
  const details = [describeAddressRange(range)];
  if (range.hostBitsSet)
    details.push(`Host bits are set as written; the kernel compares ${code(canonicalAddress(spec))}.`);
  if (site.use.negated) details.push('Negated with `!`: matches every address outside this range.');
  const meaning = istioAddressMeaning(site.istio, chainOf(site), spec);
  return {
    headline: `${spec.text} — ${range.family === 4 ? 'IPv4' : 'IPv6'} ${range.size === '1 address' ? 'address' : range.prefix === undefined ? 'addresses under a mask' : 'network'}`,
    details,
    after: meaning ? [meaning] : [],
  };
}

/** `[addr[-addr]][:port[-port]]` of DNAT/SNAT; IPv6 addresses are bracketed when a port follows. */
export function natRangeHover(site: ValueSite): HoverContent | undefined {
  const text = site.token.text;
  const match = /^\[?([^\]]*?)\]?(?::(\d+(?:-\d+)?))?$/.exec(
    text.includes('[') || !text.includes('::') ? text : `[${text}]`,
  );
  const addressPart = match?.[1] ?? text;
  const portPart = match?.[2];
  const [from, to] = addressPart.split('-');
  const details: string[] = [];
  const after: string[] = [];
  for (const a of [from, to]) {
    if (!a) continue;
    const spec = parseAddressSpec(a, site.token);
    if (!spec) return undefined;
    details.push(`Address ${canonicalAddress(spec).replace(/\/(32|128)$/, '')}.`);
    const meaning = istioAddressMeaning(site.istio, chainOf(site), spec);
    if (meaning) after.push(meaning);
  }
  if (portPart) details.push(`Port${portPart.includes('-') ? 's' : ''} ${portPart}.`);
  if (site.spec) details.push(site.spec.summary);
  return { headline: `${text} — translation of ${site.use.token.text}`, details, after };
}
