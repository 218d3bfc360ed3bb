import type { ParsedDocument, ParseProgress } from '../parser/parseDocument';
import { runToEnd } from '../parser/parseDocument';
import { lineTextOf, textLengthOf } from '../parser/lineStarts';
import type { Finding } from './findings';
import { finding } from './findings';
import type { Check } from './check';
import { netfilterChecks } from './checks/netfilter';
import { istioChecks } from './checks/istio';
import { lintChecks } from './checks/lint';

export interface AnalysisOptions {
  /** Codes the user switched off. */
  readonly disabledCodes?: ReadonlySet<string>;
  /**
   * Above this many UTF-16 code units only the syntax and Istio findings are produced (the Istio
   * checks read only the ISTIO_* chains and the jumps into them, so they stay cheap on a node dump).
   */
  readonly maxSizeForAnalysis?: number;
}

const semanticChecks: readonly Check[] = [...netfilterChecks, ...istioChecks, ...lintChecks];

/**
 * Every finding for a document: the parser's syntax problems, then each semantic check.
 * A check that throws is reported once as an internal error instead of taking the others down.
 */
export function analyze(doc: ParsedDocument, options: AnalysisOptions = {}): Finding[] {
  return runToEnd(analyzeInSlices(doc, options));
}

/**
 * The same analysis as {@link analyze}, yielding before each check, so the language server can answer
 * other requests between checks and drop the work when a newer version of the document arrives.
 */
export function* analyzeInSlices(
  doc: ParsedDocument,
  options: AnalysisOptions = {},
): Generator<ParseProgress, Finding[], void> {
  const findings: Finding[] = [...doc.problems];
  const limit = options.maxSizeForAnalysis;
  const tooBig = limit !== undefined && textLengthOf(doc) > limit;
  if (tooBig) findings.push(sizeLimitFinding(doc, limit));
  const checks = tooBig ? istioChecks : semanticChecks;
  for (const [done, check] of checks.entries()) {
    yield { done, total: checks.length };
    try {
      // A loop, not push(...found): spreading a six-figure list into arguments overflows the stack.
      for (const found of check.run({ doc })) findings.push(found);
    } catch (error) {
      findings.push(internalErrorFinding(check.id, error));
    }
  }
  const disabled = options.disabledCodes;
  const kept = disabled && disabled.size > 0 ? findings.filter((f) => !disabled.has(f.code)) : findings;
  return kept.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
}

/** The visible note that some checks were skipped, on the first line, so the user knows why. */
export function sizeLimitFinding(doc: ParsedDocument, limit: number): Finding {
  const megabytes = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  return finding(
    'analysis.size-limit',
    { line: 0, start: 0, end: doc.tree.lines.length > 0 ? firstLineLength(doc) : 0 },
    `This file is ${megabytes(textLengthOf(doc))}, above iptablesLens.diagnostics.maxFileSizeForAnalysis (${megabytes(limit)}): only syntax and Istio checks ran; kernel-validity (netfilter.*) and lint checks were skipped to keep the editor responsive. Raise the setting to run them, or run \`iptables-lens check\`, which runs every check.`,
  );
}

/** Length of the editor's first line, read without building a re-parsed document's text. */
function firstLineLength(doc: ParsedDocument): number {
  const first = lineTextOf(doc, 0) ?? '';
  const cr = first.indexOf('\r');
  return cr < 0 ? first.length : cr;
}

export function internalErrorFinding(checkId: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal.check-failed',
    severity: 'information',
    message: `Internal error in check ${checkId}: ${message}. Please report it.`,
    span: { line: 0, start: 0, end: 0 },
  };
}
