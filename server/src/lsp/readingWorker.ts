/**
 * The reading worker: a thread that reads runs of `-A` lines of a big document while the parser reads
 * the lines before them (lsp/workerReading.ts starts it and sends the runs). Bundled on its own as
 * dist/readingWorker.js.
 */
import { parentPort, workerData, type MessagePort } from 'worker_threads';
import { readChunkFacts } from '../parser/readChunk';
import { ReadingSlot, type ChunkJob, type ChunkResult } from './readingProtocol';

const { results, shared } = workerData as { results: MessagePort; shared: Int32Array };

parentPort?.on('message', (job: ChunkJob) => {
  let facts: Int32Array | undefined;
  try {
    facts = readChunkFacts(
      job.text,
      job.firstLine,
      job.lineCount,
      { table: job.table, family: job.family, shortLived: true },
      (line) => Atomics.load(shared, ReadingSlot.ParserLine) >= line,
    );
  } catch {
    // The parser reads the run itself.
    facts = undefined;
  }
  const result: ChunkResult = { chunk: job.chunk, facts };
  results.postMessage(result, facts ? [facts.buffer as ArrayBuffer] : []);
  Atomics.add(shared, ReadingSlot.Results, 1);
  Atomics.notify(shared, ReadingSlot.Results);
});
