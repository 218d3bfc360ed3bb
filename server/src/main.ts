import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// The transport comes from the command line: `--node-ipc` (VS Code), `--stdio` (Neovim, any client)
// or `--socket=N`; createConnection reads process.argv itself.
const connection = createConnection(ProposedFeatures.all);

process.on('uncaughtException', (error) => {
  connection.console.error(`[iptables-lens] uncaught: ${error.stack ?? error.message}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`[iptables-lens] unhandled rejection: ${String(reason)}`);
});

startServer(connection);
