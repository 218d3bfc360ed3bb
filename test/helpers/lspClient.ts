import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { Diagnostic, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { serverNodeFlags } from '../../common/serverFlags';
import { StreamingMessageWriter } from '../../common/streamingMessageWriter';

const root = path.resolve(__dirname, '..', '..');

/**
 * Node's arguments for a `--stdio` server: the bundle when IPL_SERVER=dist, else the sources through
 * tsx; with the Node flags every client passes (common/serverFlags.ts).
 */
export function serverArgs(): string[] {
  return process.env.IPL_SERVER === 'dist'
    ? [...serverNodeFlags, path.join(root, 'dist', 'server.js'), '--stdio']
    : [
        ...serverNodeFlags,
        '--require',
        require.resolve('tsx/cjs'),
        path.join(root, 'server', 'src', 'main.ts'),
        '--stdio',
      ];
}

/**
 * A minimal but real LSP client: it spawns the language server as a separate process talking
 * JSON-RPC over stdio — the same transport Neovim uses — so tests exercise the wire protocol, not
 * function calls. By default it runs the TypeScript sources through tsx; set IPL_SERVER=dist to test
 * the esbuild bundle instead.
 */
/** The value of a `$/progress` notification for work-done progress (begin, report or end). */
export interface ProgressValue {
  readonly kind: 'begin' | 'report' | 'end';
  readonly title?: string;
  readonly percentage?: number;
}

export class LspTestClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  initializeResult?: InitializeResult;
  /** Settings answered to workspace/configuration requests (section `iptablesLens`). */
  settings: unknown = {};
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: {
    uri: string;
    predicate: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  /** Every `$/progress` notification the server sent, in order. */
  readonly progress: { token: string | number; value: ProgressValue }[] = [];
  private stderr = '';
  private versions = new Map<string, number>();

  /**
   * `writer`: how messages are written — `stock` with vscode-jsonrpc's StreamMessageWriter (whole
   * message at once, as Neovim and most clients do), `vscode` as the extension's client does
   * (common/streamingMessageWriter.ts).
   */
  constructor(writer: 'stock' | 'vscode' = 'stock') {
    this.process = spawn(process.execPath, serverArgs(), { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      writer === 'vscode'
        ? new StreamingMessageWriter(this.process.stdin!)
        : new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.predicate(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'iptablesLens' ? this.settings : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification(
      '$/progress',
      (params: { token: string | number; value: ProgressValue }) => {
        this.progress.push(params);
      },
    );
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        // As VS Code: the server may create progress notifications for long work.
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return this.initializeResult;
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const published = this.waitForDiagnostics(uri, (p) => p.version === undefined || p.version === 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'iptables', version: 1, text },
    });
    return (await published).diagnostics;
  }

  /** Replaces the whole text (full sync) and waits for the new diagnostics. */
  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.waitForDiagnostics(uri, (p) => p.version === undefined || p.version === version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return (await published).diagnostics;
  }

  /** Sends an incremental edit and waits for the new diagnostics. */
  async edit(
    uri: string,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    text: string,
  ): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.waitForDiagnostics(uri, (p) => p.version === undefined || p.version === version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return (await published).diagnostics;
  }

  /** Changes the settings and tells the server, then waits for the re-published diagnostics of `uri`. */
  async changeSettings(settings: unknown, uri: string): Promise<Diagnostic[]> {
    this.settings = settings;
    const before = this.diagnostics.get(uri);
    const published = this.waitForDiagnostics(uri, (p) => p !== before);
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    return (await published).diagnostics;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  lastDiagnostics(uri: string): Diagnostic[] {
    return this.diagnostics.get(uri)?.diagnostics ?? [];
  }

  waitForDiagnostics(
    uri: string,
    predicate: (p: PublishDiagnosticsParams) => boolean,
  ): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, predicate, resolve }));
  }

  /** Server stderr so far (for failure messages). */
  get log(): string {
    return this.stderr;
  }

  async shutdown(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      if (this.process.exitCode === null) this.process.kill();
    }
  }
}

/**
 * One initialized server for the current mocha suite: started before its tests (then `setUp` runs,
 * e.g. to open the suite's documents) and shut down after them. Returns the client for the tests.
 */
export function suiteClient(setUp?: (client: LspTestClient) => Promise<unknown>): () => LspTestClient {
  let client: LspTestClient | undefined;
  before(async () => {
    client = new LspTestClient();
    await client.initialize();
    await setUp?.(client);
  });
  after(async () => {
    await client?.shutdown();
  });
  return () => client!;
}
