import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../../helpers/lspClient';

/** JSON-RPC / LSP error codes a request may legitimately end with under abuse (LSP 3.17 §ErrorCodes). */
const requestCancelled = -32800;
const contentModified = -32801;

const root = path.resolve(__dirname, '..', '..', '..');

const small = [
  '*filter', // 0
  ':INPUT ACCEPT [0:0]', // 1
  ':FORWARD ACCEPT [0:0]', // 2
  ':OUTPUT ACCEPT [0:0]', // 3
  ':ALPHA_ONLY - [0:0]', // 4
  '-A INPUT -j ALPHA_ONLY', // 5
  '-A ALPHA_ONLY -p tcp -m tcp --dport 22 -j ACCEPT', // 6
  'COMMIT', // 7
  '',
].join('\n');

type Position = { line: number; character: number };

function at(uri: string, position: Position): { textDocument: { uri: string }; position: Position } {
  return { textDocument: { uri }, position };
}

function hoverText(hover: Hover | null): string {
  return hover ? (hover.contents as MarkupContent).value : '';
}

/**
 * Polls a process's resident memory until it drops to `bytes` or `withinMs` passes; returns the last
 * reading. Memory release has no event to wait on, so this is a bounded condition wait.
 */
async function waitForResidentBelow(pid: number, bytes: number, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  let current = residentKiB(pid) * 1024;
  while (current > bytes && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = residentKiB(pid) * 1024;
  }
  return current;
}

/** Resident memory of a process in KiB, as the kernel reports it (proc(5), /proc/pid/status VmRSS). */
function residentKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmRSS in /proc/pid/status');
  return Number(match[1]);
}

/** How a request under abuse ended: answered, or refused with one of the codes a client must expect. */
async function outcomeOf(request: Promise<unknown>): Promise<'answered' | 'cancelled'> {
  try {
    await request;
    return 'answered';
  } catch (error) {
    if (error instanceof ResponseError && (error.code === requestCancelled || error.code === contentModified))
      return 'cancelled';
    throw error;
  }
}

/** Asserts the server still answers: the chain hover on the small document names its declaration. */
async function assertStillAnswering(client: LspTestClient, uri: string): Promise<void> {
  const hover = await client.request<Hover | null>('textDocument/hover', at(uri, { line: 5, character: 14 }));
  assert.match(hoverText(hover), /ALPHA_ONLY — user-defined chain of the filter table/);
  assert.match(hoverText(hover), /Declared on line 5; 1 rule/);
}

