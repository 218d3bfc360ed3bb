import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Rule } from '../../../server/src/model/rule';
import type { Ruleset } from '../../../server/src/model/ruleset';
import { parseDocument } from '../../../server/src/parser/parseDocument';

const kubeDump = fs.readFileSync(path.join(__dirname, '../../fixtures/kube/kube-50x3.rules'), 'utf8');

/** Gotos and jumps to several chains, interleaved, in two blocks with the same chain names. */
const interleaved = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':A - [0:0]',
  ':B - [0:0]',
  ':C - [0:0]',
  ':LONELY - [0:0]',
  '-A INPUT -p tcp -j B',
  '-A INPUT -p udp -g A',
  '-A INPUT -j B',
  '-A A -j C',
  '-A B -s 10.0.0.0/8 -j C',
  '-A B -j ACCEPT',
  '-A C -j DROP',
  'COMMIT',
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':B - [0:0]',
  ':A - [0:0]',
  '-A PREROUTING -j A',
  '-A A -g B',
  'COMMIT',
  '',
].join('\n');

/** A chain jumped to from 1,100 rules (its edges are made with the parse), among jumps to another. */
const popular = [
  '*nat',
  ':OUTPUT ACCEPT [0:0]',
  ':MASQ - [0:0]',
  ':OTHER - [0:0]',
  ...Array.from(
    { length: 1100 },
    (_, i) => `-A OUTPUT -p tcp --dport ${i + 1} -j ${i % 100 === 0 ? 'OTHER' : 'MASQ'}`,
  ),
  '-A OTHER -g MASQ',
  'COMMIT',
  '',
].join('\n');

interface EdgeView {
  readonly from: string;
  readonly to: string;
  readonly goto: boolean;
  readonly rule: Rule;
}

/**
 * The callers the model's rules imply, worked out from each rule's full target: per table block and
 * target chain, the jumps in line order; the keys in the order of each target's first jump.
 */
function expectedCallers(ruleset: Ruleset): Map<string, EdgeView[]> {
  const expected = new Map<string, EdgeView[]>();
  for (const rule of [...ruleset.rules].sort((a, b) => a.line - b.line)) {
    const target = rule.target;
    if (target?.kind !== 'chain') continue;
    const table = ruleset.tableAt(rule.line)!;
    const key = `${table.index}:${target.name}`;
    const edge = { from: rule.chain, to: target.name, goto: target.goto, rule };
    const list = expected.get(key);
    if (list) list.push(edge);
    else expected.set(key, [edge]);
  }
  return expected;
}

const view = (edges: readonly EdgeView[] | undefined): EdgeView[] | undefined =>
  edges?.map(({ from, to, goto, rule }) => ({ from, to, goto, rule }));

function assertCallersAsRecorded(text: string, onDemand: boolean): number {
  const { ruleset, problems } = parseDocument(text, { onDemand });
  assert.deepStrictEqual(
    problems.map((p) => p.code),
    [],
    'the text is clean, so its jumps are recorded as the lines arrive',
  );
  const expected = expectedCallers(ruleset);
  const callers = ruleset.callers;
  assert.strictEqual(callers.size, expected.size);
  assert.deepStrictEqual([...callers.keys()], [...expected.keys()]);
  assert.deepStrictEqual(
    [...callers].map(([key, edges]) => [key, view(edges)]),
    [...expected].map(([key, edges]) => [key, edges]),
  );
  assert.deepStrictEqual([...callers.values()].map(view), [...expected.values()]);
  let calls = 0;
  callers.forEach((edges, key, map) => {
    assert.strictEqual(map, callers);
    assert.deepStrictEqual(view(edges), expected.get(key));
    calls++;
  });
  assert.strictEqual(calls, expected.size);
  for (const table of ruleset.tables) {
    for (const chain of table.chains.keys()) {
      const key = `${table.index}:${chain}`;
      assert.deepStrictEqual(view(callers.get(key)), expected.get(key), key);
      assert.strictEqual(callers.has(key), expected.has(key), key);
      // Asked twice, a key gives the same list.
      assert.strictEqual(callers.get(key), callers.get(key), key);
    }
    assert.strictEqual(callers.get(`${table.index}:NO-SUCH-CHAIN`), undefined);
    assert.strictEqual(callers.has(`${table.index}:NO-SUCH-CHAIN`), false);
  }
  return expected.size;
}

describe('Callers recorded while the lines arrive (parser/recordedCallers.ts)', () => {
  for (const onDemand of [false, true]) {
    const mode = onDemand ? 'on demand' : 'in full';
    it(`Should give every target's jumps in line order, as the rules say, for a node dump read ${mode}`, () => {
      assert.ok(assertCallersAsRecorded(kubeDump, onDemand) > 150);
    });

    it(`Should keep gotos, interleaved targets and blocks apart, read ${mode}`, () => {
      assert.strictEqual(assertCallersAsRecorded(interleaved, onDemand), 5);
      const { ruleset } = parseDocument(interleaved, { onDemand });
      assert.deepStrictEqual(
        ruleset.callers.get('0:B')!.map((e) => e.rule.line),
        [6, 8],
      );
      assert.deepStrictEqual(
        ruleset.callers.get('1:B')!.map((e) => [e.from, e.goto]),
        [['A', true]],
      );
      assert.strictEqual(ruleset.callers.get('0:LONELY'), undefined);
    });

    it(`Should give a chain that over a thousand rules jump to all its callers in line order, read ${mode}`, () => {
      assert.strictEqual(assertCallersAsRecorded(popular, onDemand), 2);
      const masq = parseDocument(popular, { onDemand }).ruleset.callers.get('0:MASQ')!;
      assert.strictEqual(masq.length, 1090);
      assert.deepStrictEqual(
        masq.slice(-2).map((e) => [e.from, e.rule.line, e.goto]),
        [
          ['OUTPUT', 1103, false],
          ['OTHER', 1104, true],
        ],
      );
    });
  }
});
