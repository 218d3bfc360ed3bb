import type { ChangedLines } from '../../server/src/model/span';

/** One LSP-style content change: replace `deleteCount` characters at `offset` with `insert`. */
export interface Edit {
  readonly offset: number;
  readonly deleteCount: number;
  readonly insert: string;
}

/** 0-based line of an offset in LF-only text. */
export function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The new text and the changed lines the server's change tracker reports for it. */
export function applyEdit(text: string, e: Edit): { text: string; change: ChangedLines } {
  const firstLine = lineOf(text, e.offset);
  const oldLastLine = lineOf(text, e.offset + e.deleteCount);
  const newLastLine = firstLine + e.insert.split('\n').length - 1;
  const next = text.slice(0, e.offset) + e.insert + text.slice(e.offset + e.deleteCount);
  return { text: next, change: { firstLine, oldLastLine, newLastLine } };
}
