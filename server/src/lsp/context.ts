import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { LineDocument } from './lineDocument';
import type { LanguageService } from '../languageService';
import type { DocumentCache } from './documentCache';
import type { Settings } from '../settings';

/** What every register*() receives: the connection, the open documents and the shared services. */
export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<LineDocument>;
  readonly service: LanguageService;
  readonly cache: DocumentCache;
  /** The current settings for a document (pulled from the client, cached until configuration changes). */
  settingsFor(uri: string): Promise<Settings>;
  /** Re-publishes diagnostics of every open document (after a configuration change). */
  revalidateAll(): void;
}
