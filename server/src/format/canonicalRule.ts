import type { Span } from '../model/span';
import type { AddressSpec, Match, Negatable, OptionUse, Rule } from '../model/rule';
import { isUnknownMatch } from '../model/rule';
import { canonicalAddress } from './addresses';
import { moduleFormats, type FormatContext } from './matchFormats';
import { formatTargetOptions } from './targetFormats';
import { canonicalProtocol } from './values';
import { saveOptionName } from './optionNames';

/** Reads the document text a span covers (quotes included), for options kept as written. */
export type SpanText = (span: Span) => string;

/**
 * The rule specification of `rule` in iptables-save's canonical form (reference §3): generic options
 * in the order -s -d -i -o -p -f, `!` before each option, addresses with prefixes, implicit matches
 * made explicit, each known module's options in its save order with normalised values, then the
 * target with its canonical options. Anything not understood is kept as written, so the result never
 * means something else; undefined when the rule holds a generic option it does not know how to
 * place. Returns one spec per kernel rule: comma lists in -s/-d expand, as they do
 * when iptables loads them (source-major order), when `expand` is set.
 */
export function canonicalRuleSpecs(
  rule: Rule,
  family: 4 | 6,
  spanText: SpanText,
  expand: boolean,
): string[] | undefined {
  // A generic option this function does not place would be lost: keep such a line as written.
  if (rule.genericOptions.some((o) => !placedGenericOptions.has(o.name))) return undefined;
  const ctx: FormatContext = { family };
  const sources = addressChoices(rule, 'source', rule.source, family, spanText, expand);
  const destinations = addressChoices(rule, 'destination', rule.destination, family, spanText, expand);
  const rest = [
    ...interfaceAndProtocol(rule, spanText),
    ...matchParts(rule.matches, ctx, spanText),
    ...targetPart(rule, ctx, spanText),
  ];
  const prefix = familyParts(rule);
  const specs: string[] = [];
  for (const s of sources) {
    for (const d of destinations) {
      specs.push([...prefix, ...s, ...d, ...rest].join(' '));
    }
  }
  return specs;
}

/** The generic options canonicalRuleSpecs writes out (knowledge-base names, netfilter/generic.ts). */
const placedGenericOptions = new Set([
  'source',
  'destination',
  'in-interface',
  'out-interface',
  'protocol',
  'fragments',
  'fragment',
  'set-counters',
  'ipv4',
  'ipv6',
]);

/** Every element of each alternative is one word of the spec. */
function addressChoices(
  rule: Rule,
  optionName: 'source' | 'destination',
  value: Negatable<readonly AddressSpec[]> | undefined,
  family: 4 | 6,
  spanText: SpanText,
  expand: boolean,
): string[][] {
  const use = rule.genericOptions.find((o) => o.name === optionName);
  if (!use) return [[]];
  const flag = optionName === 'source' ? '-s' : '-d';
  const neg = use.negated ? ['!'] : [];
  if (!value || value.value.length === 0 || value.value.some((a) => a.family !== family)) {
    return [[...neg, flag, ...use.args.map((a) => spanText(a.span))]];
  }
  // A zero mask matches everything; iptables-save leaves such a test out unless it is negated.
  if (!use.negated && value.value.length === 1 && value.value[0]?.mask === 0n) return [[]];
  const texts = value.value.map((a) => canonicalAddress(a));
  if (expand && !use.negated) return texts.map((t) => [flag, t]);
  return [[...neg, flag, texts.join(',')]];
}

function interfaceAndProtocol(rule: Rule, spanText: SpanText): string[] {
  const out: string[] = [];
  for (const [name, flag] of [
    ['in-interface', '-i'],
    ['out-interface', '-o'],
  ] as const) {
    const use = rule.genericOptions.find((o) => o.name === name);
    if (use) out.push(...negation(use), flag, ...use.args.map((a) => spanText(a.span)));
  }
  const proto = rule.genericOptions.find((o) => o.name === 'protocol');
  const protoText = proto?.args[0]?.text;
  if (proto && protoText !== undefined) {
    const name = canonicalProtocol(protoText);
    // `-p all` tests nothing and iptables-save drops it.
    if (!(name === 'all' && !proto.negated)) out.push(...negation(proto), '-p', name);
  }
  const fragment = rule.genericOptions.find((o) => o.name === 'fragments' || o.name === 'fragment');
  if (fragment) out.push(...negation(fragment), '-f');
  const counters = rule.genericOptions.find((o) => o.name === 'set-counters');
  if (counters) out.push('-c', ...counters.args.map((a) => spanText(a.span)));
  return out;
}

function familyParts(rule: Rule): string[] {
  const out: string[] = [];
  if (rule.genericOptions.some((o) => o.name === 'ipv4')) out.push('-4');
  if (rule.genericOptions.some((o) => o.name === 'ipv6')) out.push('-6');
  return out;
}

function negation(use: OptionUse): string[] {
  return use.negated ? ['!'] : [];
}

function matchParts(matches: readonly Match[], ctx: FormatContext, spanText: SpanText): string[] {
  const out: string[] = [];
  for (const match of matches) out.push(...formatMatch(match, ctx, spanText));
  return out;
}

function formatMatch(match: Match, ctx: FormatContext, spanText: SpanText): string[] {
  const format = isUnknownMatch(match) ? undefined : moduleFormats[match.module];
  const header = ['-m', match.module];
  if (!format) {
    const moduleText = match.moduleToken ? spanText(match.moduleToken.span) : match.module;
    return ['-m', moduleText, ...match.options.map((o) => optionAsWritten(o, spanText))];
  }
  const indexed = match.options.map((use, written) => ({
    use,
    written,
    rank: rankOf(format.order, saveOptionName(use.name)),
  }));
  indexed.sort((a, b) => a.rank - b.rank || a.written - b.written);
  const parts: string[] = [];
  for (const { use } of indexed) {
    const formatter = format.options[saveOptionName(use.name)];
    const text = formatter ? formatter(use, ctx) : undefined;
    if (text === null) continue;
    parts.push(text === undefined ? optionAsWritten(use, spanText) : [...negation(use), text].join(' '));
  }
  return [...header, ...parts];
}

function rankOf(order: readonly string[], name: string): number {
  const index = order.indexOf(name);
  return index < 0 ? order.length : index;
}

/** `[!] --long-name args-as-written`: the canonical long name is unambiguous where an abbreviation may not stay so. */
function optionAsWritten(use: OptionUse, spanText: SpanText): string {
  return [...negation(use), `--${saveOptionName(use.name)}`, ...use.args.map((a) => spanText(a.span))].join(
    ' ',
  );
}

function targetPart(rule: Rule, ctx: FormatContext, spanText: SpanText): string[] {
  const target = rule.target;
  if (!target) return [];
  const head = [target.goto ? '-g' : '-j', spanText(target.nameToken.span)];
  const options = formatTargetOptions(target, ctx);
  if (options) return [...head, ...options];
  return [...head, ...target.options.map((o) => optionAsWritten(o, spanText))];
}
