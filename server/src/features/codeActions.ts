import type { CodeAction, Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { CodeActionKind } from 'vscode-languageserver-types';
import type { Fix } from '../analysis/findings';
import type { DiagnosticData } from './convert';
import { toLspTextEdit } from './convert';

/**
 * Quick fixes straight from the fixes each finding carries in `Diagnostic.data`, plus one "fix all"
 * action per fix kind that has more than one instance in the document. No re-analysis happens here.
 *
 * @param contextDiagnostics the diagnostics the client sent for the requested range
 * @param allDiagnostics every diagnostic currently published for the document (for fix-all)
 */
export function getCodeActions(
  uri: string,
  contextDiagnostics: readonly Diagnostic[],
  allDiagnostics: readonly Diagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const fixAllKeysOffered = new Set<string>();
  for (const diagnostic of contextDiagnostics) {
    for (const fix of fixesOf(diagnostic)) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.isPreferred ?? false,
        edit: { changes: { [uri]: fix.edits.map(toLspTextEdit) } },
      });
      if (fix.fixAllKey && !fixAllKeysOffered.has(fix.fixAllKey)) {
        const fixAll = fixAllAction(uri, fix.fixAllKey, allDiagnostics);
        if (fixAll) actions.push(fixAll);
        fixAllKeysOffered.add(fix.fixAllKey);
      }
    }
  }
  return actions;
}

function fixesOf(diagnostic: Diagnostic): readonly Fix[] {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  return Array.isArray(data?.fixes) ? data.fixes : [];
}

/** One action applying every fix with the same key, skipping any whose edits overlap an earlier one. */
function fixAllAction(
  uri: string,
  key: string,
  allDiagnostics: readonly Diagnostic[],
): CodeAction | undefined {
  const matching: { diagnostic: Diagnostic; fix: Fix }[] = [];
  for (const diagnostic of allDiagnostics) {
    for (const fix of fixesOf(diagnostic)) {
      if (fix.fixAllKey === key) matching.push({ diagnostic, fix });
    }
  }
  if (matching.length < 2) return undefined;
  const edits: TextEdit[] = [];
  for (const { fix } of matching) {
    const candidate = fix.edits.map(toLspTextEdit);
    if (candidate.every((e) => edits.every((taken) => !overlaps(taken.range, e.range))))
      edits.push(...candidate);
  }
  return {
    title: `Fix all: ${matching[0].fix.title.replace(/^[A-Z]/, (c) => c.toLowerCase())} (${matching.length} places)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: matching.map((m) => m.diagnostic),
    edit: { changes: { [uri]: edits } },
  };
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges overlap when they share any character; two insertions at the same point also count as overlapping. */
function overlaps(a: Range, b: Range): boolean {
  const aEmpty = a.start.line === a.end.line && a.start.character === a.end.character;
  const bEmpty = b.start.line === b.end.line && b.start.character === b.end.character;
  if (aEmpty && bEmpty) return a.start.line === b.start.line && a.start.character === b.start.character;
  return before(a.start, b.end) && before(b.start, a.end);
}
