import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentHighlight,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  SemanticTokens,
  TextEdit,
  WorkspaceEdit,
  WorkspaceSymbol,
} from 'vscode-languageserver-types';
import type { ParsedDocument, ParseProgress } from './parser/parseDocument';
import type { ChangedLines } from './model/span';
import { parseDocument, runToEnd } from './parser/parseDocument';
import type { Finding } from './analysis/findings';
import { analyzeInSlices } from './analysis/analyzer';
import { reanalyze } from './analysis/incremental';
import { reparseLines, reparseOrigin } from './parser/incremental';
import type { Settings } from './settings';
import { toDiagnostics } from './features/diagnostics';
import { getCodeActions } from './features/codeActions';
import { getHover } from './features/hover';
import { getDocumentSymbols, prepareDocumentSymbols } from './features/documentSymbols';
import { prepareChainIndex } from './features/chainOccurrences';
import { getWorkspaceSymbols } from './features/workspaceSymbols';
import { getFoldingRanges } from './features/folding';
import { getDefinition } from './features/definition';
import { getReferences } from './features/references';
import { getDocumentHighlights } from './features/documentHighlights';
import { getRenameEdits, prepareRename } from './features/rename';
import { getCompletions } from './features/completion';
import { formatDocument } from './features/formatting';
import { getInlayHints } from './features/inlayHints';
import { getIstioCodeLenses } from './features/istioCodeLens';
import { getExpectedRuleSet } from './features/compareExpected';
import { analyzeIstio } from './istio/classify';
import { prepareCatalogueShapes } from './istio/recognize';
import { getTraceCodeLenses } from './features/traceCodeLens';
import { getTraceScenarios, trace } from './features/trace';
import { getSemanticTokens } from './features/semanticTokens';
import type { TraceResponse, TraceScenarioInfo } from '../../common/traceProtocol';
import { textLengthOf, type LineSource } from './parser/lineStarts';

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
  /** {@link getDiagnostics} as a generator that yields between checks (for the server's slice runner). */
  getDiagnosticsInSlices(
    doc: ParsedDocument,
    uri: string,
    settings: Settings,
  ): Generator<ParseProgress, Diagnostic[], void>;
  getCodeActions(
    uri: string,
    contextDiagnostics: readonly Diagnostic[],
    allDiagnostics: readonly Diagnostic[],
  ): CodeAction[];
  getHover(doc: ParsedDocument, position: Position): Hover | null;
  getDocumentSymbols(doc: ParsedDocument): DocumentSymbol[];
  /**
   * What a feature builds once per parse and keeps (the chain index of definition, the one of
   * references, highlights and rename, the outline), as work that yields every few milliseconds: the
   * language server runs it in slices before the request, so the first request on a 450,000-line dump
   * does not hold the server for the whole build. Features build it themselves when it was not run.
   */
  prepare(doc: ParsedDocument, feature: PreparedFeature): Generator<void, unknown, void>;
  /**
   * What the checks build once per process (the Istio catalogue's rule shapes), as work that yields:
   * the language server runs it in slices after start-up, so the first document's checks do not.
   */
  prepareChecks(): Generator<void, void, void>;
  getWorkspaceSymbols(docs: { uri: string; doc: ParsedDocument }[], query: string): WorkspaceSymbol[];
  getFoldingRanges(doc: ParsedDocument): FoldingRange[];
  getDefinition(doc: ParsedDocument, uri: string, position: Position): Location[];
  getReferences(
    doc: ParsedDocument,
    uri: string,
    position: Position,
    includeDeclaration: boolean,
  ): Location[];
  getDocumentHighlights(doc: ParsedDocument, position: Position): DocumentHighlight[];
  prepareRename(doc: ParsedDocument, position: Position): Range | null;
  getRenameEdits(
    doc: ParsedDocument,
    uri: string,
    position: Position,
    newName: string,
  ): { edit: WorkspaceEdit } | { error: string };
  getCompletions(doc: ParsedDocument, position: Position): CompletionList;
  formatDocument(doc: ParsedDocument): TextEdit[];
  getInlayHints(doc: ParsedDocument, range: Range): InlayHint[];
  getCodeLenses(doc: ParsedDocument, uri: string): CodeLens[];
  /** Trace a packet spec or a built-in scenario (the `iptables/trace` request and the CLI). */
  trace(doc: ParsedDocument, request: { packet?: string; scenario?: string }): TraceResponse;
  getTraceScenarios(doc: ParsedDocument): TraceScenarioInfo[];
  getExpectedRuleSet(doc: ParsedDocument): { title: string; text: string } | null;
  /** One line naming what the file is, e.g. "Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio 1.25+". */
  getClassification(doc: ParsedDocument): string;
  /** Semantic tokens of the whole document, or of the lines a range touches (from the cached parse). */
  getSemanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens;
  /**
   * A new parse that re-reads only the changed lines of `previous`, sharing everything else with it, or
   * undefined when the edit is not local enough for that (the caller then parses the whole text).
   */
  reparse(previous: ParsedDocument, text: LineSource, changed: ChangedLines): ParsedDocument | undefined;
}

