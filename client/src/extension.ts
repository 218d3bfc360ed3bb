import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { CloseAction, ErrorAction, type LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { CrashPolicy } from './crashPolicy';
import { StreamingLanguageClient } from './streamingLanguageClient';
import { registerTraceUi } from './trace/traceCommands';
import { serverNodeFlags } from '../../common/serverFlags';

let client: LanguageClient | undefined;

/** How many crashes within `crashWindowMs` we tolerate before giving up and telling the user. */
const maxCrashes = 5;
const crashWindowMs = 3 * 60 * 1000;
const restartedNotice = 'The iptables-lens language server stopped unexpectedly and was restarted.';
const showOutput = 'Show Output';

/**
 * Starts the bundled language server over stdio and registers the extension's commands. The client
 * stays thin: every feature lives in the server so Neovim and other LSP clients get the same.
 *
 * Stdio rather than Node IPC: over stdio the server reads messages with its own reader
 * (server/src/lsp/stdioReader.ts), which decodes a big `didOpen` while its bytes arrive; Node's IPC
 * channel decodes each message in one `JSON.parse` after the last byte, which stops the server for
 * about half a second when a 49 MB node dump is opened. The client writes to the server's stdin in
 * pieces too (StreamingLanguageClient), so the decoding starts with the first of them.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('iptables-lens', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: [...serverNodeFlags] },
    },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: [...serverNodeFlags, '--nolazy', '--inspect=6019'] },
    },
  };
  const crashPolicy = new CrashPolicy(maxCrashes, crashWindowMs);
  /** Every crash notice shown, in order: the user-visible record the integration test reads. */
  const crashNotices: string[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'iptables' }],
    outputChannel: output,
    synchronize: { configurationSection: 'iptablesLens' },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const decision = crashPolicy.onCrash(Date.now());
        if (decision === 'give-up') {
          const message = `The iptables-lens server crashed ${crashPolicy.recentCrashes} times in 3 minutes; see the "iptables-lens" output. Run "iptables-lens: Restart Language Server" to try again.`;
          crashNotices.push(message);
          output.error(`Crash notice: ${message}`);
          // Not handled: the client shows this message as an error and leaves the server stopped.
          return { action: CloseAction.DoNotRestart, message };
        }
        if (decision === 'restart-and-notify') {
          crashNotices.push(restartedNotice);
          output.warn(`Crash notice: ${restartedNotice}`);
          void vscode.window.showWarningMessage(restartedNotice, showOutput).then((choice) => {
            if (choice === showOutput) output.show(true);
          });
        } else {
          output.warn(
            'Language server stopped unexpectedly again; restarted it (the user was already told).',
          );
        }
        // Handled: we told the user ourselves, so the client adds no notification of its own.
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };

  client = new StreamingLanguageClient('iptablesLens', 'iptables-lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('iptablesLens.restartServer', async () => {
      output.info('Restarting the language server on request.');
      crashPolicy.reset();
      await client?.restart();
    }),
    vscode.commands.registerCommand('iptablesLens.showOutput', () => output.show(true)),
    // Internal (not in the command palette): lets the integration test count what the user was shown.
    vscode.commands.registerCommand('iptablesLens.internal.crashNotices', () => [...crashNotices]),
  );
  registerCommands(context, client);
  registerTraceUi(context, client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
