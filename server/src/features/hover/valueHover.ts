import type { AddressSpec, Rule } from '../../model/rule';
import type { Token } from '../../model/syntax';
import type { OptionSpec } from '../../netfilter/spec';
import { spanContains } from '../../model/span';
import { canonicalAddress } from '../../format/addresses';
import { canonicalPortRange } from '../../format/values';
import { parseAddress } from '../../trace/address';
import {
  ctstateDocs,
  ctstatusDocs,
  interfaceDocs,
  interfaceWildcardDoc,
  protocolNames,
  protocolNumbers,
  setFlagDocs,
} from '../../netfilter/valueDocs';
import { findImplicitModule } from '../../netfilter/lookup';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import type { IstioContext } from './istioContext';
import { istioAddressMeaning, istioIpsetMeaning, istioMarkMeaning, istioPortMeaning } from './istioMeaning';
import { addressRange, describeAddressRange } from './addresses';
import { markRoleOf, markValueHover } from './markHover';
import { groupThousands } from './counters';
import type { OptionOwner } from './tokenAt';
import type { OptionUse } from '../../model/rule';
import { parseValueMask } from '../../format/numbers';

/** Everything a value hover needs to know about where the value sits. */
export interface ValueSite {
  readonly use: OptionUse;
  readonly owner: OptionOwner;
  readonly spec: OptionSpec | undefined;
  readonly token: Token;
  readonly argIndex: number;
  readonly character: number;
  readonly rule: Rule | undefined;
  readonly istio: IstioContext;
}

/** Options whose value is a port even where the option table calls it a number (TPROXY --on-port). */
const portValued = new Set(['on-port', 'to-ports', 'to-port']);

/**
 * Explains an option's argument according to what kind of value the option takes (netfilter/spec.ts
 * ValueKind): marks decoded, ports and addresses with their Istio meaning, states and protocols named.
 */
export function valueHover(site: ValueSite): HoverContent {
  const kind = site.spec?.value;
  const name = site.spec?.name ?? site.use.name;
  const decoded =
    markHover(site) ??
    (kind === 'port-range' || kind === 'port-list' || portValued.has(name) ? portHover(site) : undefined) ??
    (kind === 'address-list' || kind === 'address' ? addressHover(site) : undefined) ??
    (kind === 'nat-range' ? natRangeHover(site) : undefined) ??
    (kind === 'interface' ? interfaceHover(site) : undefined) ??
    (kind === 'protocol' ? protocolHover(site) : undefined) ??
    (kind === 'ctstate-list' ? wordListHover(site, ctstateDocs, 'conntrack state') : undefined) ??
    (kind === 'ctstatus-list' ? wordListHover(site, ctstatusDocs, 'conntrack status') : undefined) ??
    (kind === 'set-spec' ? setSpecHover(site) : undefined);
  if (decoded) return decoded;
  return {
    headline: `${code(site.token.text)} — value of ${site.use.token.text}`,
    details: site.spec ? [site.spec.summary] : [],
    code: site.spec ? [site.spec.syntax] : [],
  };
}

function chainOf(site: ValueSite): string | undefined {
  return site.rule?.chain;
}

function markHover(site: ValueSite): HoverContent | undefined {
  const { owner } = site;
  const optionName = site.spec?.name ?? site.use.name;
  const role =
    owner.kind === 'match'
      ? markRoleOf('match', owner.match.module, optionName)
      : owner.kind === 'target'
        ? markRoleOf('target', owner.target.name, optionName)
        : undefined;
  if (!role) return undefined;
  const hover = markValueHover(
    site.token.text,
    role,
    site.use,
    owner.kind === 'target' ? owner.target : undefined,
  );
  if (!hover) return undefined;
  if (role === 'mask') return hover;
  const parsed = parseValueMask(site.token.text);
  const meaning = parsed
    ? istioMarkMeaning(site.istio, chainOf(site), parsed.value, parsed.mask ?? 0xffffffff)
    : [];
  return { ...hover, after: [...(hover.after ?? []), ...meaning] };
}

