import type { ParsedDocument } from '../../parser/parseDocument';
import type { Rule } from '../../model/rule';
import { sidecarChains } from '../../istio/constants';
import type { ContextClassification, ContextKind } from '../../istio/classify';
import { analyzeIstio } from '../../istio/classify';
import type { RecognizedRule } from '../../istio/recognize';

/** What kind of Istio rule set the hovered line belongs to, as far as hovers need to know. */
export interface IstioContext {
  readonly kind: ContextKind;
  readonly classification?: ContextClassification;
}

const noIstio: IstioContext = { kind: 'none' };

/**
 * The Istio classification of the table block holding `line` (istio/classify.ts, computed once per parsed
 * document), so a port or mark hover says what the value means in *this* dump: a v4 and a v6 dump pasted
 * into one file are classified separately.
 */
export function istioContextAt(doc: ParsedDocument, line: number): IstioContext {
  const table = doc.ruleset.tableAt(line);
  const analysis = analyzeIstio(doc);
  const classification = table
    ? analysis.contexts.find((c) => c.context.tables.includes(table))
    : analysis.contexts.find((c) => c.context.tables.some((t) => t.line > line));
  return classification ? { kind: classification.kind, classification } : noIstio;
}

/** The catalogue rule a parsed rule was recognised as, if any. */
export function recognizedRule(ctx: IstioContext, rule: Rule): RecognizedRule | undefined {
  return ctx.classification?.context.recognized.find((r) => r.rule === rule || r.rule.line === rule.line);
}

/** Whether a chain belongs to sidecar mode, to tell sidecar and ambient meanings apart rule by rule. */
export function isSidecarChain(chain: string): boolean {
  return (sidecarChains as readonly string[]).includes(chain);
}

export function isAmbient(kind: ContextKind): boolean {
  return kind === 'ambient-inpod' || kind === 'ambient-host';
}
