import * as assert from 'assert';
import type { JumpEdge } from '../../../server/src/model/ruleset';
import { CallersByBlock } from '../../../server/src/parser/callersByBlock';
import { parseDocument } from '../../../server/src/parser/parseDocument';

/** Edges stand-ins: the map only stores and returns them. */
const edges = (n: number): JumpEdge[] => Array.from({ length: n }, () => ({}) as JumpEdge);

describe('CallersByBlock (the ruleset callers map, one map per table block)', () => {
  const nat = new Map([
    ['KUBE-SVC-A', edges(1)],
    ['KUBE-MARK-MASQ', edges(3)],
  ]);
  const filter = new Map([['KUBE-FORWARD', edges(2)]]);
  const callers = new CallersByBlock();
  callers.setBlock(0, nat);
  callers.setBlock(11, filter);
  const plain = new Map<string, readonly JumpEdge[]>([
    ['0:KUBE-SVC-A', nat.get('KUBE-SVC-A')!],
    ['0:KUBE-MARK-MASQ', nat.get('KUBE-MARK-MASQ')!],
    ['11:KUBE-FORWARD', filter.get('KUBE-FORWARD')!],
  ]);

  it('Should answer every joined key as a plain map of joined keys does', () => {
    for (const [key, value] of plain) {
      assert.strictEqual(callers.get(key), value, key);
      assert.strictEqual(callers.has(key), true, key);
    }
    assert.strictEqual(callers.size, plain.size);
    assert.deepStrictEqual([...callers.keys()], [...plain.keys()]);
    assert.deepStrictEqual([...callers.values()], [...plain.values()]);
    assert.deepStrictEqual([...callers], [...plain]);
    const seen: string[] = [];
    callers.forEach((value, key, map) => {
      assert.strictEqual(map, callers);
      assert.strictEqual(value, plain.get(key));
      seen.push(key);
    });
    assert.deepStrictEqual(seen, [...plain.keys()]);
  });

  it('Should find nothing for keys the joined form never makes', () => {
    for (const key of [
      '',
      ':KUBE-SVC-A',
      'KUBE-SVC-A',
      '00:KUBE-SVC-A',
      '011:KUBE-FORWARD',
      'x:KUBE-SVC-A',
      '1:KUBE-SVC-A',
      '0:',
      '0:kube-svc-a',
      '-0:KUBE-SVC-A',
    ])
      assert.strictEqual(callers.get(key), plain.get(key), JSON.stringify(key));
  });

  it('Should be what a parse gives: chains named alike in two blocks keep their own callers', () => {
    const doc = parseDocument(
      [
        '*nat',
        ':X - [0:0]',
        '-A OUTPUT -j X',
        'COMMIT',
        '*mangle',
        ':X - [0:0]',
        '-A OUTPUT -j X',
        '-A INPUT -j X',
        'COMMIT',
        '',
      ].join('\n'),
    );
    assert.ok(doc.ruleset.callers instanceof CallersByBlock);
    assert.deepStrictEqual(
      doc.ruleset.callers.get('0:X')?.map((e) => e.rule.line),
      [2],
    );
    assert.deepStrictEqual(
      doc.ruleset.callers.get('1:X')?.map((e) => e.rule.line),
      [6, 7],
    );
    assert.deepStrictEqual([...doc.ruleset.callers.keys()], ['0:X', '1:X']);
  });
});
