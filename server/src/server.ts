import type { Connection, InitializeResult } from 'vscode-languageserver/node';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { createLanguageService } from './languageService';
import { DocumentCache } from './lsp/documentCache';
import { LineDocument, splitInBackground } from './lsp/lineDocument';
import { ChangeTracker } from './lsp/changeTracker';
import { createMemoryRelease } from './lsp/memoryRelease';
import type { ServerContext } from './lsp/context';
import { SettingsProvider } from './lsp/settingsProvider';
import { registerDiagnostics } from './lsp/registerDiagnostics';
import { registerCodeActions } from './lsp/registerCodeActions';
import { registerHover } from './lsp/registerHover';
import { registerNavigation } from './lsp/registerNavigation';
import { registerRename } from './lsp/registerRename';
import { registerEditing } from './lsp/registerEditing';
import { registerCodeLens } from './lsp/registerCodeLens';
import { registerExpected } from './lsp/registerExpected';
import { registerValidation } from './lsp/registerValidation';
import { registerTrace } from './lsp/registerTrace';
import { registerSemanticTokens } from './lsp/registerSemanticTokens';
import { semanticTokensLegend } from './features/semanticTokens';
import { runSafeNotification } from './lsp/runSafe';
import { runInSlices } from './lsp/sliceRunner';

import { serverVersion } from './version';

/**
 * Wires the language service to an LSP connection: capabilities, document sync and one register*()
 * per feature. Transport-agnostic, so tests can drive it over an in-process stream pair.
 */
export function startServer(connection: Connection): void {
  const changes = new ChangeTracker();
  // Documents are kept as line arrays (lsp/lineDocument.ts): an edit never rebuilds a 16 MB string.
  const documents = new TextDocuments<LineDocument>({
    create: (uri, languageId, version, content) => LineDocument.create(uri, languageId, version, content),
    update: (document, contentChanges, version) => {
      // Remember which lines each edit touched, so the cache can re-parse only those.
      changes.record(document.uri, document.version, version, contentChanges);
      return LineDocument.update(document, contentChanges, version);
    },
  });
  const service = createLanguageService();
  let settings: SettingsProvider = new SettingsProvider(connection, false);
  const cache = new DocumentCache(service, changes, connection, async (uri) => {
    return (await settings.get(uri)).diagnostics.maxFileSizeForAnalysis;
  });
  let dynamicConfigurationChange = false;

  const ctx: ServerContext = {
    connection,
    documents,
    service,
    cache,
    settingsFor: (uri) => settings.get(uri),
    revalidateAll: () => documents.all().forEach((d) => void published.validate(d)),
  };
  const published = registerDiagnostics(ctx);
  const releaseMemory = createMemoryRelease();
  documents.onDidClose((e) => releaseMemory(e.document.length));
  // Ready for the first keystroke without splitting a whole node dump at once when it comes; after
  // the first parse, which needs the time and the young generation more (measured over stdio: peak
  // memory 12 MB lower on a 150k-line open and 20 MB on 450k lines, which opens about 0.15 s sooner).
  documents.onDidOpen((e) => {
    const split = (): Promise<void> => splitInBackground(e.document);
    void cache.get(e.document).then(split, split);
  });
  registerCodeActions(ctx, published);
  registerHover(ctx);
  registerNavigation(ctx);
  registerRename(ctx);
  registerEditing(ctx);
  registerCodeLens(ctx);
  registerExpected(ctx);
  registerValidation(ctx);
  registerTrace(ctx);
  registerSemanticTokens(ctx);

  connection.onInitialize((params): InitializeResult => {
    const workspace = params.capabilities.workspace;
    settings = new SettingsProvider(connection, workspace?.configuration === true);
    settings.setFallback((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    dynamicConfigurationChange = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        documentSymbolProvider: { label: 'iptables' },
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['-', ' ', ':', '*'] },
        documentFormattingProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: true },
      },
      serverInfo: { name: 'iptables-lens', version: serverVersion },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfigurationChange) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'iptablesLens' });
    }
    // Ahead of the first document; if it fails, the first check builds the same shapes itself.
    runInSlices(service.prepareChecks(), { abandoned: () => false }).catch(() => undefined);
  });

  connection.onDidChangeConfiguration((change) =>
    runSafeNotification(connection, 'didChangeConfiguration', () => {
      settings.clear();
      const pushed = (change.settings as { iptablesLens?: unknown } | null)?.iptablesLens;
      if (pushed !== undefined) settings.setFallback(pushed);
      ctx.revalidateAll();
    }),
  );

  documents.listen(connection);
  connection.listen();
}
