import * as assert from 'assert';
import fc from 'fast-check';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Message } from 'vscode-languageserver/node';
import { StreamingJsonBody } from '../../../server/src/lsp/jsonBody';
import { PiecedText } from '../../../server/src/parser/piecedText';
import { StdioMessageReader } from '../../../server/src/lsp/stdioReader';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { serverArgs, suiteClient } from '../../helpers/lspClient';

/** `bytes` cut into pieces at the given offsets (sorted, deduplicated, inside the buffer). */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of [...points, bytes.length]) {
    if (at > from) pieces.push(bytes.subarray(from, at));
    from = Math.max(from, at);
  }
  return pieces;
}

/**
 * What the decoder makes of `body` fed in the given pieces: the value, or the error's class. A text
 * decoded in pieces (PiecedText) is given joined, with the paths where pieces were found in `piecedAt`.
 */
function decode(
  body: Buffer,
  offsets: readonly number[],
  longLiteral: number,
  pieceLength?: number,
  piecedAt: string[] = [],
): unknown {
  const streamed = new StreamingJsonBody(body.length, longLiteral, undefined, pieceLength);
  for (const piece of cut(body, offsets)) streamed.write(piece);
  let value: unknown;
  try {
    value = streamed.finish();
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
  return joinPieces(value, '', piecedAt);
}

/** `value` with every PiecedText replaced by its joined string; notes where each one was. */
function joinPieces(value: unknown, at: string, piecedAt: string[]): unknown {
  if (value instanceof PiecedText) {
    piecedAt.push(at);
    for (const piece of value.pieces.slice(0, -1))
      assert.ok(piece.endsWith('\n'), `a piece at ${at} ends inside a line`);
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((v, i) => joinPieces(v, `${at}[${i}]`, piecedAt));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, joinPieces(v, `${at}.${k}`, piecedAt)]),
    );
  return value;
}

function jsonParse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
}

/** JSON with every non-ASCII UTF-16 code unit written as a `\uXXXX` escape. */
function asciiOnlyJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Strings full of what JSON escapes: quotes, backslashes, controls, non-ASCII, astral and lone surrogates. */
const trickyString = fc
  .array(
    fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '/', '\u007f'),
      fc.constantFrom('é', '€', '中', '😀', '\u{10ffff}', '\ud800', '\udfff', '\ud83d', '\ude00'),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const message = fc.record({
  jsonrpc: fc.constant('2.0'),
  method: fc.constantFrom('textDocument/didOpen', 'textDocument/didChange'),
  params: fc.record({
    textDocument: fc.record({ uri: fc.webUrl(), text: trickyString }),
    list: fc.array(fc.oneof(trickyString, fc.integer(), fc.boolean(), fc.constant(null)), {
      maxLength: 4,
    }),
  }),
});

