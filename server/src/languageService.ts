import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { ParsedDocument } from './parser/parseDocument';
import { parseDocument } from './parser/parseDocument';
import type { Finding } from './analysis/findings';
import { analyze } from './analysis/analyzer';
import type { Settings } from './settings';
import { toDiagnostics } from './features/diagnostics';
import { getCodeActions } from './features/codeActions';

/**
 * The façade every front end (LSP handlers, CLI, tests, benchmarks) goes through: one entry per
 * feature, each a pure function of a parsed document plus per-call options. Analysis results are
 * memoised per ParsedDocument, so a document version is parsed and analysed once whatever asks.
 */
export interface LanguageService {
  parse(text: string): ParsedDocument;
  /** All findings (syntax, kernel validity, Istio, lint) before the user's code filter. */
  getFindings(doc: ParsedDocument, settings: Settings): readonly Finding[];
  getDiagnostics(doc: ParsedDocument, uri: string, settings: Settings): Diagnostic[];
  getCodeActions(
    uri: string,
    contextDiagnostics: readonly Diagnostic[],
    allDiagnostics: readonly Diagnostic[],
  ): CodeAction[];
}

export function createLanguageService(): LanguageService {
  const findingsCache = new WeakMap<ParsedDocument, { maxSize: number; findings: readonly Finding[] }>();

  function getFindings(doc: ParsedDocument, settings: Settings): readonly Finding[] {
    const maxSize = settings.diagnostics.maxFileSizeForAnalysis;
    const cached = findingsCache.get(doc);
    if (cached && cached.maxSize === maxSize) return cached.findings;
    const findings = analyze(doc, { maxSizeForAnalysis: maxSize });
    findingsCache.set(doc, { maxSize, findings });
    return findings;
  }

  return {
    parse: parseDocument,
    getFindings,
    getDiagnostics: (doc, uri, settings) =>
      toDiagnostics(getFindings(doc, settings), uri, settings.diagnostics.disabledCodes),
    getCodeActions,
  };
}
