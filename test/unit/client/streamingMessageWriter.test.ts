import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { StreamMessageWriter, type Message } from 'vscode-jsonrpc/node';
import {
  StreamingMessageWriter,
  type ByteSink,
  type StreamingWriterSizes,
} from '../../../common/streamingMessageWriter';
import { PiecedText } from '../../../server/src/parser/piecedText';
import { StdioMessageReader } from '../../../server/src/lsp/stdioReader';
import { propertySeed, runLabel } from '../../helpers/fuzzConfig';
import { LspTestClient } from '../../helpers/lspClient';

const fixtures = path.resolve(__dirname, '..', '..', 'fixtures');

/** Strings full of what JSON escapes: quotes, backslashes, controls, non-ASCII, surrogate pairs and lone halves. */
const trickyString = fc
  .array(
    fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '/', '\u007f', '\u2028'),
      fc.constantFrom('é', '€', '中', '😀', '\u{10ffff}', '\ud800', '\udfff', '\ud83d', '\ude00'),
      fc.string({ maxLength: 12, unit: 'binary' }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.constantFrom('textDocument/didOpen', 'textDocument/didChange'),
    params: fc.record({
      textDocument: fc.record({ uri: fc.webUrl(), version: fc.nat(), text: trickyString }),
      contentChanges: fc.array(fc.record({ text: trickyString }), { maxLength: 3 }),
      list: fc.array(fc.oneof(trickyString, fc.integer(), fc.boolean(), fc.constant(null)), { maxLength: 4 }),
    }),
  }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), result: fc.oneof(trickyString, fc.constant(null)) }),
);

const sizes: fc.Arbitrary<StreamingWriterSizes> = fc.record({
  longString: fc.integer({ min: 1, max: 24 }),
  piece: fc.integer({ min: 1, max: 9 }),
  buffer: fc.integer({ min: 1, max: 40 }),
});

/** The bytes vscode-jsonrpc's StreamMessageWriter writes for `messages`, one after the other. */
async function stockBytes(messages: readonly Message[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  const writer = new StreamMessageWriter(sink);
  for (const m of messages) await writer.write(m);
  return Buffer.concat(chunks);
}

/**
 * A sink that calls back later, as a pipe does when the reader is slow, and checks each chunk is left
 * alone until then: the writer reuses its buffers, and must not refill one the sink still holds.
 */
class SlowSink implements ByteSink {
  readonly chunks: Buffer[] = [];
  readonly touchedTooEarly: number[] = [];
  private readonly pending: (() => void)[] = [];

  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean {
    const copy = Buffer.from(chunk);
    const index = this.chunks.push(copy) - 1;
    this.pending.push(() => {
      if (!copy.equals(chunk)) this.touchedTooEarly.push(index);
      callback();
    });
    // Several writes stay pending at once, then complete in order.
    setTimeout(() => this.pending.shift()?.(), index % 3);
    return false;
  }

  end(): void {}
  on(): this {
    return this;
  }
}

/** The bytes StreamingMessageWriter writes for `messages`, all handed to write() without waiting. */
async function streamedBytes(
  messages: readonly Message[],
  writerSizes?: StreamingWriterSizes,
): Promise<Buffer> {
  const sink = new SlowSink();
  const writer = new StreamingMessageWriter(sink, writerSizes);
  await Promise.all(messages.map((m) => writer.write(m)));
  assert.deepStrictEqual(sink.touchedTooEarly, [], 'a buffer was refilled before the sink was done with it');
  return Buffer.concat(sink.chunks);
}

/** `value` with every PiecedText the server's reader made joined into its string. */
function joined(value: unknown): unknown {
  if (value instanceof PiecedText) return value.toString();
  if (Array.isArray(value)) return value.map(joined);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joined(v)]));
  return value;
}

/** The kube-proxy fixture with a comment whose emoji straddles the writer's first piece boundary (32 K characters). */
function dumpWithEmojiAtPieceEdge(): string {
  const dump = fs.readFileSync(path.join(fixtures, 'kube', 'kube-50x3.rules'), 'utf8');
  const lineStart = dump.lastIndexOf('\n', 32_000) + 1;
  const comment = '# ';
  const padding = 'x'.repeat(32 * 1024 - 1 - lineStart - comment.length);
  return `${dump.slice(0, lineStart)}${comment}${padding}😀 é "quoted" \\ tab\t\n${dump.slice(lineStart)}`;
}

