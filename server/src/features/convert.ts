import type { Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { Span, TextEditData, TextRange } from '../model/span';
import type { Finding, Severity } from '../analysis/findings';
import { codeCatalog } from '../analysis/findings';

/** The one place where a model Span becomes an LSP Range (ARCHITECTURE rule 3). */
export function spanToLspRange(span: Span): Range {
  return { start: { line: span.line, character: span.start }, end: { line: span.line, character: span.end } };
}

export function textRangeToLsp(range: TextRange): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

export function toLspTextEdit(edit: TextEditData): TextEdit {
  return { range: textRangeToLsp(edit.range), newText: edit.newText };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  return severities[severity];
}

/** Where a code's documentation lives in the repository, for Diagnostic.codeDescription. */
export const docsBaseUrl = 'https://github.com/iptables-lens/iptables-lens/blob/main/docs/diagnostics/';

/** What a Diagnostic carries in `data`, so code actions need no re-analysis (ARCHITECTURE rule 7). */
export interface DiagnosticData {
  readonly fixes: Finding['fixes'];
}

/** `uri` is the document's, used for related information (which always points into the same file). */
export function toLspDiagnostic(f: Finding, uri: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: spanToLspRange(f.span),
    severity: toLspSeverity(f.severity),
    code: f.code,
    codeDescription: { href: docsBaseUrl + codeCatalog[f.code].docs },
    source: 'iptables-lens',
    message: f.message,
  };
  if (f.unnecessary) diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (f.related && f.related.length > 0) {
    diagnostic.relatedInformation = f.related.map((r) => ({
      location: { uri, range: spanToLspRange(r.span) },
      message: r.message,
    }));
  }
  if (f.fixes && f.fixes.length > 0) diagnostic.data = { fixes: f.fixes } satisfies DiagnosticData;
  return diagnostic;
}
