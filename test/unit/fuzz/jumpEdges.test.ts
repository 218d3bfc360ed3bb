import * as assert from 'assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf } from '../../helpers/fuzzInputs';

/**
 * While a table block only appends rules to declared chains, the ruleset builder records the jump
 * graph as the lines arrive; any command that could change it (here a `-D` of a rule that does not
 * exist, which changes nothing) makes the builder build it by its pass at the end of the block, as it
 * always did. Both ways must give the same graph: every text is parsed as it is and with such a line
 * added before each COMMIT, and the edges are compared by the original line of their rule.
 */
function withEdgeChangingLines(text: string): { text: string; inserted: number[] } {
  const lines = text.split('\n');
  const out: string[] = [];
  const inserted: number[] = [];
  for (const line of lines) {
    if (line === 'COMMIT') {
      inserted.push(out.length);
      out.push('-D IPL_NO_SUCH_CHAIN 1');
    }
    out.push(line);
  }
  return { text: out.join('\n'), inserted };
}

function jumpGraph(text: string, inserted: readonly number[] = []): string[] {
  const originalLine = (line: number): number => line - inserted.filter((at) => at < line).length;
  const edges: string[] = [];
  for (const [key, list] of parseDocument(text).ruleset.callers) {
    for (const e of list)
      edges.push(`${key} ${e.from}→${e.to} goto=${e.goto} line ${originalLine(e.rule.line)}`);
  }
  // Map order is not part of the graph; the edge order per target is (document order).
  return edges.sort((a, b) => a.split(' line ')[0]!.localeCompare(b.split(' line ')[0]!));
}

function assertSameGraph(text: string): void {
  const changed = withEdgeChangingLines(text);
  assert.deepStrictEqual(jumpGraph(text), jumpGraph(changed.text, changed.inserted));
}

describe('Fuzz: jump edges recorded while appending', function () {
  it('Should equal the end-of-block pass on every seed file', function () {
    let jumps = 0;
    for (const seed of seedFiles) {
      assertSameGraph(seed.text);
      jumps += jumpGraph(seed.text).length;
    }
    assert.ok(jumps > 500, `the seeds jump ${jumps} times`);
  });

  it(`Should equal the end-of-block pass on mutated real dumps${runLabel(9131)}`, function () {
    checkProperty(9131, mutatedCase(), (c) => assertSameGraph(textOf(c)));
  });
});
