import type { DocumentText } from './piecedText';
import type { CommandBlock } from './readCommandLine';
import type { LineIndex } from './splitLines';

/**
 * A second reader of a big document's rule lines, for an on-demand parse (ParseOptions.parallel).
 * Reading a `-A` line in full to learn whether it is clean is most of such a parse, and it depends only
 * on the line's text and its table block; so a helper may read runs of a block's lines ahead of the
 * parser and hand back a row of facts per clean line (parser/readChunk.ts, parser/ruleFacts.ts). The
 * parser builds a line's handle from its row when there is one and reads the line itself otherwise, so
 * the parse is the same whether the helper helps, lags or fails. The language server's helper is a
 * worker thread (lsp/workerReading.ts); the core knows only this interface.
 */
export interface HelperReading {
  /**
   * Called every few hundred lines and when a block opens: the parser is at `line`, reading `block`,
   * which ends before line `blockEnd`.
   */
  advance(line: number, block: CommandBlock, blockEnd: number): void;
  /**
   * Rows that hold `line`'s facts at row {@link rowOf}(line), when the parser, reading `block`, may
   * build the line from them; undefined when it must read the line itself.
   */
  rowsFor(line: number, block: CommandBlock): Int32Array | undefined;
  rowOf(line: number): number;
  /** The parse is over (finished or abandoned). */
  stop(): void;
}

/** How an on-demand parse gets a helper. */
export interface ParallelReading {
  /** Documents with fewer lines are read by the parser alone. */
  readonly minLines: number;
  /** The helper reads runs of this many lines: the parser indexes the document by them. */
  readonly chunkLines: number;
  /** Starts a helper for `text`, or returns undefined when there is none to start. */
  start(text: DocumentText, index: LineIndex): HelperReading | undefined;
}
