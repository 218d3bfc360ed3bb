import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'worker_threads';
import type { HelperReading, ParallelReading } from '../parser/helperReading';
import type { DocumentText } from '../parser/piecedText';
import type { CommandBlock } from '../parser/readCommandLine';
import { FACTS_PER_LINE, NO_FACTS } from '../parser/ruleFacts';
import type { LineIndex } from '../parser/splitLines';
import { ReadingSlot, type ChunkJob, type ChunkResult } from './readingProtocol';
import { usableCpus } from './usableCpus';

/**
 * The language server's helper reader (parser/helperReading.ts): a worker thread
 * (lsp/readingWorker.ts) that reads a block from its end, a run of lines at a time, while the parser
 * reads it from its start, so a big document is read on two cores. The parser and the worker meet
 * about the middle; the worker skips what the parser has passed.
 */
export interface WorkerReadingOptions {
  /** Documents with fewer lines are read by the parser alone (a thread costs its start and memory). */
  readonly minLines: number;
  /** Lines per run sent to the worker. */
  readonly chunkLines?: number;
  /**
   * Wait for a run the worker is reading instead of reading it alongside, and send it every run at
   * once: for tests, which must see the worker's rows used whatever the timing.
   */
  readonly waitForWorker?: boolean;
  /** Filled in as the parse goes: how many lines were built from the worker's rows. */
  readonly stats?: { linesFromWorker: number };
}

/** ParseOptions.parallel for a parse helped by a worker thread. */
export function workerParallelReading(options: WorkerReadingOptions): ParallelReading {
  const chunkLines = options.chunkLines ?? defaultChunkLines;
  return {
    minLines: options.minLines,
    chunkLines,
    start: (text, index) => WorkerReading.start(text, index, options),
  };
}

/**
 * The server's reading on two cores: above the size limit the rule lines of a document of 200,000
 * lines or more are read by a worker thread as well. Measured on two cores (BENCHMARKS.md): at
 * 150,000 lines the open took as long with the worker as without (both threads' code is still cold
 * when they meet) and the peak memory grew by 25 MB; at 225,000 lines the parse was a ninth sooner,
 * at 300,000 a quarter, at 450,000 a fifth. With one usable core (lsp/usableCpus.ts) the worker would
 * only take turns with the parser, so there is none.
 */
export function serverParallelReading(cores = usableCpus()): ParallelReading | undefined {
  return cores > 1 ? workerParallelReading({ minLines: 200_000 }) : undefined;
}

const defaultChunkLines = 8192;
/** Runs sent but not answered: one being read and one waiting, so the worker never idles. */
const maxInFlight = 2;
/** How long a waiting parser (waitForWorker) waits for one answer before reading the run itself. */
const waitLimitMs = 10_000;

