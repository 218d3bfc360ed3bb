import { LanguageClient, type MessageTransports } from 'vscode-languageclient/node';
import { StreamingMessageWriter } from '../../common/streamingMessageWriter';

/**
 * VS Code's language client with one change: messages to a `--stdio` server are written by
 * StreamingMessageWriter (common/streamingMessageWriter.ts), which sends a node dump's `didOpen` in
 * pieces as it escapes them instead of building its whole JSON text and UTF-8 copy first. The client
 * still starts, watches and stops the server process itself; only the writer on its stdin differs.
 */
export class StreamingLanguageClient extends LanguageClient {
  protected override async createMessageTransports(encoding: string): Promise<MessageTransports> {
    const transports = await super.createMessageTransports(encoding);
    const stdin = this.serverProcess?.stdin;
    // Another transport (a socket, Node IPC) or another encoding keeps the stock writer.
    if (!stdin || !/^utf-?8$/i.test(encoding)) return transports;
    transports.writer.dispose();
    return { ...transports, writer: new StreamingMessageWriter(stdin) };
  }
}
