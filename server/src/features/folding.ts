import type { FoldingRange } from 'vscode-languageserver-types';
import { FoldingRangeKind } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';

/**
 * Folding per table block (`*table` … `COMMIT`), per run of consecutive rules of one chain, and per
 * run of comment lines.
 */
export function getFoldingRanges(doc: ParsedDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const table of doc.ruleset.tables) {
    const end = table.commitLine ?? table.endLine;
    if (end > table.line) ranges.push({ startLine: table.line, endLine: end });
  }
  let runTable: string | undefined;
  let runChain: string | undefined;
  let runStart = -1;
  let commentStart = -1;
  const lines = doc.tree.lines;
  for (let i = 0; i <= lines.length; i++) {
    const node = lines[i];
    const rule = node?.kind === 'command' ? node.rule : undefined;
    // Compared as two strings, not one joined key: no allocation per line on a 450,000-line dump.
    const table = rule?.table;
    const chain = rule?.chain;
    if (chain !== runChain || table !== runTable) {
      if (runChain !== undefined && i - 1 > runStart) ranges.push({ startLine: runStart, endLine: i - 1 });
      runChain = chain;
      runTable = table;
      runStart = i;
    }
    const isComment = node?.kind === 'comment';
    if (isComment && commentStart < 0) commentStart = i;
    if (!isComment && commentStart >= 0) {
      if (i - 1 > commentStart)
        ranges.push({ startLine: commentStart, endLine: i - 1, kind: FoldingRangeKind.Comment });
      commentStart = -1;
    }
  }
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