function portHover(site: ValueSite): HoverContent | undefined {
  const entries = site.token.text.split(',');
  const ranges = entries.map((e) => canonicalPortRange(e.replace('-', ':')));
  if (ranges.some((r) => r === undefined)) return undefined;
  const valid = ranges as { from: number; to: number; text: string }[];
  const details: string[] = [];
  const after: string[] = [];
  for (const r of valid) {
    if (r.from === r.to) {
      details.push(`Port ${r.from}.`);
      const meaning = istioPortMeaning(site.istio, chainOf(site), r.from);
      if (meaning) after.push(meaning);
    } else {
      details.push(
        `Ports ${r.from}–${r.to} (${groupThousands(BigInt(r.to - r.from + 1))} ports, inclusive).`,
      );
    }
  }
  if (site.use.negated) details.push('Negated with `!`: matches every other port.');
  if (site.spec) details.push(site.spec.summary);
  return {
    headline: `${site.token.text} — ${valid.length === 1 && valid[0]?.from === valid[0]?.to ? 'port' : 'ports'} of ${site.use.token.text}`,
    details,
    after,
  };
}

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

function addressHover(site: ValueSite): HoverContent | undefined {
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
function natRangeHover(site: ValueSite): HoverContent | undefined {
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

function interfaceHover(site: ValueSite): HoverContent {
  const text = site.token.text;
  const wildcard = text.endsWith('+');
  const details: string[] = [];
  const known = interfaceDocs[text];
  if (known) details.push(known);
  if (wildcard)
    details.push(
      `${interfaceWildcardDoc} Here: every name starting with ${code(text.slice(0, -1) || '(anything)')}.`,
    );
  if (site.use.negated) details.push('Negated with `!`: any other interface.');
  if (site.spec) details.push(site.spec.summary);
  return { headline: `${text} — interface`, details };
}

function protocolHover(site: ValueSite): HoverContent {
  const text = site.token.text.toLowerCase();
  const byNumber = Object.entries(protocolNumbers).find(([, n]) => String(n) === text)?.[0];
  const name = byNumber ?? text;
  const number = protocolNumbers[name];
  const details: string[] = [];
  const full = protocolNames[name];
  if (full) details.push(`${full}${number !== undefined ? `, IP protocol ${number}` : ''}.`);
  if (site.use.negated) details.push('Negated with `!`: every other protocol.');
  const implicit = findImplicitModule(name);
  if (implicit)
    details.push(
      `Also loads the ${code(implicit.name)} match, so its options (${implicit.options
        .map((o) => `--${o.aliases?.[0] ?? o.name}`)
        .slice(0, 4)
        .join(', ')}) may follow.`,
    );
  return { headline: `${site.token.text} — protocol`, details };
}

function wordListHover(site: ValueSite, docs: Readonly<Record<string, string>>, what: string): HoverContent {
  const words = site.token.text.split(',');
  const details = words.map((w) => `${code(w)}: ${docs[w.toUpperCase()] ?? `not a known ${what}`}`);
  if (site.use.negated) details.push('Negated with `!`: matches when the state is none of these.');
  return { headline: `${site.token.text} — ${what}${words.length > 1 ? 's (any of)' : ''}`, details };
}

/** `--match-set name flags`: the set (with its Istio meaning) or the direction flags. */
function setSpecHover(site: ValueSite): HoverContent {
  if (site.argIndex === 0) {
    const meaning = istioIpsetMeaning(site.istio, site.token.text);
    return {
      headline: `${site.token.text} — ipset`,
      details: [
        'An ipset created outside iptables (`ipset create`); its members are not part of this dump.',
        ...(site.use.negated ? ['Negated with `!`: matches when the packet is not in the set.'] : []),
      ],
      after: meaning ? [meaning] : [],
    };
  }
  const flags = site.token.text.split(',');
  return {
    headline: `${site.token.text} — ipset lookup direction`,
    details: flags.map((f, i) => `Dimension ${i + 1}: ${setFlagDocs[f] ?? `${code(f)} is not src or dst`}.`),
  };
}
