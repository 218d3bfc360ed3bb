import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { CloseAction, ErrorAction, LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { registerTraceUi } from './trace/traceCommands';

let client: LanguageClient | undefined;

/** How many crashes within `crashWindowMs` we tolerate before giving up and telling the user. */
const maxCrashes = 5;
const crashWindowMs = 3 * 60 * 1000;

/**
 * Starts the bundled language server over IPC and registers the extension's commands. The client
 * stays thin: every feature lives in the server so Neovim and other LSP clients get the same.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('iptables-lens', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const crashes: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'iptables' }],
    outputChannel: output,
    synchronize: { configurationSection: 'iptablesLens' },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0] > crashWindowMs) crashes.shift();
        if (crashes.length > maxCrashes) {
          return {
            action: CloseAction.DoNotRestart,
            message: `The iptables-lens server crashed ${crashes.length} times in 3 minutes; see the "iptables-lens" output. Run "iptables-lens: Restart Language Server" to try again.`,
          };
        }
        output.warn('Language server stopped; restarting it.');
        return { action: CloseAction.Restart };
      },
    },
  };

  client = new LanguageClient('iptablesLens', 'iptables-lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('iptablesLens.restartServer', async () => {
      output.info('Restarting the language server on request.');
      await client?.restart();
    }),
    vscode.commands.registerCommand('iptablesLens.showOutput', () => output.show(true)),
  );
  registerCommands(context, client);
  registerTraceUi(context, client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
