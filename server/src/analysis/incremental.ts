import type { ParsedDocument } from '../parser/parseDocument';
import { reparseOrigin } from '../parser/incremental';
import { textLengthOf } from '../parser/lineStarts';
import type { AnalysisOptions } from './analyzer';
import { analyze, internalErrorFinding, sizeLimitFinding } from './analyzer';
import type { Check } from './check';
import type { Finding } from './findings';
import { istioChecks } from './checks/istio';
import { catalogueEntries } from '../istio/catalogue';
import { isIstioChainName } from '../istio/constants';

/** What runs above the size limit besides the parser's problems, as in analyzeInSlices. */
const checksAboveSizeLimit: readonly Check[] = istioChecks;

/** `table chain` pairs Istio's rule catalogue has entries for: the only chains its recognizer reads rules of. */
const catalogueChains: ReadonlySet<string> = new Set(catalogueEntries.map((e) => `${e.table} ${e.chain}`));

/**
 * The findings of `doc`, reusing `previousFindings` (the findings of `previous` under the same
 * options) where that is cheaper than {@link analyze} and gives the same set of findings.
 *
 * Only above the size limit, where the findings are the syntax problems plus the Istio checks: when
 * `doc` was made from `previous` by `reparseLines`, the syntax findings of the unchanged lines are
 * kept as they are (already filtered and sorted), those of the changed lines are replaced, and the
 * Istio findings are kept when the edit touched no line the Istio checks read (a kube-proxy rule, a
 * comment), else the Istio checks run again — their recognizer walks every rule of the ruleset,
 * tens of milliseconds on a 150,000-line dump. Everything else (small files, full re-parses) goes through `analyze`: the
 * semantic checks look at chains and the jump graph, and proving an edit leaves them untouched is
 * not cheaper than running them below the size limit.
 */
export function reanalyze(
  previous: ParsedDocument,
  previousFindings: readonly Finding[],
  doc: ParsedDocument,
  options: AnalysisOptions = {},
): Finding[] {
  const origin = reparseOrigin(doc);
  const limit = options.maxSizeForAnalysis;
  if (limit === undefined || textLengthOf(doc) <= limit || origin?.previous !== previous)
    return analyze(doc, options);
  const disabled = options.disabledCodes;
  const wanted = (f: Finding): boolean => !disabled?.has(f.code);
  const changed = origin.changedLines;
  // The re-parse hands on the previous problem list when the changed lines have none, old or new.
  const fresh =
    doc.problems === previous.problems
      ? []
      : doc.problems.filter((p) => changed.has(p.span.line) && wanted(p));
  // The size note first, then the checks in their order: the order analyze puts them in.
  const checked: Finding[] = [];
  const note = sizeLimitFinding(doc, limit);
  if (wanted(note)) checked.push(note);
  // Reused only from findings made above the limit too: below it they hold every check's findings.
  const previousAboveLimit = textLengthOf(previous) > limit;
  if (
    previousAboveLimit &&
    [...changed].every((line) => isIstioNeutral(previous, line) && isIstioNeutral(doc, line))
  ) {
    // The Istio analysis reads no rule the edit touched: its findings are the previous ones.
    for (const f of previousFindings) if (!isSyntaxFinding(f) && f.code !== note.code) checked.push(f);
  } else {
    for (const check of checksAboveSizeLimit) {
      try {
        for (const found of check.run({ doc })) if (wanted(found)) checked.push(found);
      } catch (error) {
        const failed = internalErrorFinding(check.id, error);
        if (wanted(failed)) checked.push(failed);
      }
    }
  }
  // Same order as analyze: by position, syntax problems before check findings at equal positions.
  const added = fresh.sort(byPosition).concat(checked.sort(byPosition)).sort(byPosition);
  const merged: Finding[] = [];
  let next = 0;
  for (const f of previousFindings) {
    if (!isSyntaxFinding(f) || changed.has(f.span.line)) continue;
    while (next < added.length && byPosition(added[next]!, f) < 0) merged.push(added[next++]!);
    merged.push(f);
  }
  while (next < added.length) merged.push(added[next++]!);
  return merged;
}

/**
 * Whether a line is invisible to the Istio checks: a comment or blank line in a file with rules
 * (only a rule-less file's comments are read, by istio.empty-dump), or a rule of a user chain that
 * Istio's catalogue does not name and that is not one of Istio's own chains (ISTIO_*, ztunnel-*).
 * The recognizer reads rules of catalogue chains only; the foreign-rule checks read Istio's chains and
 * the builtin chains that hold Istio's jumps; the guardrail check reads builtin filter chains.
 */
function isIstioNeutral(doc: ParsedDocument, line: number): boolean {
  const node = doc.tree.lines[line];
  if (node?.kind === 'blank' || node?.kind === 'comment') return doc.ruleset.rules.length > 0;
  if (node?.kind !== 'command' || !node.rule) return false;
  const table = doc.ruleset.tableAt(line);
  const chain = table?.chains.get(node.rule.chain);
  if (!table || !chain || chain.builtin) return false;
  if (isIstioChainName(chain.name)) return false;
  return !catalogueChains.has(`${table.name} ${chain.name}`);
}

/** Findings the parser produced (analyze puts doc.problems first; no check emits these codes). */
function isSyntaxFinding(f: Finding): boolean {
  return f.code.startsWith('syntax.') || f.code === 'internal.parser-failed';
}

function byPosition(a: Finding, b: Finding): number {
  return a.span.line - b.span.line || a.span.start - b.span.start;
}
