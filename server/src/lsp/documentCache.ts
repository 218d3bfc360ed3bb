import type { Connection } from 'vscode-languageserver/node';
import type { ParsedDocument } from '../parser/parseDocument';
import { parseDocument, parseDocumentInSlices } from '../parser/parseDocument';
import { serverParallelReading } from './workerReading';
import type { LanguageService } from '../languageService';
import type { ChangeTracker } from './changeTracker';
import type { LineDocument } from './lineDocument';
import type { LineSource } from '../parser/lineStarts';
import { LongWorkProgress, baseName } from './longWorkProgress';
import { runInSlices } from './sliceRunner';

interface Entry {
  readonly version: number;
  parsed: Promise<ParsedDocument>;
}

/**
 * Parses each document once per version (ARCHITECTURE rule 4). Every handler awaits the cache; the
 * entry is replaced when the version changes and dropped when the document closes.
 *
 * Big documents are parsed in slices on the event loop (sliceRunner), so other requests are answered
 * meanwhile, a superseded version stops being parsed at the next slice, and a parse that runs over a
 * second shows progress in the client. A small edit re-parses only the lines it touched, when the
 * language service can do that for the edit (the ChangeTracker knows which lines changed).
 */
export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  /** The newest finished parse per document: the base of the next incremental re-parse. */
  private readonly finished = new Map<string, { version: number; parsed: ParsedDocument }>();

  constructor(
    private readonly service: LanguageService,
    private readonly changes: ChangeTracker,
    private readonly connection?: Connection,
    /**
     * The size above which a document gets only the syntax and Istio checks (the setting). Above it
     * the parse keeps rules on demand (ParseOptions.onDemand): nothing then reads every rule.
     */
    private readonly analysisLimit?: (uri: string) => Promise<number>,
  ) {}

  /** The parse of this version of the document, started now or shared with earlier callers. */
  get(document: LineDocument): Promise<ParsedDocument> {
    const entry = this.entries.get(document.uri);
    if (entry && entry.version === document.version) return entry.parsed;
    // Registered before the parse starts: a re-parse of a few lines finishes synchronously and must
    // find itself current to become the base of the next one.
    const fresh: Entry = { version: document.version, parsed: Promise.resolve(emptyDocument) };
    this.entries.set(document.uri, fresh);
    fresh.parsed = this.parse(document, fresh);
    return fresh.parsed;
  }

  private async parse(document: LineDocument, self: Entry): Promise<ParsedDocument> {
    const { uri, version } = document;
    // The line store lets a re-parse read the changed lines without building the whole text.
    const quick = this.reparseChangedLines(uri, version, document);
    if (quick) return this.keep(uri, version, quick);
    const text = document.textForParsing();
    const limit = this.analysisLimit && (await this.analysisLimit(uri));
    if (this.entries.get(uri) !== self) return this.newest(uri);
    const onDemand = limit !== undefined && text.length > limit;
    const progress =
      this.connection && new LongWorkProgress(this.connection, `iptables-lens: parsing ${baseName(uri)}`);
    try {
      const parsed = await runInSlices(
        parseDocumentInSlices(text, { onDemand, parallel: onDemand ? parallelReading : undefined }),
        {
          abandoned: () => this.entries.get(uri) !== self,
          onSlice: (p, elapsedMs) => progress?.update(p.done, p.total, elapsedMs),
        },
      );
      if (parsed) return this.keep(uri, version, parsed);
    } finally {
      progress?.end();
    }
    return this.newest(uri);
  }

  /** For a parse superseded by a newer version (a request for it gets the newest parse) or closed. */
  private newest(uri: string): Promise<ParsedDocument> {
    const newer = this.entries.get(uri);
    return newer ? newer.parsed : Promise.resolve(emptyDocument);
  }

  /** A re-parse of only the lines changed since the last finished parse, when the service can do it. */
  private reparseChangedLines(uri: string, version: number, text: LineSource): ParsedDocument | undefined {
    const base = this.finished.get(uri);
    if (!base) return undefined;
    const changed = this.changes.changedBetween(uri, base.version, version);
    return changed && this.service.reparse(base.parsed, text, changed);
  }

  private keep(uri: string, version: number, parsed: ParsedDocument): ParsedDocument {
    if (this.entries.get(uri)?.version === version) {
      this.finished.set(uri, { version, parsed });
      this.changes.rebase(uri, version);
    }
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
    this.finished.delete(uri);
    this.changes.forget(uri);
  }
}

/** How the server reads big documents on two cores (none on a one-core machine). */
const parallelReading = serverParallelReading();

/** What a request on a document closed mid-parse gets. */
const emptyDocument = parseDocument('');
