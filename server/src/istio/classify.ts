import type { ParsedDocument } from '../parser/parseDocument';
import type { Rule } from '../model/rule';
import type { ChainModel } from '../model/ruleset';
import type { RuleId } from './catalogue';
import { ambientChains, preInpodChainPrefix, probeIpsets, sidecarChains } from './constants';
import type { ExpectedChain, InpodVariant, VersionRange } from './generations';
import { expectedHostRuleSet, expectedInpodRuleSet, formatVersionRange, versionRangeOf } from './generations';
import type { RecognizedRule, TableContext } from './recognize';
import { recognizeContext, splitContexts } from './recognize';

/** What kind of rule set a context holds (istio-ambient.md §1, §4, §7, §9). */
export type ContextKind =
  /** In-pod ambient rules (ISTIO_PRERT / ISTIO_OUTPUT in mangle, nat, raw). */
  | 'ambient-inpod'
  /** Node netns ambient rules (nat ISTIO_POSTRT). */
  | 'ambient-host'
  /** Sidecar rules (istio-iptables / CNI plugin chains). */
  | 'sidecar'
  /** Pre-1.21 node-level ambient (`ztunnel-*` chains). */
  | 'pre-inpod'
  /** Table blocks without a single rule: with native nftables (1.28+) iptables-save in a pod shows nothing. */
  | 'empty'
  | 'none';

export interface ContextClassification {
  readonly context: TableContext;
  readonly kind: ContextKind;
  /** In-pod only. */
  readonly variant?: InpodVariant;
  readonly versionRange?: VersionRange;
  /** The rule set Istio would write for this kind and variant, in canonical order. */
  readonly expected: readonly ExpectedChain[];
  /** One line, e.g. "Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio 1.25+". */
  readonly label: string;
  /** Sidecar chains present (a hazard in an ambient pod). */
  readonly sidecarChains: readonly string[];
  /** Rules of different generations found together, with the reason. */
  readonly mixedGenerations: readonly { readonly rule: Rule; readonly reason: string }[];
}

export interface IstioAnalysis {
  readonly contexts: readonly ContextClassification[];
  /** One line for the whole file (contexts that differ only by family are merged). */
  readonly label: string;
}

const cache = new WeakMap<ParsedDocument, IstioAnalysis>();

/** Recognises and classifies a document's Istio rules; computed once per parsed document. */
export function analyzeIstio(doc: ParsedDocument): IstioAnalysis {
  const cached = cache.get(doc);
  if (cached) return cached;
  const linesWithErrors = new Set(doc.problems.filter((p) => p.severity === 'error').map((p) => p.span.line));
  const contexts = splitContexts(doc.ruleset).map((tables, index) =>
    classifyContext(recognizeContext(tables, index, linesWithErrors)),
  );
  const analysis: IstioAnalysis = { contexts, label: fileLabel(contexts) };
  cache.set(doc, analysis);
  return analysis;
}

function has(rec: readonly RecognizedRule[], ...ids: RuleId[]): boolean {
  return rec.some((r) => ids.includes(r.id));
}

/**
 * The chains of a context that are declared or hold rules, asked about by name. Looked up in the
 * tables' maps rather than collected: a node dump has 120,000 chains, and a set of them was 60 ms
 * that held the language server while the few names that matter were looked up.
 */
class ChainPresence {
  constructor(private readonly ctx: TableContext) {}

  has(name: string): boolean {
    return this.ctx.tables.some((t) => {
      const c = t.chains.get(name);
      return c !== undefined && present(c);
    });
  }

  someStartsWith(prefix: string): boolean {
    for (const t of this.ctx.tables)
      for (const c of t.chains.values()) if (c.name.startsWith(prefix) && present(c)) return true;
    return false;
  }
}

function present(chain: ChainModel): boolean {
  return chain.declarationSpan !== undefined || chain.rules.length > 0;
}

