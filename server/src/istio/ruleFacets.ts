import type { Span } from '../model/span';
import type { AddressSpec, OptionUse, Rule } from '../model/rule';

/**
 * A rule flattened into comparable facets: one per generic option, match option and target option.
 * The key says what is tested (`!d`, `mark:!mark`, `tcp:dport`, `j`, `j:to-ports`), the arguments hold
 * the normalised values, so two rules that iptables would treat the same compare equal however they were
 * written (`--to-port` vs `--to-ports`, `1337` vs `0x539`, `-s 1.2.3.4` vs `/32`, `-m tcp` implicit or not).
 */
export interface Facet {
  readonly key: string;
  readonly args: readonly string[];
  /** Where each argument is written, to replace a single value in a quick fix. */
  readonly argSpans: readonly Span[];
}

/** Option names whose values are marks or masks (`value[/mask]`). Source: iptables-extensions(8). */
export const markOptionNames: ReadonlySet<string> = new Set([
  'mark',
  'set-xmark',
  'set-mark',
  'tproxy-mark',
  'nfmask',
  'ctmask',
  'and-mark',
  'or-mark',
  'xor-mark',
]);
/** Option names whose values are ports or port ranges (the parser's canonical names, plus the short aliases). */
export const portOptionNames: ReadonlySet<string> = new Set([
  'destination-port',
  'source-port',
  'destination-ports',
  'source-ports',
  'dport',
  'sport',
  'dports',
  'sports',
  'ports',
  'to-ports',
  'on-port',
]);
/** Matches that only annotate; ignored for recognition. */
const ignoredModules = new Set(['comment']);

/** Normalises `1337`, `0x539/0xfff`, `0X539` to lower-case hex as iptables-save prints marks. */
export function normaliseMark(text: string): string {
  const parts = text.split('/');
  const hex = parts.map((p) => {
    const n = Number(p.trim());
    return Number.isFinite(n) && n >= 0 ? `0x${Math.trunc(n).toString(16)}` : p.trim().toLowerCase();
  });
  return hex.join('/');
}

function normalisePort(text: string): string {
  return text
    .split(/([,:])/)
    .map((part) => (/^\d+$/.test(part) ? String(Number(part)) : part))
    .join('');
}

/** Adds the host prefix iptables-save prints (`/32`, `/128`) and lower-cases IPv6 hex. */
export function normaliseAddress(a: AddressSpec): string {
  const text = a.text.toLowerCase();
  if (text.includes('/')) {
    const [addr, mask] = text.split('/');
    if (a.prefix !== undefined) return `${addr}/${a.prefix}`;
    return `${addr}/${mask}`;
  }
  return `${text}/${a.family === 6 ? 128 : 32}`;
}

function normaliseOptionArg(name: string, text: string): string {
  if (markOptionNames.has(name)) return normaliseMark(text);
  if (portOptionNames.has(name)) return normalisePort(text);
  return text;
}

function optionFacet(prefix: string, o: OptionUse): Facet {
  const key = `${prefix}${o.negated ? '!' : ''}${o.name}`;
  return {
    key,
    args: o.args.map((t) => normaliseOptionArg(o.name, t.text)),
    argSpans: o.args.map((t) => t.span),
  };
}

/** Flattens a rule into its facets (order-independent: matches are ANDed). */
export function ruleFacets(rule: Rule): Facet[] {
  const facets: Facet[] = [];
  const neg = (n: boolean): string => (n ? '!' : '');
  if (rule.protocol) {
    facets.push({
      key: `${neg(rule.protocol.negated)}p`,
      args: [rule.protocol.value.toLowerCase()],
      argSpans: rule.protocol.option.args.map((t) => t.span),
    });
  }
  for (const [letter, value] of [
    ['s', rule.source],
    ['d', rule.destination],
  ] as const) {
    if (!value) continue;
    facets.push({
      key: `${neg(value.negated)}${letter}`,
      args: value.value.map(normaliseAddress),
      argSpans: value.value.map((a) => a.span),
    });
  }
  for (const [letter, value] of [
    ['i', rule.inInterface],
    ['o', rule.outInterface],
  ] as const) {
    if (!value) continue;
    facets.push({
      key: `${neg(value.negated)}${letter}`,
      args: [value.value.name + (value.value.wildcard ? '+' : '')],
      argSpans: value.option.args.map((t) => t.span),
    });
  }
  for (const match of rule.matches) {
    if (ignoredModules.has(match.module)) continue;
    if (match.options.length === 0) {
      // `-m tcp`/`-m udp` without options is a no-op iptables-save prints after `-p tcp`; other bare matches count.
      if (match.module !== 'tcp' && match.module !== 'udp')
        facets.push({ key: `${match.module}:`, args: [], argSpans: [] });
      continue;
    }
    for (const o of match.options) facets.push(optionFacet(`${match.module}:`, o));
  }
  if (rule.target) {
    facets.push({
      key: rule.target.goto ? 'g' : 'j',
      args: [rule.target.name],
      argSpans: [rule.target.nameToken.span],
    });
    for (const o of rule.target.options) facets.push(optionFacet('j:', o));
  }
  return facets;
}

/** The facet keys of a rule, i.e. its shape without values. */
export function facetKeys(facets: readonly Facet[]): Set<string> {
  return new Set(facets.map((f) => f.key));
}

/** How many facet keys one side has and the other lacks. */
export function shapeDistance(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let d = 0;
  for (const k of a) if (!b.has(k)) d++;
  for (const k of b) if (!a.has(k)) d++;
  return d;
}
