import {
  AbstractMessageReader,
  Disposable,
  type DataCallback,
  type Message,
} from 'vscode-languageserver/node';
import { StreamingJsonBody } from './jsonBody';

/** Bodies at least this long are decoded while they arrive (see StreamingJsonBody). */
const streamedBodyLength = 1 << 20;

/**
 * The LSP base protocol over a byte stream (`Content-Length: N\r\n\r\n` + N bytes of UTF-8 JSON),
 * read as vscode-jsonrpc's stream reader does, except that a big body is decoded chunk by chunk as
 * it arrives (StreamingJsonBody) rather than all at once after its last byte: opening a 49 MB node
 * dump then no longer stops the server for 0.6 s after the transfer. Used for `--stdio`, the
 * transport of VS Code's client (client/src/extension.ts), Neovim and most LSP clients. Over
 * `--node-ipc` Node decodes the framing itself, each message in one piece.
 */
export class StdioMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  /** Header text of the message being read (ASCII), until the blank line. */
  private header = '';
  /** Body length of the message being read; -1 while its header is read. */
  private bodyLength = -1;
  private received = 0;
  private streamed: StreamingJsonBody | undefined;
  private chunks: Uint8Array[] = [];

  /**
   * `readable` emits the bytes as `data` events; a chunk may be a view of a buffer the source fills
   * again after the handler returns (see stdinChunks), so whatever is kept is copied.
   */
  constructor(private readonly readable: NodeJS.EventEmitter) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer | string): void => {
      try {
        this.consume(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      } catch (error) {
        this.fireError(error);
      }
    };
    const onError = (error: Error): void => this.fireError(error);
    const onClose = (): void => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return Disposable.create(() => {
      this.callback = undefined;
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    });
  }

  private consume(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.bodyLength < 0) {
        at = this.readHeader(data, at);
        continue;
      }
      const take = Math.min(this.bodyLength - this.received, data.length - at);
      const part = data.subarray(at, at + take);
      at += take;
      this.received += take;
      if (this.streamed) this.streamed.write(part);
      else this.chunks.push(Buffer.from(part));
      if (this.received === this.bodyLength) this.deliver();
    }
  }

  /** Reads header bytes from `at`; returns where reading stopped (after the blank line, or the end). */
  private readHeader(data: Buffer, at: number): number {
    let i = at;
    for (; i < data.length; i++) {
      this.header += String.fromCharCode(data[i]!);
      if (this.header.endsWith('\r\n\r\n')) {
        this.startBody(this.header);
        this.header = '';
        return i + 1;
      }
      if (this.header.length > 8192) throw new Error('Message header too long (no blank line after 8 KB).');
    }
    return i;
  }

  private startBody(header: string): void {
    let length: number | undefined;
    for (const line of header.split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon < 0) throw new Error(`Message header must separate key and value using ':'\n${line}`);
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-length') length = Number(value);
      if (key === 'content-type' && /charset=/i.test(value) && !/charset=["']?utf-?8/i.test(value))
        throw new Error(`Unsupported message encoding: ${value} (only UTF-8 is read).`);
    }
    if (length === undefined || !Number.isInteger(length) || length < 0)
      throw new Error(`Header must provide a valid Content-Length property.\n${header}`);
    this.bodyLength = length;
    this.received = 0;
    this.chunks = [];
    this.streamed = length >= streamedBodyLength ? new StreamingJsonBody(length) : undefined;
    if (length === 0) this.deliver();
  }

  private deliver(): void {
    const streamed = this.streamed;
    const chunks = this.chunks;
    this.bodyLength = -1;
    this.streamed = undefined;
    this.chunks = [];
    let message: Message;
    try {
      message = (
        streamed ? streamed.finish() : JSON.parse(Buffer.concat(chunks).toString('utf8'))
      ) as Message;
    } catch (error) {
      // A malformed body is reported and skipped; the messages after it are read as usual.
      this.fireError(error);
      return;
    }
    this.callback?.(message);
  }
}