function hasRules(ctx: TableContext): boolean {
  for (const t of ctx.tables) for (const c of t.chains.values()) if (c.rules.length > 0) return true;
  return false;
}

/** Classifies one context: kind, generation and variant, expected rule set and label. */
export function classifyContext(ctx: TableContext): ContextClassification {
  const rec = ctx.recognized;
  const names = new ChainPresence(ctx);
  const familyText = ctx.family === 'ipv6' ? 'IPv6' : 'IPv4';
  const sidecar = sidecarChains.filter((c) => names.has(c));
  const inpodTableHasPrert = ctx.tables.some(
    (t) => t.name !== 'filter' && t.chains.has(ambientChains.prerouting),
  );
  const isInpod =
    inpodTableHasPrert ||
    has(rec, 'M1', 'M2', 'M3', 'M4', 'N1', 'N3', 'N4', 'N5', 'N6', 'N12', 'R1', 'R2', 'R3', 'R4', 'T3', 'T5');
  const isHost = names.has(ambientChains.hostPostrouting) || has(rec, 'H1', 'H2');
  const base = {
    context: ctx,
    sidecarChains: sidecar,
    mixedGenerations: [] as { rule: Rule; reason: string }[],
  };

  if (isInpod) {
    const variant = detectVariant(ctx);
    // Without the nat table (`iptables-save -t mangle`) neither DNS capture nor the inbound mode shows.
    const partial = !ctx.tableByName.has('nat');
    const range: VersionRange =
      partial && variant.generation === 'redirect' ? { from: '1.21' } : versionRangeOf(variant);
    const description = partial
      ? `${variant.generation === 'tproxy' ? 'TPROXY inbound capture, ' : ''}partial dump without the nat table`
      : describeVariant(variant);
    return {
      ...base,
      kind: 'ambient-inpod',
      variant,
      versionRange: range,
      expected: expectedInpodRuleSet(variant),
      label: `Istio ambient in-pod rules, ${familyText}, ${description} — matches Istio ${formatVersionRange(range)}`,
      mixedGenerations: findMixedGenerations(rec),
    };
  }
  if (isHost) {
    const ipset = rec.find((r) => r.id === 'H2')?.facets.find((f) => f.key === 'set:match-set')?.args[0];
    const range: VersionRange =
      ipset === probeIpsets.unsuffixed ? { from: '1.21', to: '1.22' } : { from: '1.23' };
    return {
      ...base,
      kind: 'ambient-host',
      versionRange: range,
      expected: expectedHostRuleSet,
      label: `Istio ambient node rules (kubelet probe SNAT), ${familyText} — matches Istio ${formatVersionRange(range)}`,
    };
  }
  if (sidecar.length > 0) {
    const extras = [names.has('ISTIO_TPROXY') ? 'TPROXY inbound' : 'REDIRECT inbound'];
    if (names.has('ISTIO_OUTPUT_DNS')) extras.push('DNS capture on');
    return {
      ...base,
      kind: 'sidecar',
      expected: [],
      label: `Istio sidecar rules (istio-iptables), ${familyText}, ${extras.join(', ')}`,
    };
  }
  if (names.someStartsWith(preInpodChainPrefix)) {
    return {
      ...base,
      kind: 'pre-inpod',
      versionRange: { from: '1.18', to: '1.20' },
      expected: [],
      label: `Istio ambient node-level rules from before 1.21 (ztunnel-* chains), ${familyText} — unsupported layout`,
    };
  }
  if (!hasRules(ctx)) {
    return {
      ...base,
      kind: 'empty',
      expected: [],
      label: `No iptables rules, ${familyText} — an ambient pod on native nftables (Istio 1.28+) looks like this; see nft list ruleset`,
    };
  }
  return { ...base, kind: 'none', expected: [], label: `No Istio rules, ${familyText}` };
}

