import type { SyntaxTree } from '../model/syntax';
import type { Ruleset } from '../model/ruleset';
import type { Finding } from '../analysis/findings';

/** Everything derived from one version of a document's text; built once and shared by every feature. */
export interface ParsedDocument {
  readonly text: string;
  readonly tree: SyntaxTree;
  readonly ruleset: Ruleset;
  /** Problems found while tokenizing, parsing and building the ruleset (syntax.* codes). */
  readonly problems: readonly Finding[];
}

/** Parses a whole iptables-save / iptables-restore document. Never throws. */
export function parseDocument(text: string): ParsedDocument {
  throw new Error(`parseDocument is not implemented yet (${text.length} chars)`);
}