describe('StreamingMessageWriter (the extension client writes big messages in pieces)', function () {
  it(`Should write exactly the bytes of vscode-jsonrpc's writer, however the sizes cut the strings${runLabel(9171, 100)}`, async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        sizes,
        async (messages, writerSizes) => {
          const expected = await stockBytes(messages);
          assert.ok(expected.length > 0);
          assert.deepStrictEqual(
            (await streamedBytes(messages, writerSizes)).toString('latin1'),
            expected.toString('latin1'),
          );
        },
      ),
      { seed: propertySeed(9171), numRuns: 100, endOnFailure: true },
    );
  });

  it('Should keep a surrogate pair in one piece where the default sizes cut a real dump', async function () {
    const text = dumpWithEmojiAtPieceEdge();
    assert.strictEqual(text.codePointAt(32 * 1024 - 1), 0x1f600);
    const open = {
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///k.rules', languageId: 'iptables', version: 1, text } },
    };
    const bytes = await streamedBytes([open]);
    assert.ok(bytes.includes('😀'), 'the emoji is written as UTF-8, not as two lone escapes');
    assert.deepStrictEqual(bytes, await stockBytes([open]));
  });

  it('Should reject a write the stream fails, report it with the message and count, and write the next message whole', async function () {
    let failNext = true;
    const chunks: Buffer[] = [];
    const sink: ByteSink = {
      write(chunk, callback) {
        if (failNext) {
          failNext = false;
          setImmediate(() => callback(new Error('EPIPE')));
        } else {
          chunks.push(Buffer.from(chunk));
          setImmediate(() => callback());
        }
        return true;
      },
      end() {},
      on() {
        return sink;
      },
    };
    const writer = new StreamingMessageWriter(sink, { longString: 4, piece: 3, buffer: 8 });
    const reported: [string, Message | undefined, number | undefined][] = [];
    writer.onError(([error, m, count]) => reported.push([error.message, m, count]));
    const first = { jsonrpc: '2.0', method: 'a', params: { text: 'a long text' } };
    const second = { jsonrpc: '2.0', method: 'b', params: { text: 'another long text' } };
    const results = await Promise.allSettled([writer.write(first), writer.write(second)]);
    assert.strictEqual(results[0].status, 'rejected');
    assert.strictEqual(results[1].status, 'fulfilled');
    assert.deepStrictEqual(reported, [['EPIPE', first, 1]]);
    assert.deepStrictEqual(Buffer.concat(chunks), await stockBytes([second]));
  });

  it("Should carry a 5 MB didOpen over a real socket to the server's reader intact", async function () {
    const line = '-A KUBE-SVC-X -m comment --comment "ns/svc:http → 10.0.0.1:80 😀" -j KUBE-SEP-Y\t\\';
    const text = Array.from({ length: 60_000 }, (_, i) => `${line}${i}`).join('\n');
    const open = {
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///a b', languageId: 'iptables', version: 1, text } },
    };
    const after = { jsonrpc: '2.0', id: 7, method: 'shutdown' };
    const socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-writer-')), 's');
    const received: unknown[] = [];
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const accepted = new Promise<void>((resolve, reject) => {
      server.once('connection', (socket) => {
        const reader = new StdioMessageReader(socket);
        reader.onError(reject);
        reader.listen((m) => {
          received.push(joined(m));
          if (received.length === 2) resolve();
        });
      });
    });
    const client = net.connect(socketPath);
    try {
      const writer = new StreamingMessageWriter(client);
      await Promise.all([writer.write(open), writer.write(after)]);
      await accepted;
      assert.deepStrictEqual(received, [open, after]);
    } finally {
      client.destroy();
      server.close();
      fs.rmSync(path.dirname(socketPath), { recursive: true, force: true });
    }
  });

  it('Should give the real server the same document as the stock writer does', async function () {
    this.timeout(120_000);
    const text = dumpWithEmojiAtPieceEdge();
    const uri = 'file:///kube.rules';
    const answers = async (writer: 'stock' | 'vscode') => {
      const client = new LspTestClient(writer);
      try {
        await client.initialize();
        const diagnostics = await client.open(uri, text);
        const tokens = await client.connection.sendRequest('textDocument/semanticTokens/full', {
          textDocument: { uri },
        });
        const symbols = await client.connection.sendRequest('textDocument/documentSymbol', {
          textDocument: { uri },
        });
        return { diagnostics, tokens, symbols };
      } finally {
        await client.shutdown();
      }
    };
    const stock = await answers('stock');
    assert.ok(
      (stock.symbols as unknown[]).length > 0 && (stock.tokens as { data: number[] }).data.length > 1000,
    );
    assert.deepStrictEqual(await answers('vscode'), stock);
  });
});