describe('StreamingJsonBody (big LSP bodies decoded as they arrive)', function () {
  it(`Should give what JSON.parse gives, however the bytes are cut${runLabel(9141)}`, function () {
    checkProperty(
      9141,
      fc.tuple(
        message,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
      ),
      ([value, offsets, longLiteral, pieceLength]) => {
        const body = Buffer.from(JSON.stringify(value), 'utf8');
        const piecedAt: string[] = [];
        assert.deepStrictEqual(decode(body, offsets, longLiteral, pieceLength, piecedAt), jsonParse(body));
        // As an encoder that writes ASCII only sends it: astral characters become surrogate pairs.
        const ascii = Buffer.from(asciiOnlyJson(value), 'utf8');
        assert.deepStrictEqual(decode(ascii, offsets, longLiteral, pieceLength, piecedAt), jsonParse(ascii));
        // Only a didOpen's document text may come in pieces (the generated didChange has no contentChanges).
        for (const at of piecedAt) {
          assert.strictEqual(value.method, 'textDocument/didOpen');
          assert.strictEqual(at, '.params.textDocument.text');
        }
      },
    );
  });

  it(`Should fail where JSON.parse fails, on cut and damaged bodies${runLabel(9142)}`, function () {
    checkProperty(
      9142,
      fc.tuple(
        message,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(0x00, 0x0a, 0x22, 0x5c, 0x75, 0x7d, 0xff),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
      ),
      ([value, offsets, at, byte, longLiteral, pieceLength]) => {
        const body = Buffer.from(JSON.stringify(value), 'utf8');
        const damaged = Buffer.from(body);
        damaged[at % damaged.length] = byte;
        const truncated = body.subarray(0, at % body.length);
        for (const bad of [damaged, truncated]) {
          const got = decode(bad, offsets, longLiteral, pieceLength);
          const want = jsonParse(bad);
          // Both succeed with the same value, or both throw a SyntaxError.
          assert.deepStrictEqual(got, want);
        }
      },
    );
  });

  it('Should stop its four-byte copy at any byte that needs a look, wherever it falls in a word', function () {
    // A run of plain text read a word at a time; one byte of interest at each of eight positions.
    const specials = ['\\u0001', '\u0001', '\u001f', '\\"', '"', '\\\\', '\\n', 'é', '😀', '\u007f', ' '];
    for (const special of specials)
      for (let at = 100; at < 108; at++) {
        const json = `{"method":"x","params":{"text":"${'a'.repeat(at)}${special}${'b'.repeat(40)}"}}`;
        const body = Buffer.from(json, 'utf8');
        for (const offsets of [[], [at + 13], [at + 14, at + 15]])
          assert.deepStrictEqual(
            decode(body, offsets, 16, 8),
            jsonParse(body),
            `${JSON.stringify(special)} at ${at}`,
          );
      }
  });

  it('Should decode a 5 MB dump with its escapes exactly, in pieces of whole lines, and keep small strings as they are', function () {
    const line = '-A KUBE-SVC-X -m comment --comment "ns/svc:http → 10.0.0.1:80 😀" -j KUBE-SEP-Y\t\\';
    const text = Array.from({ length: 60_000 }, (_, i) => `${line}${i}`).join('\n');
    const value = {
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///a b', text } },
    };
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    assert.ok(body.length > 5_000_000);
    const streamed = new StreamingJsonBody(body.length);
    for (const part of cut(body, [1, 65536, 65537, 3_000_001])) streamed.write(part);
    const got = streamed.finish() as { params: { textDocument: { text: unknown } } };
    // Pieces of about a megabyte (the default), each but the last ending with a line break.
    const pieced = got.params.textDocument.text;
    assert.ok(pieced instanceof PiecedText);
    assert.ok(pieced.pieces.length >= 5 && pieced.pieces.length <= 7, `${pieced.pieces.length} pieces`);
    assert.deepStrictEqual(joinPieces(got, '', []), value);
  });

  it('Should give a full-text didChange in pieces, and a ranged change or any other long string whole', function () {
    const text = 'line with "quotes" and é\n'.repeat(2_000);
    const value = {
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: {
        textDocument: { uri: 'file:///a', version: 2 },
        contentChanges: [
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text },
          { text },
        ],
        other: text,
      },
    };
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    const piecedAt: string[] = [];
    assert.deepStrictEqual(decode(body, [100, 20_000], 1024, 4096, piecedAt), value);
    assert.deepStrictEqual(piecedAt, ['.params.contentChanges[1].text']);
    // The same text under another method is never pieces.
    const other = { ...value, method: 'workspace/executeCommand' };
    const otherAt: string[] = [];
    assert.deepStrictEqual(
      decode(Buffer.from(JSON.stringify(other), 'utf8'), [100], 1024, 4096, otherAt),
      other,
    );
    assert.deepStrictEqual(otherAt, []);
  });
});

