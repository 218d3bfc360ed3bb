import { format } from 'node:util';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageWriter,
  type Connection,
} from 'vscode-languageserver/node';
import { startServer } from './server';
import { stdinChunks } from './lsp/stdinChunks';
import { StdioMessageReader } from './lsp/stdioReader';

const connection = createTransportConnection();

process.on('uncaughtException', (error) => {
  connection.console.error(`[iptables-lens] uncaught: ${error.stack ?? error.message}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`[iptables-lens] unhandled rejection: ${String(reason)}`);
});

startServer(connection);

/**
 * The transport comes from the command line: `--stdio` (VS Code's client, Neovim, any client), `--node-ipc`
 * or `--socket=N`. For `--stdio` the server reads with its own StdioMessageReader (big messages are
 * decoded while they arrive) and so does itself what createConnection does for a stdio transport:
 * console output goes to the client's log instead of stdout, and the server exits when stdin ends.
 */
function createTransportConnection(): Connection {
  if (!process.argv.slice(2).includes('--stdio')) return createConnection(ProposedFeatures.all);
  const stdin = stdinChunks();
  const created = createConnection(
    ProposedFeatures.all,
    new StdioMessageReader(stdin),
    new StreamMessageWriter(process.stdout),
  );
  let shutdownReceived = false;
  created.onShutdown(() => {
    shutdownReceived = true;
  });
  const exitWithClient = (): never => process.exit(shutdownReceived ? 0 : 1);
  stdin.on('end', exitWithClient);
  stdin.on('close', exitWithClient);
  // Anything written to stdout would corrupt the protocol stream.
  console.log = (...args: unknown[]) => created.console.log(format(...args));
  console.info = (...args: unknown[]) => created.console.info(format(...args));
  console.warn = (...args: unknown[]) => created.console.warn(format(...args));
  console.error = (...args: unknown[]) => created.console.error(format(...args));
  console.debug = (...args: unknown[]) => created.console.log(format(...args));
  return created;
}
