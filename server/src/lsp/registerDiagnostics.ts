import type { Diagnostic } from 'vscode-languageserver/node';
import type { LineDocument } from './lineDocument';
import type { ServerContext } from './context';
import { logError } from './runSafe';
import { runInSlices } from './sliceRunner';
import { LongWorkProgress, baseName } from './longWorkProgress';

/**
 * Delay after an edit before re-checking. Zero: edits that arrive in one burst of messages are still
 * coalesced (the timer fires after them), a small edit re-parses only its lines, and a full re-parse of
 * a huge dump is dropped at its next slice (8 ms) when the next keystroke arrives, so typing stays
 * fluid without a debounce that would delay every diagnostic.
 */
const debounceMs = 0;

export interface PublishedDiagnostics {
  /** The diagnostics last sent for a document (code actions use them for fix-all). */
  get(uri: string): readonly Diagnostic[];
  /** Validate now and publish (used after configuration changes). */
  validate(document: LineDocument): Promise<void>;
}

/** Pushes diagnostics for open documents (push works with every client, Neovim 0.7 included). */
export function registerDiagnostics(ctx: ServerContext): PublishedDiagnostics {
  const { connection, documents } = ctx;
  const published = new Map<string, readonly Diagnostic[]>();
  const pending = new Map<string, NodeJS.Timeout>();

  async function validate(document: LineDocument): Promise<void> {
    try {
      const version = document.version;
      const settings = await ctx.settingsFor(document.uri);
      // The document may have changed or closed while settings were fetched.
      const current = documents.get(document.uri);
      if (!current || current.version !== version) return;
      const parsed = await ctx.cache.get(current);
      // A newer version arriving while a big document is parsed or checked drops this validation:
      // the newer version's own validation follows.
      const superseded = (): boolean => documents.get(current.uri)?.version !== version;
      if (superseded()) return;
      const progress = new LongWorkProgress(connection, `iptables-lens: checking ${baseName(current.uri)}`);
      const diagnostics = await runInSlices(
        ctx.service.getDiagnosticsInSlices(parsed, current.uri, settings),
        {
          abandoned: superseded,
          onSlice: (p, elapsedMs) => progress.update(p.done, p.total, elapsedMs),
        },
      ).finally(() => progress.end());
      if (!diagnostics) return;
      published.set(current.uri, diagnostics);
      await connection.sendDiagnostics({ uri: current.uri, version, diagnostics });
    } catch (error) {
      logError(connection, `diagnostics for ${document.uri}`, error);
    }
  }

  function schedule(document: LineDocument, delay: number): void {
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        void validate(document);
      }, delay),
    );
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, debounceMs));
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    published.delete(e.document.uri);
    ctx.cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  return { get: (uri) => published.get(uri) ?? [], validate };
}