describe('StdioMessageReader (LSP base protocol on a stream)', function () {
  function frame(value: unknown, header = 'Content-Length'): Buffer {
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    return Buffer.concat([Buffer.from(`${header}: ${body.length}\r\n\r\n`, 'ascii'), body]);
  }

  async function read(pieces: readonly Buffer[]): Promise<{ messages: Message[]; errors: string[] }> {
    const stream = new PassThrough();
    const reader = new StdioMessageReader(stream);
    const messages: Message[] = [];
    const errors: string[] = [];
    reader.onError((e) => errors.push(e.message));
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    reader.listen((m) => messages.push(m));
    for (const piece of pieces) stream.write(piece);
    stream.end();
    await closed;
    return { messages, errors };
  }

  it(`Should deliver every message in order, however the stream is cut${runLabel(9143, 40)}`, async function () {
    const big = { jsonrpc: '2.0', method: 'big', params: { text: 'x"\\\n'.repeat(300_000) } };
    const bigFrame = frame(big);
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (values, offsets) => {
          const all = [...values, big, ...values];
          const bytes = Buffer.concat([
            ...values.map((v) => frame(v)),
            bigFrame,
            ...values.map((v) => frame(v, 'content-length')),
          ]);
          const { messages, errors } = await read(cut(bytes, offsets));
          assert.deepStrictEqual(errors, []);
          assert.deepStrictEqual(messages, JSON.parse(JSON.stringify(all)));
        },
      ),
      { seed: 9143, numRuns: 40, endOnFailure: true },
    );
  });

  it('Should report a malformed body and go on with the next message', async function () {
    const bad = Buffer.from('Content-Length: 5\r\n\r\n{"a":', 'ascii');
    const { messages, errors } = await read([bad, frame({ jsonrpc: '2.0', method: 'next' })]);
    assert.strictEqual(errors.length, 1);
    assert.deepStrictEqual(messages, [{ jsonrpc: '2.0', method: 'next' }]);
  });

  it('Should refuse a header without a length and a body in another charset', async function () {
    const noLength = await read([Buffer.from('Content-Type: application/vscode-jsonrpc\r\n\r\n{}', 'ascii')]);
    assert.match(noLength.errors[0] ?? '', /Content-Length/);
    const latin1 = await read([
      Buffer.from(
        'Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{}',
        'ascii',
      ),
    ]);
    assert.match(latin1.errors[0] ?? '', /UTF-8/);
    const utf8 = await read([
      Buffer.from(
        'Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}',
        'ascii',
      ),
    ]);
    assert.deepStrictEqual(utf8, { messages: [{}], errors: [] });
  });
});

describe('A big didOpen over the real --stdio connection', function () {
  this.timeout(120_000);
  const client = suiteClient();

  it('Should reach the server exactly: escapes, non-ASCII and astral characters, and lone surrogates', async function () {
    // 1.3 MB, so the server decodes it while it arrives; the last rule quotes what it holds.
    const filler = Array.from(
      { length: 20_000 },
      (_, i) => `-A INPUT -p tcp -m comment --comment "r\\"${i}\\" é→😀" -j ACCEPT`,
    );
    const dump = (last: string): string =>
      ['*filter', ':INPUT ACCEPT [0:0]', ...filler, last, 'COMMIT', ''].join('\n');
    const unknownOptions = async (uri: string, text: string): Promise<[number, number, string][]> => {
      assert.ok(Buffer.byteLength(text) > 1 << 20);
      const diagnostics = await client().open(uri, text);
      return diagnostics
        .filter((d) => d.code === 'syntax.unknown-option')
        .map((d) => [d.range.start.line, d.range.end.character, String(d.message)]);
    };
    // Columns count UTF-16 units: the astral character is two, as in the editor.
    assert.deepStrictEqual(
      await unknownOptions('file:///astral.rules', dump('-A INPUT --bogus-é😀\t-j ACCEPT')),
      [[filler.length + 2, '-A INPUT --bogus-é😀'.length, 'unknown option "--bogus-é😀"']],
    );
    // A lone surrogate has no UTF-8 form: that body is decoded by JSON.parse, with the same result.
    assert.deepStrictEqual(
      await unknownOptions('file:///lone.rules', dump('-A INPUT --lone-\ud800 -j ACCEPT')),
      [[filler.length + 2, '-A INPUT --lone-\ud800'.length, 'unknown option "--lone-\ud800"']],
    );
  });
});