/** Deterministic bytes (a linear congruential generator), so a failure can be replayed. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('Language server under abuse (real server over stdio)', function () {
  this.timeout(120_000);
  let client: LspTestClient;
  const smallUri = 'file:///abuse/small.rules';

  beforeEach(async () => {
    client = new LspTestClient();
    await client.initialize();
    assert.deepStrictEqual(await client.open(smallUri, small), []);
  });

  afterEach(async () => {
    await client.shutdown();
  });

  it('Should apply every one of 300 incremental edits sent in a burst, answering or cancelling the requests in between', async () => {
    const uri = 'file:///abuse/burst.rules';
    await client.open(uri, small);
    const requests: Promise<'answered' | 'cancelled'>[] = [];
    const editCount = 300;
    const typoLines: number[] = [];
    for (let i = 0; i < editCount; i++) {
      // Edit i inserts a new rule line just before COMMIT (line 7 + i); every 50th has a typo.
      const line = 7 + i;
      const option = i % 50 === 0 ? '--dprot' : '--dport';
      if (option === '--dprot') typoLines.push(line);
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 + i },
        contentChanges: [
          {
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            text: `-A INPUT -p tcp -m tcp ${option} ${1000 + i} -j ACCEPT\n`,
          },
        ],
      });
      const source = new CancellationTokenSource();
      const kind = i % 4;
      const request =
        kind === 0
          ? client.connection.sendRequest(
              'textDocument/hover',
              at(uri, { line: 5, character: 14 }),
              source.token,
            )
          : kind === 1
            ? client.connection.sendRequest(
                'textDocument/completion',
                at(uri, { line: 6, character: 3 }),
                source.token,
              )
            : kind === 2
              ? client.connection.sendRequest(
                  'textDocument/semanticTokens/full',
                  { textDocument: { uri } },
                  source.token,
                )
              : client.connection.sendRequest(
                  'textDocument/codeLens',
                  { textDocument: { uri } },
                  source.token,
                );
      // Every third request is cancelled at once ($/cancelRequest), as an editor does while typing.
      if (i % 3 === 0) source.cancel();
      requests.push(outcomeOf(request));
    }
    const lastVersion = 1 + editCount;
    const final = await client.waitForDiagnostics(uri, (p) => p.version === lastVersion);
    const outcomes = await Promise.all(requests);
    assert.strictEqual(outcomes.length, editCount);
    assert.ok(outcomes.includes('answered'), 'uncancelled requests are answered');

    // A lost or misplaced edit would move the typos to other lines.
    const unknownOptions = final.diagnostics
      .filter((d) => d.code === 'syntax.unknown-option')
      .map((d) => d.range.start.line);
    assert.deepStrictEqual(unknownOptions, typoLines);
    const chainHover = await client.request<Hover | null>(
      'textDocument/hover',
      at(uri, { line: 5, character: 14 }),
    );
    assert.match(hoverText(chainHover), /Declared on line 5; 1 rule/);
    await assertStillAnswering(client, smallUri);
  });

  it('Should take a binary file opened by mistake (random bytes with NULs, read as latin1) and keep answering', async () => {
    const uri = 'file:///abuse/binary.bin';
    const bytes = pseudoRandomBytes(64 * 1024, 9);
    bytes[10] = 0;
    const text = bytes.toString('latin1');
    assert.ok(text.includes('\0'));
    const diagnostics = await client.open(uri, text);
    assert.ok(
      diagnostics.some((d) => d.code === 'syntax.binary-content'),
      'the NUL bytes are reported as binary content',
    );
    const lastLine = text.split('\n').length - 1;
    const answers = await Promise.all([
      outcomeOf(client.request('textDocument/hover', at(uri, { line: 0, character: 3 }))),
      outcomeOf(client.request('textDocument/completion', at(uri, { line: lastLine, character: 0 }))),
      outcomeOf(client.request('textDocument/semanticTokens/full', { textDocument: { uri } })),
      outcomeOf(client.request('textDocument/codeLens', { textDocument: { uri } })),
      outcomeOf(client.request('textDocument/documentSymbol', { textDocument: { uri } })),
      outcomeOf(
        client.request('textDocument/formatting', {
          textDocument: { uri },
          options: { tabSize: 2, insertSpaces: true },
        }),
      ),
    ]);
    assert.deepStrictEqual(answers, ['answered', 'answered', 'answered', 'answered', 'answered', 'answered']);
    await assertStillAnswering(client, smallUri);
  });

  it('Should end requests on a document closed while they run, and clear its diagnostics', async () => {
    const uri = 'file:///abuse/closing.rules';
    await client.open(uri, small);
    const cleared = client.waitForDiagnostics(
      uri,
      (p) => p.diagnostics.length === 0 && p.version === undefined,
    );
    const inFlight = [
      client.request('textDocument/hover', at(uri, { line: 5, character: 14 })),
      client.request('textDocument/semanticTokens/full', { textDocument: { uri } }),
      client.request('textDocument/codeLens', { textDocument: { uri } }),
      client.request('textDocument/completion', at(uri, { line: 6, character: 3 })),
    ].map(outcomeOf);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const outcomes = await Promise.all(inFlight);
    assert.strictEqual(outcomes.length, 4);
    assert.deepStrictEqual((await cleared).diagnostics, []);
    // Requests after the close get the empty answer, not the old document.
    assert.strictEqual(await client.request('textDocument/hover', at(uri, { line: 5, character: 14 })), null);
    await assertStillAnswering(client, smallUri);
  });

  it('Should keep each document to itself: B never sees A’s chains, and closing A clears only A', async () => {
    const uriB = 'file:///abuse/b.rules';
    const textB = [
      '*filter', // 0
      ':INPUT ACCEPT [0:0]', // 1
      '-A INPUT -j ALPHA_ONLY', // 2  ALPHA_ONLY is declared only in the small document (A)
      'COMMIT', // 3
      '',
    ].join('\n');
    const diagnosticsB = await client.open(uriB, textB);
    const undefinedTarget = diagnosticsB.find((d) => d.code === 'syntax.undefined-target');
    assert.deepStrictEqual(undefinedTarget?.range, {
      start: { line: 2, character: 12 },
      end: { line: 2, character: 22 },
    });
    const hoverB = hoverText(
      await client.request<Hover | null>('textDocument/hover', at(uriB, { line: 2, character: 14 })),
    );
    assert.match(hoverB, /ALPHA_ONLY — unknown target/);
    assert.doesNotMatch(hoverB, /Declared on line|small\.rules/);
    const definitionB = await client.request<unknown[] | null>(
      'textDocument/definition',
      at(uriB, { line: 2, character: 14 }),
    );
    assert.ok(definitionB === null || definitionB.length === 0, JSON.stringify(definitionB));

    const closedA = client.waitForDiagnostics(smallUri, (p) => p.version === undefined);
    const republishedB: Diagnostic[][] = [];
    const watchB = client.waitForDiagnostics(uriB, (p) => {
      republishedB.push(p.diagnostics);
      return false;
    });
    void watchB;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: smallUri } });
    assert.deepStrictEqual((await closedA).diagnostics, []);
    assert.deepStrictEqual(client.lastDiagnostics(uriB), diagnosticsB);
    assert.deepStrictEqual(republishedB, [], 'closing A does not touch B');
  });
});

describe('Language server refuses to run tools for an untrusted workspace', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  const uri = 'file:///abuse/validate.rules';

  beforeEach(async () => {
    client = new LspTestClient();
    client.settings = { validation: { realTool: 'test' } };
    await client.initialize();
    await client.open(uri, small);
  });

  afterEach(async () => {
    await client.shutdown();
  });

  it('Should refuse iptables/validateWithTool without "trusted": true even when the setting allows it', async () => {
    for (const params of [
      { uri, mode: 'test' },
      { uri, mode: 'test', trusted: false },
      { uri, mode: 'load', trusted: 'yes' },
    ]) {
      const result = await client.request<{ ok: boolean; message?: string }>(
        'iptables/validateWithTool',
        params,
      );
      assert.strictEqual(result.ok, false, JSON.stringify(params));
      assert.match(result.message ?? '', /trusted workspace/);
    }
  });

  it('Should run iptables-restore --test when the client says the workspace is trusted', async function () {
    const hasTool = spawnSync('iptables-restore', ['--version']).status === 0;
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!hasTool || !isRoot) this.skip(); // needs the tool and a network namespace
    const result = await client.request<{ ok: boolean; tool?: string; diagnostics?: unknown[] }>(
      'iptables/validateWithTool',
      { uri, mode: 'test', trusted: true },
    );
    assert.deepStrictEqual(result, { ok: true, tool: 'iptables-restore', diagnostics: [] });
  });
});

describe('Language server with a 50 MB document (kube-proxy dump, 30,000 services)', function () {
  // Parsing 450,000 lines takes a while on a shared 2-core machine; nothing here is timed.
  this.timeout(15 * 60_000);
  let client: LspTestClient;
  let dump: string;
  let dumpBytes: number;
  const smallUri = 'file:///abuse/small.rules';

  before(async () => {
    const generated = spawnSync(process.execPath, [path.join(root, 'bench', 'gen-kube.mjs'), '30000', '3'], {
      encoding: 'utf8',
      maxBuffer: 128 * 1024 * 1024,
    });
    assert.strictEqual(generated.status, 0, generated.stderr);
    dump = generated.stdout;
    dumpBytes = Buffer.byteLength(dump);
    assert.ok(dumpBytes > 45_000_000, `${dumpBytes} bytes`);
    client = new LspTestClient();
    await client.initialize();
    await client.open(smallUri, small);
  });

  after(async () => {
    await client?.shutdown();
  });

  /** Opens the dump under `uri`, asks a few things while it is open, closes it and waits for the cleared diagnostics. */
  async function openUseAndClose(uri: string): Promise<void> {
    await client.open(uri, dump);
    const middle = 200_000; // a KUBE-SVC rule line, far into the nat table
    const cancelledFull = new CancellationTokenSource();
    const full = outcomeOf(
      client.connection.sendRequest(
        'textDocument/semanticTokens/full',
        { textDocument: { uri } },
        cancelledFull.token,
      ),
    );
    cancelledFull.cancel();
    const hover = await client.request<Hover | null>(
      'textDocument/hover',
      at(uri, { line: middle, character: 5 }),
    );
    assert.match(hoverText(hover), /user-defined chain of the nat table/);
    await full;
    const cleared = client.waitForDiagnostics(uri, (p) => p.version === undefined);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepStrictEqual((await cleared).diagnostics, []);
    await assertStillAnswering(client, smallUri);
  }

  it('Should answer during and after, and give its memory back after each close (twice, two URIs)', async () => {
    const pid = client.process.pid;
    assert.ok(pid !== undefined);
    const baseline = residentKiB(pid) * 1024;
    // The parse of a 50 MB dump peaks above a gigabyte; after the close the server collects garbage
    // (lsp/memoryRelease.ts) and V8 returns the pages. A cache that kept closed documents would hold
    // both parses (different URIs) and never come back down.
    const ceiling = baseline + 2 * dumpBytes;
    for (const uri of ['file:///abuse/kube-1.rules', 'file:///abuse/kube-2.rules']) {
      await openUseAndClose(uri);
      const settled = await waitForResidentBelow(pid, ceiling, 60_000);
      assert.ok(
        settled <= ceiling,
        `after closing ${uri}: resident ${Math.round(settled / 1e6)} MB, baseline ${Math.round(baseline / 1e6)} MB, file ${Math.round(dumpBytes / 1e6)} MB`,
      );
    }
  });
});