function detectVariant(ctx: TableContext): InpodVariant {
  const rec = ctx.recognized;
  const generation = has(rec, 'T1', 'T2', 'T3', 'T4', 'T5') && !has(rec, 'N5', 'N6') ? 'tproxy' : 'redirect';
  const rawHasIstio = ctx.tableByName.get('raw')?.chains.has(ambientChains.prerouting) ?? false;
  const dns =
    has(rec, 'N8', 'N9', 'R1', 'R2', 'R3', 'R4') || rawHasIstio
      ? 'marked'
      : has(rec, 'N8L')
        ? 'legacy'
        : 'off';
  const ingress = generation === 'redirect' && !has(rec, 'N5', 'N6') && natHasPrert(ctx);
  const virtualInterfaces: string[] = [];
  for (const r of rec) {
    if (
      (r.id === 'N3' || r.id === 'N4') &&
      r.virtualInterface &&
      !virtualInterfaces.includes(r.virtualInterface)
    ) {
      virtualInterfaces.push(r.virtualInterface);
    }
  }
  return {
    generation,
    dns,
    ingress,
    expectsConnmarkRule: !ingress || has(rec, 'M3'),
    virtualInterfaces,
  };
}

function natHasPrert(ctx: TableContext): boolean {
  const nat = ctx.tableByName.get('nat');
  return (nat?.chains.has(ambientChains.prerouting) ?? false) || ctx.recognized.some((r) => r.id === 'N1');
}

function describeVariant(v: InpodVariant): string {
  const parts: string[] = [];
  if (v.generation === 'tproxy') parts.push('TPROXY inbound capture');
  if (v.ingress)
    parts.push(
      'ingress mode (bypass-inbound-capture)' + (v.expectsConnmarkRule ? '' : ' without the connmark rule'),
    );
  if (v.virtualInterfaces.length > 0) parts.push(`virtual interfaces ${v.virtualInterfaces.join(', ')}`);
  parts.push(
    v.dns === 'off'
      ? 'DNS capture off'
      : v.dns === 'legacy'
        ? 'DNS capture on (UDP only, pre-1.24 form)'
        : 'DNS capture on',
  );
  return parts.join(', ');
}

function findMixedGenerations(rec: readonly RecognizedRule[]): { rule: Rule; reason: string }[] {
  const out: { rule: Rule; reason: string }[] = [];
  if (has(rec, 'T3', 'T5') && has(rec, 'N5', 'N6')) {
    for (const r of rec.filter((x) => x.id === 'T3' || x.id === 'T5')) {
      out.push({
        rule: r.rule,
        reason:
          'TPROXY inbound capture (1.21–1.24) next to the REDIRECT inbound capture of 1.23.1+ in the same pod',
      });
    }
  }
  if (has(rec, 'N8L') && has(rec, 'N8', 'N9', 'R3', 'R4')) {
    for (const r of rec.filter((x) => x.id === 'N8L')) {
      out.push({
        rule: r.rule,
        reason: 'the pre-1.24 UDP DNS rule (no ztunnel-mark exclusion) next to the DNS rules of 1.24+',
      });
    }
  }
  return out;
}

function fileLabel(contexts: readonly ContextClassification[]): string {
  const meaningful = contexts.filter((c) => c.kind !== 'none' && c.kind !== 'empty');
  const shown = meaningful.length > 0 ? meaningful : contexts;
  if (shown.length === 0) return 'No iptables rules';
  const merged: string[] = [];
  for (const c of shown) {
    const familyless = c.label.replace(/, IPv[46]/, '');
    const twin = merged.findIndex((m) => m.replace(/, IPv4 \+ IPv6|, IPv[46]/, '') === familyless);
    if (twin >= 0 && !merged[twin]?.includes('IPv4 + IPv6')) {
      merged[twin] = merged[twin]?.replace(/, IPv[46]/, ', IPv4 + IPv6') ?? c.label;
    } else if (twin < 0) {
      merged.push(c.label);
    }
  }
  return merged.join('; ');
}