describe('The --stdio transport (stdin read into one reused buffer, or by Node for a file)', function () {
  this.timeout(60_000);

  /** Servers a test started; one left running by a failed test would keep mocha from exiting. */
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) child.kill();
  });

  function framed(...messages: unknown[]): Buffer {
    return Buffer.concat(
      messages.map((m) => {
        const body = Buffer.from(JSON.stringify(m), 'utf8');
        return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
      }),
    );
  }

  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { processId: null, rootUri: null, capabilities: {} },
  };
  const shutdown = { jsonrpc: '2.0', id: 2, method: 'shutdown' };

  /**
   * A server on a pipe. `send` writes messages in 7-byte pieces a few milliseconds apart, so the
   * server reads a message in many reads into its one buffer: a piece it kept without copying would
   * be overwritten by the next.
   */
  function startServer(): {
    send: (...messages: unknown[]) => Promise<void>;
    output: (pattern: RegExp) => Promise<void>;
    endInput: () => Promise<number | null>;
  } {
    const child = spawn(process.execPath, serverArgs(), { stdio: ['pipe', 'pipe', 'pipe'] });
    started.push(child);
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    return {
      send: async (...messages) => {
        const bytes = framed(...messages);
        for (let at = 0; at < bytes.length; at += 7) {
          child.stdin.write(bytes.subarray(at, at + 7));
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      },
      output: async (pattern) => {
        const deadline = Date.now() + 20_000;
        while (!pattern.test(stdout)) {
          if (child.exitCode !== null) assert.fail(`server exited ${child.exitCode}; stdout: ${stdout}`);
          if (Date.now() > deadline) assert.fail(`no ${pattern} from the server; stdout: ${stdout}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      endInput: () => {
        child.stdin.end();
        return closed;
      },
    };
  }

  it('Should answer over a pipe and exit 0 when stdin ends after shutdown', async function () {
    const server = startServer();
    await server.send(initialize);
    await server.output(/"id":1,"result":\{"capabilities"/);
    // The server is up and waiting now, so each piece of this message is a read of its own.
    await server.send(shutdown);
    await server.output(/"id":2,"result":null/);
    assert.strictEqual(await server.endInput(), 0);
  });

  it('Should exit 1 when stdin ends without a shutdown', async function () {
    const server = startServer();
    await server.send(initialize);
    await server.output(/"id":1,"result":\{"capabilities"/);
    assert.strictEqual(await server.endInput(), 1);
  });

  it('Should read nothing from stdin until a reader listens, so bytes sent early are not lost', async function () {
    // A child that starts listening 300 ms after it opened stdin, while the parent has long sent.
    const module = path.resolve(__dirname, '../../../server/src/lsp/stdinChunks.ts');
    const script = `
      const { stdinChunks } = require(${JSON.stringify(module)});
      const stdin = stdinChunks();
      let bytes = 0;
      setTimeout(() => {
        stdin.on('data', (chunk) => (bytes += chunk.length));
        stdin.on('end', () => process.stdout.write(String(bytes)));
      }, 300);`;
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    started.push(child);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(Buffer.alloc(100_000, 0x61));
    await new Promise((resolve) => child.on('close', resolve));
    assert.strictEqual(stdout, '100000');
  });

  it('Should read a file on stdin to its end, which cannot be read into a reused buffer', async function () {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-stdin-')), 'in.jsonrpc');
    fs.writeFileSync(file, framed(initialize));
    const fd = fs.openSync(file, 'r');
    const child = spawn(process.execPath, serverArgs(), { stdio: [fd, 'pipe', 'pipe'] });
    started.push(child);
    fs.closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // The file ends without a shutdown: the server read to its end and left as a client would see.
    assert.strictEqual(code, 1, stderr);
    assert.strictEqual(stderr, '', 'nothing on stderr: no crash');
  });
});