/** Where the worker's code is: bundled next to the server, or the TypeScript source under tsx. */
function workerEntry(): { file: string; execArgv: string[] } | undefined {
  const bundled = path.join(__dirname, 'readingWorker.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = path.join(__dirname, 'readingWorker.ts');
  if (!fs.existsSync(source)) return undefined;
  try {
    return { file: source, execArgv: ['--require', require.resolve('tsx/cjs')] };
  } catch {
    return undefined;
  }
}

type RunState = 'posted' | 'read';

class WorkerReading implements HelperReading {
  private readonly worker: Worker;
  private readonly results: MessagePort;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private readonly chunkLines: number;
  private readonly state: (RunState | undefined)[] = [];
  private readonly rows: (Int32Array | undefined)[] = [];
  /** The block each run was sent as part of: its rows stand only for lines the parser reads in that block. */
  private readonly sentFor: (CommandBlock | undefined)[] = [];
  private block: CommandBlock | undefined;
  /** The run to send next, going from the block's end towards the parser (-1: none left). */
  private nextRun = -1;
  private inFlight = 0;
  private resultsSeen = 0;
  /** The run the parser is in: answers for runs before it are dropped on arrival. */
  private parserRun = 0;
  private stopped = false;

  /** Starts the worker for `text`, or returns undefined when there is no worker to start. */
  static start(
    text: DocumentText,
    index: LineIndex,
    options: WorkerReadingOptions,
  ): WorkerReading | undefined {
    const entry = workerEntry();
    if (!entry) return undefined;
    try {
      return new WorkerReading(text, index, options, entry);
    } catch {
      return undefined;
    }
  }

  private constructor(
    private readonly text: DocumentText,
    private readonly index: LineIndex,
    private readonly options: WorkerReadingOptions,
    entry: { file: string; execArgv: string[] },
  ) {
    this.chunkLines = index.every;
    const channel = new MessageChannel();
    this.results = channel.port1;
    this.worker = new Worker(entry.file, {
      execArgv: entry.execArgv,
      workerData: { results: channel.port2, shared: this.shared },
      transferList: [channel.port2],
    });
    // A worker that fails leaves the parser to read everything: nothing to report.
    this.worker.on('error', () => this.stop());
    this.worker.unref();
  }

  /** Takes in the worker's answers and sends it the next runs of the parser's block. */
  advance(line: number, block: CommandBlock, blockEnd: number): void {
    if (this.stopped) return;
    Atomics.store(this.shared, ReadingSlot.ParserLine, line);
    this.takeResults();
    const here = Math.floor(line / this.chunkLines);
    for (let run = this.parserRun; run < here; run++) this.rows[run] = undefined;
    this.parserRun = here;
    if (block !== this.block) {
      this.block = block;
      this.nextRun = Math.floor((blockEnd - 1) / this.chunkLines);
    }
    // Runs the parser will reach before the worker could answer are left to the parser. A parser
    // that waits sends every run at once: the worker then reads all it can.
    const limit = this.options.waitForWorker ? Infinity : maxInFlight;
    while (this.inFlight < limit && this.nextRun > here + 1) this.send(this.nextRun--);
  }

  rowsFor(line: number, block: CommandBlock): Int32Array | undefined {
    const run = Math.floor(line / this.chunkLines);
    if (this.stopped || this.sentFor[run] !== block) return undefined;
    // Asking the port costs a microsecond or two: on the run's lines only now and then.
    if (this.state[run] === 'posted' && (this.options.waitForWorker || line % 256 === 0)) this.awaitRun(run);
    const rows = this.rows[run];
    if (!rows || rows[(line - run * this.chunkLines) * FACTS_PER_LINE] === NO_FACTS) return undefined;
    if (this.options.stats) this.options.stats.linesFromWorker++;
    return rows;
  }

  rowOf(line: number): number {
    return line % this.chunkLines;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.rows.length = 0;
    this.results.close();
    void this.worker.terminate();
  }

  private send(run: number): void {
    const block = this.block!;
    const firstLine = run * this.chunkLines;
    const starts = this.index.starts;
    const job: ChunkJob = {
      chunk: run,
      text: this.text.slice(starts[run]!, starts[run + 1]!),
      firstLine,
      lineCount: Math.min(this.chunkLines, this.index.total - firstLine),
      table: block.table,
      family: block.family,
    };
    this.worker.postMessage(job);
    this.state[run] = 'posted';
    this.sentFor[run] = block;
    this.inFlight++;
  }

  private takeResults(): void {
    for (;;) {
      const message = receiveMessageOnPort(this.results);
      if (!message) return;
      const result = message.message as ChunkResult;
      this.resultsSeen++;
      this.inFlight--;
      this.state[result.chunk] = 'read';
      if (result.chunk >= this.parserRun) this.rows[result.chunk] = result.facts;
    }
  }

  /** Without waitForWorker, only takes in what has arrived; with it, waits for the run's answer. */
  private awaitRun(run: number): void {
    this.takeResults();
    if (!this.options.waitForWorker) return;
    const deadline = Date.now() + waitLimitMs;
    while (this.state[run] === 'posted' && !this.stopped && Date.now() < deadline) {
      Atomics.wait(this.shared, ReadingSlot.Results, this.resultsSeen, deadline - Date.now());
      this.takeResults();
    }
  }
}
