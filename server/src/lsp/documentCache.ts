import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../parser/parseDocument';
import type { LanguageService } from '../languageService';

/**
 * Parses each document once per version (ARCHITECTURE rule 4). Every handler asks the cache; the
 * entry is replaced when the version changes and dropped when the document closes.
 */
export class DocumentCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedDocument }>();

  constructor(private readonly service: LanguageService) {}

  get(document: TextDocument): ParsedDocument {
    const entry = this.entries.get(document.uri);
    if (entry && entry.version === document.version) return entry.parsed;
    const parsed = this.service.parse(document.getText());
    this.entries.set(document.uri, { version: document.version, parsed });
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /** Every cached document, for workspace-wide features (workspace symbols). */
  all(): { uri: string; doc: ParsedDocument }[] {
    return [...this.entries].map(([uri, e]) => ({ uri, doc: e.parsed }));
  }
}
