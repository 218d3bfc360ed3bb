import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { serverNodeFlags } from '../../common/serverFlags';
import { StreamingMessageWriter } from '../../common/streamingMessageWriter';

/**
 * How the client writes its messages: `vscode` as the extension's client does (StreamingMessageWriter,
 * client/src/streamingLanguageClient.ts), `stock` with vscode-jsonrpc's StreamMessageWriter, as
 * VS Code's client does by default and as Neovim's builds the whole message before writing it.
 */
export type ClientWriter = 'vscode' | 'stock';

const root = path.resolve(__dirname, '..', '..');
/** USER_HZ is 100 on every Linux architecture Node runs on, so a clock tick is 10 ms. */
const clockTickMs = 10;

/** The bundled server the extension ships; `npm run bench` builds it first. */
export const serverBundle = path.join(root, 'dist', 'server.js');

/** Progress the server reported: window/workDoneProgress/create requests and $/progress notifications. */
export interface ProgressSeen {
  creates: number;
  notifications: number;
  /** The `title` of each `begin`, and the `message` of the last `report`/`end` per token. */
  readonly titles: string[];
}

interface DiagnosticsWaiter {
  readonly uri: string;
  readonly version: number;
  readonly resolve: (arrivedAt: number) => void;
}

/**
 * A benchmark LSP client: spawns `node dist/server.js --stdio` (with the Node flags VS Code's client
 * passes, `serverNodeFlags`) and speaks JSON-RPC to it, as Neovim or VS Code would (see ClientWriter). It records when
 * diagnostics for a version arrive, answers workspace/configuration with the given settings (empty =
 * the server's defaults) and window/workDoneProgress/create with null, and counts the progress and
 * window/showMessage notifications it receives.
 */
export class LspSession {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly progress: ProgressSeen = { creates: 0, notifications: 0, titles: [] };
  readonly shownMessages: string[] = [];
  /** The number of diagnostics in the last publish per uri. */
  readonly diagnosticCounts = new Map<string, number>();
  private readonly waiters: DiagnosticsWaiter[] = [];
  private stderr = '';

  /**
   * `stallsFile`: have the server record its event-loop stalls into this file at exit
   * (suite/eventLoopWatch.js, preloaded; blockingBench.withServerStalls reads it).
   */
  constructor(
    private readonly settings: unknown = {},
    stallsFile?: string,
    writer: ClientWriter = 'vscode',
  ) {
    const watch = stallsFile ? ['--require', path.join(__dirname, 'eventLoopWatch.js')] : [];
    this.process = spawn(process.execPath, [...serverNodeFlags, ...watch, serverBundle, '--stdio'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: stallsFile ? { ...process.env, IPL_BENCH_STALLS_FILE: stallsFile } : process.env,
    });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8192);
    });
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      writer === 'vscode'
        ? new StreamingMessageWriter(this.process.stdin!)
        : new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) =>
      this.onDiagnostics(params),
    );
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => this.settings),
    );
    this.connection.onRequest('window/workDoneProgress/create', () => {
      this.progress.creates++;
      return null;
    });
    this.connection.onNotification('$/progress', (params: { value?: { kind?: string; title?: string } }) => {
      this.progress.notifications++;
      if (params.value?.kind === 'begin' && params.value.title) this.progress.titles.push(params.value.title);
    });
    this.connection.onNotification('window/showMessage', (params: { message: string }) => {
      this.shownMessages.push(params.message);
    });
    this.connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
      this.shownMessages.push(params.message);
      return null;
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('workspace/codeLens/refresh', () => null);
    this.connection.onRequest('workspace/semanticTokens/refresh', () => null);
    this.connection.onRequest('workspace/inlayHint/refresh', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  /** initialize + initialized, declaring the client capabilities an editor has (progress included). */
  async initialize(): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        window: { workDoneProgress: true, showMessage: {} },
        workspace: { configuration: true },
        textDocument: {
          synchronization: { didSave: false },
          publishDiagnostics: { versionSupport: true, relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    const arrivedAt = performance.now();
    this.diagnosticCounts.set(params.uri, params.diagnostics.length);
    for (const waiter of [...this.waiters]) {
      // A server without version support is taken at its word that the publish is current.
      if (waiter.uri === params.uri && (params.version === undefined || params.version >= waiter.version)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(arrivedAt);
      }
    }
  }

  /**
   * Resolves with the performance.now() at which diagnostics for `version` (or later) of `uri`
   * arrived; rejects after `timeoutMs` so a silent server cannot hang the suite.
   */
  diagnosticsFor(uri: string, version: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: DiagnosticsWaiter = {
        uri,
        version,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends didOpen; returns the performance.now() just before the send. */
  async open(uri: string, text: string, version = 1): Promise<number> {
    const sentAt = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'iptables', version, text },
    });
    return sentAt;
  }

  /** Sends one incremental didChange; returns the performance.now() just before the send. */
  async edit(
    uri: string,
    version: number,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    text: string,
  ): Promise<number> {
    const sentAt = performance.now();
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return sentAt;
  }

  /** One request, timed client-side from send to response (milliseconds). */
  async timedRequest<R>(method: string, params: unknown): Promise<{ ms: number; result: R }> {
    const start = performance.now();
    const result = await this.connection.sendRequest<R>(method, params);
    return { ms: performance.now() - start, result };
  }

  /**
   * The server's peak resident set size so far: VmHWM in /proc/<pid>/status, which the kernel keeps
   * as the high-water mark of RSS, so one read after the work sees the peak of all of it.
   */
  peakRssKiB(): number {
    try {
      const status = fs.readFileSync(`/proc/${this.process.pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
      return match ? Number(match[1]) : NaN;
    } catch {
      return NaN;
    }
  }

  /**
   * CPU time (user + system) the server process has used so far, from /proc/<pid>/stat (fields 14
   * and 15, in clock ticks of 10 ms). Unlike wall time it does not grow when other jobs share the CPUs.
   */
  cpuMs(): number {
    try {
      const stat = fs.readFileSync(`/proc/${this.process.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name, which may itself contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * clockTickMs;
    } catch {
      return NaN;
    }
  }

  /** Server stderr so far, for error messages. */
  get log(): string {
    return this.stderr;
  }

  /** shutdown + exit, then makes sure the process is gone. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    const kill = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill('SIGKILL');
    }
    await exited;
    clearTimeout(kill);
    this.connection.dispose();
  }
}
