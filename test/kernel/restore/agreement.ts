/**
 * How our findings are compared with what a real iptables-restore said about the same file.
 *
 * The project rule (iptables-format.md §9): a finding of severity `error` means "iptables-nft
 * refuses this file"; a restriction only iptables-legacy enforces is a `warning` whose message
 * names the legacy backend ("iptables-legacy"). So:
 * - nft accepts ⇔ we report no error; when nft rejects, our first error is on the line it names;
 * - legacy accepts ⇔ we report no error and no legacy warning — or nft rejects too, in which case
 *   our errors already say so; when legacy rejects, our first error-or-legacy-warning is on its line.
 *
 * Only findings that speak about loadability take part: the `syntax.*` and `netfilter.*` codes.
 * `istio.*` and `lint.*` findings judge what a rule set means, not whether the tool loads it, so an
 * Istio "missing rule" error is not a claim that iptables-restore refuses the file.
 * A legacy-only claim is a warning whose message says iptables-legacy(-restore) refuses, rejects or
 * fails the file.
 *
 * "On the line it names" depends on what kind of line the tool named:
 * - a rule or declaration line: the finding is on that line, or that line is one of the jumps in the
 *   finding's related information (nft validates hooks and loops as each rule is added, so it may
 *   blame the jump that made an earlier rule reachable rather than the rule itself);
 * - a COMMIT line (legacy reports every kernel error there; nft its deferred chain lookups): the
 *   finding is inside that table block;
 * - `COMMIT expected at line N`: the finding is inside the block still open at the end of the file.
 */
import type { Finding } from '../../../server/src/analysis/findings';
import type { ParsedDocument } from '../../../server/src/parser/parseDocument';
import type { Backend, ReportedLineKind } from './oracle';

export interface ToolVerdict {
  readonly backend: Backend;
  readonly accepted: boolean;
  /** 1-based. */
  readonly line?: number;
  readonly lineKind?: ReportedLineKind;
  readonly message?: string;
}

/** Whether a finding's code speaks about loadability (see the header). */
export function aboutLoadability(f: Finding): boolean {
  return f.code.startsWith('syntax.') || f.code.startsWith('netfilter.');
}

const legacyRefusal = /iptables-legacy(?:-restore)?\b[^.;]*\b(?:refuses|rejects|fails)/;

/** Findings that claim a legacy-only rejection. */
export function legacyWarnings(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) => aboutLoadability(f) && f.severity === 'warning' && legacyRefusal.test(f.message),
  );
}

/** Findings that claim iptables-nft refuses the file. */
export function errors(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => aboutLoadability(f) && f.severity === 'error');
}

/** Disagreements between our findings and one backend's verdict; empty when they agree. */
export function disagreements(
  doc: ParsedDocument,
  findings: readonly Finding[],
  verdict: ToolVerdict,
): string[] {
  const errs = errors(findings);
  const said = verdict.accepted
    ? 'accepts'
    : `rejects at line ${verdict.line} (${verdict.message ?? 'no message'})`;
  if (verdict.backend === 'nft') {
    if (verdict.accepted) {
      return errs.map(
        (f) => `nft accepts, but we report an error at line ${f.span.line + 1}: [${f.code}] ${f.message}`,
      );
    }
    if (errs.length === 0) {
      return [`nft ${said}, but we report no error`];
    }
    return lineAgrees(doc, errs[0], verdict)
      ? []
      : [`nft ${said}, but our first error is ${describe(errs[0])}`];
  }
  const legacy = legacyWarnings(findings);
  if (verdict.accepted) {
    return legacy.map(
      (f) => `legacy accepts, but we warn at line ${f.span.line + 1}: [${f.code}] ${f.message}`,
    );
  }
  const first = [...errs, ...legacy].sort(
    (a, b) => a.span.line - b.span.line || a.span.start - b.span.start,
  )[0];
  if (first === undefined) {
    return [`legacy ${said}, but we report neither an error nor a warning naming iptables-legacy`];
  }
  return lineAgrees(doc, first, verdict)
    ? []
    : [`legacy ${said}, but our first finding is ${describe(first)}`];
}

function describe(f: Finding): string {
  return `at line ${f.span.line + 1}: [${f.code}] ${f.message}`;
}

/** Whether a finding sits where the tool's reported line says the problem is. */
export function lineAgrees(doc: ParsedDocument, f: Finding, verdict: ToolVerdict): boolean {
  if (verdict.line === undefined) {
    return true;
  }
  const named = verdict.line - 1;
  const line = f.span.line;
  switch (verdict.lineKind) {
    case 'commit': {
      const block = doc.ruleset.tables.find((t) => t.commitLine === named);
      return block ? line >= block.line && line <= named : line <= named;
    }
    case 'eof': {
      const open = [...doc.ruleset.tables].reverse().find((t) => t.commitLine === undefined);
      return open ? line >= open.line : line <= named;
    }
    default:
      return line === named || (f.related ?? []).some((r) => r.span.line === named);
  }
}
