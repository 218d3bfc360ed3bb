import * as assert from 'node:assert/strict';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getInlayHints } from '../../../server/src/features/inlayHints';

describe('Counter inlay hints', function () {
  it('Should show human-readable counts after each [packets:bytes] prefix of a -c dump', function () {
    const text = [
      '*nat', // 0
      ':OUTPUT ACCEPT [1532:98048]', // 1
      '[0:0] -A OUTPUT -j ACCEPT', // 2
      '[2400000:3221225472] -A OUTPUT -p tcp -j ACCEPT', // 3
      'COMMIT', // 4
      '',
    ].join('\n');
    const hints = getInlayHints(parseDocument(text), {
      start: { line: 0, character: 0 },
      end: { line: 5, character: 0 },
    });
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.position.character, h.label]),
      [
        [1, 27, '1.5k pkts · 95.8 KiB'],
        [2, 5, '0 pkts · 0 B'],
        [3, 20, '2.4M pkts · 3.0 GiB'],
      ],
    );
  });

  it('Should only return hints inside the requested range, and none without counters', function () {
    const text = ['*nat', '[1:60] -A OUTPUT -j ACCEPT', '-A OUTPUT -j ACCEPT', 'COMMIT', ''].join('\n');
    const doc = parseDocument(text);
    assert.equal(
      getInlayHints(doc, { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }).length,
      0,
    );
    assert.equal(
      getInlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }).length,
      1,
    );
  });
});

describe('Counter inlay hints without -c', function () {
  it('Should show nothing for the [0:0] that iptables-save prints on chain lines of every dump', function () {
    const text = ['*nat', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -j ACCEPT', 'COMMIT', ''].join('\n');
    const hints = getInlayHints(parseDocument(text), {
      start: { line: 0, character: 0 },
      end: { line: 4, character: 0 },
    });
    assert.deepEqual(hints, []);
  });
});
