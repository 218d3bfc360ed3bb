import * as assert from 'assert';
import { joinSpans, spanContains, spanToRange, wholeLinesRange } from '../../../server/src/model/span';
import { chainKey } from '../../../server/src/model/ruleset';
import { isUnknownMatch } from '../../../server/src/model/rule';
import { parseDocument } from '../../../server/src/parser/parseDocument';

describe('model helpers', () => {
  it('Should join spans, contain positions end-inclusively and convert to ranges', () => {
    assert.deepStrictEqual(joinSpans({ line: 2, start: 5, end: 8 }, { line: 2, start: 1, end: 3 }), {
      line: 2,
      start: 1,
      end: 8,
    });
    assert.ok(spanContains({ line: 1, start: 3, end: 6 }, 1, 6));
    assert.ok(!spanContains({ line: 1, start: 3, end: 6 }, 1, 7));
    assert.deepStrictEqual(spanToRange({ line: 4, start: 0, end: 2 }), {
      start: { line: 4, character: 0 },
      end: { line: 4, character: 2 },
    });
    assert.deepStrictEqual(wholeLinesRange(3, 4), {
      start: { line: 3, character: 0 },
      end: { line: 5, character: 0 },
    });
  });

  it('Should key callers by table block index and chain, and tell unknown matches apart', () => {
    const doc = parseDocument(
      '*nat\n:X - [0:0]\n-A OUTPUT -m pkttype --pkt-type unicast -m mark --mark 1 -j X\nCOMMIT\n',
    );
    const table = doc.ruleset.tables[0]!;
    assert.strictEqual(chainKey(table, 'X'), '0:X');
    assert.strictEqual(doc.ruleset.callers.get(chainKey(table, 'X'))!.length, 1);
    const [pkttype, mark] = doc.ruleset.rules[0]!.matches;
    assert.deepStrictEqual([isUnknownMatch(pkttype!), isUnknownMatch(mark!)], [true, false]);
  });
});
