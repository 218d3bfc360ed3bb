import type { ParsedDocument } from '../parser/parseDocument';
import type { Finding } from './findings';
import type { Check } from './check';
import { netfilterChecks } from './checks/netfilter';
import { istioChecks } from './checks/istio';
import { lintChecks } from './checks/lint';

export interface AnalysisOptions {
  /** Codes the user switched off. */
  readonly disabledCodes?: ReadonlySet<string>;
  /** Above this many UTF-16 code units only syntax findings are produced. */
  readonly maxSizeForAnalysis?: number;
}

const semanticChecks: readonly Check[] = [...netfilterChecks, ...istioChecks, ...lintChecks];

/**
 * Every finding for a document: the parser's syntax problems, then each semantic check.
 * A check that throws is reported once as an internal error instead of taking the others down.
 */
export function analyze(doc: ParsedDocument, options: AnalysisOptions = {}): Finding[] {
  const findings: Finding[] = [...doc.problems];
  const tooBig = options.maxSizeForAnalysis !== undefined && doc.text.length > options.maxSizeForAnalysis;
  if (!tooBig) {
    for (const check of semanticChecks) {
      try {
        // A loop, not push(...found): spreading a six-figure list into arguments overflows the stack.
        for (const found of check.run({ doc })) findings.push(found);
      } catch (error) {
        findings.push(internalErrorFinding(check.id, error));
      }
    }
  }
  const disabled = options.disabledCodes;
  const kept = disabled && disabled.size > 0 ? findings.filter((f) => !disabled.has(f.code)) : findings;
  return kept.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
}

function internalErrorFinding(checkId: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal.check-failed',
    severity: 'information',
    message: `Internal error in check ${checkId}: ${message}. Please report it.`,
    span: { line: 0, start: 0, end: 0 },
  };
}
