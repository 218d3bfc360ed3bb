import type { Rule } from '../model/rule';
import type { CommandLine } from '../model/syntax';
import { writeCanonicalRuleFacts } from './canonicalRule';
import { Problems } from './problems';
import { readCommandLine, type CommandBlock } from './readCommandLine';
import { FACTS_PER_LINE, MAX_KEPT_LINE_LENGTH, NO_FACTS, namesArePlain, writeRuleFacts } from './ruleFacts';
import { LineCursor } from './splitLines';

/**
 * Reads the `-A` lines of a run of `lineCount` lines of a table block (`chunk`, whose first line is
 * line `firstLine` of the document) and returns a row of facts per line (parser/ruleFacts.ts): the
 * facts of each line the parser would keep as an on-demand handle, and an empty row for every other
 * line, which the parser then reads itself. The reading worker runs this; it is a pure function of its
 * arguments, so the rows are those the parser would have written.
 *
 * `passed(line)` tells whether the parser has already read up to `line` itself: the rest is then
 * left empty, since nobody will use it.
 */
export function readChunkFacts(
  chunk: string,
  firstLine: number,
  lineCount: number,
  block: CommandBlock,
  passed: (line: number) => boolean = () => false,
): Int32Array {
  const facts = new Int32Array(lineCount * FACTS_PER_LINE);
  for (let row = 0; row < lineCount; row++) facts[row * FACTS_PER_LINE] = NO_FACTS;
  const cursor = new LineCursor(chunk);
  // One collector for the run: a line's problems only decide that it gets no row.
  const problems = new Problems();
  for (let row = 0; row < lineCount && cursor.advance(); row++) {
    if ((row & 255) === 0 && passed(firstLine + row)) break;
    // Only what the parser sends to its command-line reading unchanged: a line that starts a rule
    // (or its counters), ends with a line break, holds no NUL and is short enough to keep.
    if (!cursor.hasNewline) continue;
    const first = chunk.charCodeAt(cursor.start);
    if (first !== 0x2d /* - */ && first !== 0x5b /* [ */) continue;
    if (cursor.end - cursor.start >= MAX_KEPT_LINE_LENGTH) continue;
    const text = chunk.slice(cursor.start, cursor.end);
    if (text.includes('\u0000')) continue;
    if (writeCanonicalRuleFacts(text, block, facts, row)) continue;
    problems.list.length = 0;
    const read = readCommandLine(text, firstLine + row, block, problems);
    if (!read.ok || problems.list.length > 0) continue;
    const node = read.value;
    if (node.verb !== 'append' || !node.rule) continue;
    const line = node as CommandLine & { readonly rule: Rule };
    if (namesArePlain(line, text)) writeRuleFacts(line, facts, row);
  }
  return facts;
}
