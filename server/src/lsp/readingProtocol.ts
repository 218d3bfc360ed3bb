/** What the server's parse (lsp/workerReading.ts) and the reading worker (lsp/readingWorker.ts) exchange. */

/** A run of lines of one table block for the worker to read. */
export interface ChunkJob {
  readonly chunk: number;
  /** The lines, each with its line break. */
  readonly text: string;
  readonly firstLine: number;
  readonly lineCount: number;
  readonly table: string;
  readonly family: 4 | 6;
}

/** The worker's rows for a run (parser/ruleFacts.ts), or none when it could not read it. */
export interface ChunkResult {
  readonly chunk: number;
  readonly facts: Int32Array | undefined;
}

/** Slots of the Int32Array both sides share. */
export const enum ReadingSlot {
  /** The line the parser has read up to: the worker skips what lies before it. */
  ParserLine = 0,
  /** How many results the worker has posted, so the parser can wait for one. */
  Results = 1,
}

/** The nice value the reading worker gives its own thread on Linux (lsp/readingWorker.ts). */
export const readingWorkerNice = 10;
