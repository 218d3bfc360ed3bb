import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { ChangedLines } from '../model/span';

/** No change yet, some lines, or a change that replaced the whole text. */
type Region = ChangedLines | 'untouched' | 'everything';

/** One didChange notification: the changes that take the document from one version to the next. */
interface Batch {
  readonly from: number;
  readonly to: number;
  readonly changes: readonly TextDocumentContentChangeEvent[];
}

/** Batches kept per document before the cache catches up; a longer backlog means a full re-parse anyway. */
const maxBatches = 500;

/**
 * Remembers, per document, the incremental `didChange` ranges the client sent since the version the
 * document cache last parsed, and merges them into one conservative region of changed lines, so a
 * re-parse of that region is always enough. Batches are kept per version because edits keep arriving
 * while a big document is being parsed.
 */
export class ChangeTracker {
  private readonly batches = new Map<string, Batch[]>();

  /** Records one didChange notification that takes the document from `from` to `to`. */
  record(uri: string, from: number, to: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    let list = this.batches.get(uri);
    if (!list) this.batches.set(uri, (list = []));
    list.push({ from, to, changes });
    if (list.length > maxBatches) list.shift();
  }

  /**
   * The lines changed between two versions, or undefined when the recorded history does not link them
   * or a change replaced the whole text; the caller then parses the whole document.
   */
  changedBetween(uri: string, baseVersion: number, targetVersion: number): ChangedLines | undefined {
    const list = this.batches.get(uri) ?? [];
    let region: Region = 'untouched';
    let version = baseVersion;
    for (const batch of list) {
      if (batch.to <= baseVersion) continue;
      if (batch.from !== version || batch.to > targetVersion) return undefined;
      for (const change of batch.changes) region = merge(region, change);
      version = batch.to;
      if (version === targetVersion) break;
    }
    if (version !== targetVersion) return undefined;
    return region === 'everything' || region === 'untouched' ? undefined : region;
  }

  /** The cache has parsed `version`: history up to it is no longer needed. */
  rebase(uri: string, version: number): void {
    const list = this.batches.get(uri);
    if (!list) return;
    while (list.length > 0 && list[0]!.to <= version) list.shift();
  }

  forget(uri: string): void {
    this.batches.delete(uri);
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  // A lone \r also ends a line for the editor; CRLF was counted once through its \n.
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') n++;
  return n;
}

/** Folds one content change into the changed region (see ChangedLines for the coordinates). */
function merge(region: Region, change: TextDocumentContentChangeEvent): Region {
  if (region === 'everything' || !('range' in change)) return 'everything';
  const start = change.range.start.line;
  const end = change.range.end.line;
  const newEnd = start + countNewlines(change.text);
  if (region === 'untouched') return { firstLine: start, oldLastLine: end, newLastLine: newEnd };
  // Lines after the region are shifted by `shift` between the two versions.
  const shift = region.newLastLine - region.oldLastLine;
  const first = Math.min(region.firstLine, start);
  const hi = Math.max(region.newLastLine, end);
  const oldLast = hi > region.newLastLine ? hi - shift : region.oldLastLine;
  return { firstLine: first, oldLastLine: oldLast, newLastLine: hi + (newEnd - end) };
}
