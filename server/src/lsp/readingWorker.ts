/**
 * The reading worker: a thread that reads runs of `-A` lines of a big document while the parser reads
 * the lines before them (lsp/workerReading.ts starts it and sends the runs). Bundled on its own as
 * dist/readingWorker.js.
 */
import { setPriority } from 'os';
import { parentPort, workerData, type MessagePort } from 'worker_threads';
import { readChunkFacts } from '../parser/readChunk';
import { ReadingSlot, readingWorkerNice, type ChunkJob, type ChunkResult } from './readingProtocol';

const { results, shared } = workerData as { results: MessagePort; shared: Int32Array };

/**
 * The worker only helps; the main thread answers requests. On a busy machine (two cores, the client,
 * the garbage collector's threads) the two threads took turns and a hover waited for the main thread's
 * turn: lowering the worker's priority (raising its nice value) gave the main thread the core first.
 * Measured on the 450k open, pings after the message arrived: p90 64–78 → 49–50 ms, worst 111–164 →
 * 74–108 ms, the open no slower. Only on Linux, where a thread has its own nice value and pid 0 means
 * the calling thread; elsewhere it would lower the whole server.
 */
if (process.platform === 'linux') {
  try {
    setPriority(readingWorkerNice);
  } catch {
    // Not allowed here: the worker reads at the server's priority.
  }
}

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