/** Features whose per-parse index or outline the language server prepares in slices. */
export type PreparedFeature = 'definition' | 'chainOccurrences' | 'documentSymbols';

export function createLanguageService(): LanguageService {
  const findingsCache = new WeakMap<ParsedDocument, { maxSize: number; findings: readonly Finding[] }>();

  function* getFindingsInSlices(
    doc: ParsedDocument,
    settings: Settings,
  ): Generator<ParseProgress, readonly Finding[], void> {
    const maxSize = settings.diagnostics.maxFileSizeForAnalysis;
    const cached = findingsCache.get(doc);
    if (cached && cached.maxSize === maxSize) return cached.findings;
    // After a small edit, the findings of the version it was made from cover the untouched lines.
    const origin = reparseOrigin(doc);
    const before = origin && findingsCache.get(origin.previous);
    // Only above the size limit: below it reanalyze is a plain analyze, which must run in slices.
    const findings =
      origin && before && before.maxSize === maxSize && textLengthOf(doc) > maxSize
        ? reanalyze(origin.previous, before.findings, doc, { maxSizeForAnalysis: maxSize })
        : yield* analyzeInSlices(doc, { maxSizeForAnalysis: maxSize });
    findingsCache.set(doc, { maxSize, findings });
    return findings;
  }

  function getFindings(doc: ParsedDocument, settings: Settings): readonly Finding[] {
    return runToEnd(getFindingsInSlices(doc, settings));
  }

  return {
    parse: parseDocument,
    getFindings,
    getDiagnostics: (doc, uri, settings) =>
      toDiagnostics(
        getFindings(doc, settings),
        uri,
        settings.diagnostics.disabledCodes,
        settings.diagnostics.maxNumberOfProblems,
      ),
    *getDiagnosticsInSlices(doc, uri, settings) {
      const findings = yield* getFindingsInSlices(doc, settings);
      return toDiagnostics(
        findings,
        uri,
        settings.diagnostics.disabledCodes,
        settings.diagnostics.maxNumberOfProblems,
      );
    },
    getCodeActions,
    getHover,
    getDocumentSymbols,
    prepare: (doc, feature) =>
      feature === 'documentSymbols'
        ? prepareDocumentSymbols(doc)
        : prepareChainIndex(doc, feature === 'definition'),
    prepareChecks: prepareCatalogueShapes,
    getWorkspaceSymbols,
    getFoldingRanges,
    getDefinition,
    getReferences,
    getDocumentHighlights,
    prepareRename,
    getRenameEdits,
    getCompletions,
    formatDocument,
    getInlayHints,
    getCodeLenses: (doc, uri) => [...getIstioCodeLenses(doc), ...getTraceCodeLenses(doc, uri)],
    trace,
    getTraceScenarios,
    getExpectedRuleSet,
    getClassification: (doc) => analyzeIstio(doc).label,
    getSemanticTokens,
    reparse: (previous, text, changed) => reparseLines(previous, text, changed),
  };
}
