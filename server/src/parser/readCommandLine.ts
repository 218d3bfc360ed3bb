import type { CommandLine } from '../model/syntax';
import { parseCommand } from './commandParser';
import { tokenizeLine } from './lexer';
import { parseCounters } from './parseLine';
import type { Problems } from './problems';
import { fail, ok, type Decoded } from './values/result';

/** The table block a command line belongs to, as far as reading the line needs it. */
export interface CommandBlock {
  readonly table: string;
  /** Family announced for the block (hostnames and REJECT types default to it). */
  readonly family: 4 | 6;
  /**
   * The nodes read are mostly dropped at once (an on-demand parse keeps a handle per clean rule line),
   * so sharing short words across lines would cost a lookup per token and save nothing.
   */
  readonly shortLived?: boolean;
}

/**
 * Reads one command line inside a table block: an optional `[packets:bytes]` prefix, then the argv,
 * tokenized and parsed as iptables would. One place for the document parser, the incremental
 * re-parse and the on-demand re-reading of a kept line, so all three read a line the same way.
 * Problems go to `problems`; a malformed counters prefix is returned instead (callers differ in what
 * they make of it).
 */
export function readCommandLine(
  text: string,
  line: number,
  block: CommandBlock,
  problems: Problems,
  hasNewline = true,
): Decoded<CommandLine> {
  let from = 0;
  let counters;
  if (text.charCodeAt(0) === 0x5b /* [ */) {
    const c = parseCounters(text, line, 0);
    if (!c.ok) return fail(c.message);
    counters = c.value.counters;
    from = c.value.end;
  }
  const lexed = tokenizeLine(text, line, from, hasNewline, !block.shortLived);
  for (const p of lexed.problems) problems.list.push(p);
  return ok(
    parseCommand(
      lexed.tokens,
      {
        table: block.table,
        line,
        span: { line, start: 0, end: text.length },
        counters,
        family: block.family,
        text,
      },
      problems,
    ),
  );
}
