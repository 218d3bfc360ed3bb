import { randomBytes } from 'node:crypto';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc';

/** The sizes a writer works with (tests make them small to reach every path with short messages). */
export interface StreamingWriterSizes {
  /** String values at least this long are escaped and written piece by piece. */
  readonly longString: number;
  /**
   * Characters escaped at a time. An escaped piece of an ASCII text is a little over 32 KB by
   * default, well under the size (128 KB) from which V8 puts a string in its large-object space,
   * which maps fresh memory for every string instead of reusing the young generation's: measured on a
   * 16 MB dump, pieces of 256 K characters took 100 ms per pass, pieces of 32 K 22 ms.
   */
  readonly piece: number;
  /** Bytes handed to the stream in one write; two buffers this long serve the whole message. */
  readonly buffer: number;
}

const defaultSizes: StreamingWriterSizes = { longString: 64 * 1024, piece: 32 * 1024, buffer: 256 * 1024 };

/**
 * The stream a writer writes to: a child process's stdin, a socket, a file. It must be done with a
 * chunk's bytes when it calls back (true of those, not of a Transform, which passes the chunk on).
 */
export interface ByteSink {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  end(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * The LSP base protocol writer (`Content-Length: N\r\n\r\n` + N bytes of UTF-8 JSON) that sends a
 * message holding a long string — a node dump's text in `didOpen`, a full-text `didChange`, a big
 * paste — without building the message's whole JSON text and its UTF-8 copy first.
 *
 * vscode-jsonrpc's StreamMessageWriter (what VS Code's language client uses by default) runs
 * `Buffer.from(JSON.stringify(message))`: for a 16 MB dump that is a 16 MB string and a 16 MB buffer
 * of fresh memory, 250 ms before the server sees the first byte. Here the long strings are escaped
 * 32 K characters at a time, once to add up the body's length for the header and once more to write
 * them, through two reused 256 KB buffers, so the server starts reading (and decoding, see
 * server/src/lsp/stdioReader.ts) within milliseconds and the transfer overlaps the escaping. The bytes
 * are exactly those StreamMessageWriter writes: each piece is escaped by `JSON.stringify` itself, and a
 * piece never ends between the two halves of a surrogate pair.
 */
export class StreamingMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Messages are written one after another; each waits for the one before. */
  private queue: Promise<void> = Promise.resolve();
  private errorCount = 0;
  /** Marks where a long string was taken out of the message's JSON; random so no value can mimic it. */
  private readonly placeholder = `ipl-long-${randomBytes(12).toString('hex')}-`;
  private readonly output: DoubleBufferedOutput;

  constructor(
    private readonly sink: ByteSink,
    private readonly sizes: StreamingWriterSizes = defaultSizes,
  ) {
    super();
    this.output = new DoubleBufferedOutput(sink, sizes.buffer);
    sink.on('error', (error) => this.fireError(error));
    sink.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const written = this.queue.then(() => this.send(message));
    this.queue = written.catch(() => undefined);
    return written;
  }

  end(): void {
    this.sink.end();
  }

  private async send(message: Message): Promise<void> {
    try {
      await this.writeMessage(message);
      this.errorCount = 0;
    } catch (error) {
      this.output.reset();
      this.errorCount++;
      this.fireError(error, message, this.errorCount);
      throw error;
    }
  }

  private async writeMessage(message: Message): Promise<void> {
    const longStrings: string[] = [];
    const json = JSON.stringify(message, (_key, value: unknown) => {
      if (typeof value !== 'string' || value.length < this.sizes.longString) return value;
      longStrings.push(value);
      return `${this.placeholder}${longStrings.length - 1}`;
    });
    const skeletonParts = this.splitAtPlaceholders(json, longStrings.length);
    let length = 0;
    for (const part of skeletonParts) length += Buffer.byteLength(part, 'utf8');
    for (const text of longStrings)
      for (const piece of escapedPieces(text, this.sizes.piece)) length += Buffer.byteLength(piece, 'utf8');
    await this.output.add(`Content-Length: ${length}\r\n\r\n`);
    for (let i = 0; i < skeletonParts.length; i++) {
      await this.output.add(skeletonParts[i]!);
      const text = longStrings[i];
      if (text !== undefined)
        for (const piece of escapedPieces(text, this.sizes.piece)) await this.output.add(piece);
    }
    await this.output.flush();
  }

  /**
   * The message's JSON cut around each placeholder's text (its quotes stay in the parts): part i is
   * followed by long string i.
   */
  private splitAtPlaceholders(json: string, count: number): string[] {
    const parts: string[] = [];
    let from = 0;
    for (let i = 0; i < count; i++) {
      const placeholder = `"${this.placeholder}${i}"`;
      const at = json.indexOf(placeholder, from);
      parts.push(json.slice(from, at + 1));
      from = at + placeholder.length - 1;
    }
    parts.push(json.slice(from));
    return parts;
  }
}

/** `text` as JSON string content (no quotes), in pieces of about `pieceLength` characters. */
function* escapedPieces(text: string, pieceLength: number): Generator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + pieceLength, text.length);
    // The halves of a surrogate pair escaped apart would come out as two `\udXXX`, not as the pair.
    if (isPairAt(text, end - 1)) end = end - 1 > start ? end - 1 : end + 1;
    const quoted = JSON.stringify(text.slice(start, end));
    yield quoted.slice(1, -1);
    start = end;
  }
}

/** A surrogate pair starts at `at`. */
function isPairAt(text: string, at: number): boolean {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/**
 * Collects text into one of two buffers and hands a full buffer to the sink while the other fills; a
 * buffer is reused only after the sink reported it written, since the sink may keep it until then.
 */
class DoubleBufferedOutput {
  private readonly buffers: Buffer[];
  private readonly pending: (Promise<void> | undefined)[] = [undefined, undefined];
  private current = 0;
  private filled = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly bufferLength: number,
  ) {
    this.buffers = [Buffer.allocUnsafe(bufferLength), Buffer.allocUnsafe(bufferLength)];
  }

  async add(text: string): Promise<void> {
    const length = Buffer.byteLength(text, 'utf8');
    if (length > this.bufferLength - this.filled) await this.handOver();
    if (length > this.bufferLength) {
      await this.writeToSink(Buffer.from(text, 'utf8'));
      return;
    }
    this.filled += this.buffers[this.current]!.write(text, this.filled, 'utf8');
  }

  /** Hands over what was collected and waits until the sink has written all of it. */
  async flush(): Promise<void> {
    await this.handOver();
    await Promise.all(this.pending);
  }

  /** Hands the current buffer to the sink, then waits until the other one is free to fill. */
  private async handOver(): Promise<void> {
    if (this.filled > 0) {
      const written = this.writeToSink(this.buffers[this.current]!.subarray(0, this.filled));
      // Awaited later, but a failure must not count as unhandled in the meantime.
      written.catch(() => undefined);
      this.pending[this.current] = written;
      this.current = 1 - this.current;
      this.filled = 0;
    }
    await this.pending[this.current];
  }

  /** After a failed write: the next message starts with empty buffers. */
  reset(): void {
    this.pending.fill(undefined);
    this.current = 0;
    this.filled = 0;
  }

  private writeToSink(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sink.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  }
}
