import * as assert from 'assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { trace } from '../../../server/src/features/trace';
import { renderTraceHtml } from '../../../client/src/trace/renderHtml';

/** A filter table whose INPUT chain holds `misses` rules for other ports before the one that accepts. */
function document(misses: number): string {
  const rules = Array.from({ length: misses }, (_, i) => `-A INPUT -p tcp --dport ${1000 + i} -j DROP`);
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ...rules,
    '-A INPUT -p tcp --dport 22 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n');
}

const packet = 'tcp 10.0.0.2:40000 -> 10.0.0.1:22 in';

describe('Long runs of non-matching rules in a trace', function () {
  it('Should fold a run of more than ten misses into one skipped step naming its lines and size', function () {
    const response = trace(parseDocument(document(25)), { packet });
    const steps = response.result!.packets[0]!.steps.filter((s) => s.chain === 'INPUT');
    const skipped = steps.filter((s) => s.kind === 'skipped');
    assert.strictEqual(skipped.length, 1);
    // Lines are 1-based: the 25 DROP rules sit on lines 3–27, the ACCEPT on line 28.
    assert.deepStrictEqual(
      {
        line: skipped[0]!.line,
        lastLine: skipped[0]!.lastLine,
        count: skipped[0]!.count,
        matched: skipped[0]!.matched,
      },
      { line: 3, lastLine: 27, count: 25, matched: false },
    );
    const accept = steps.find((s) => s.kind === 'rule' && s.matched === true);
    assert.strictEqual(accept?.line, 28);
    assert.strictEqual(response.result!.packets[0]!.final.fate, 'accept');
  });

  it('Should list each miss of a run of ten, with why it did not match', function () {
    const steps = trace(parseDocument(document(10)), { packet }).result!.packets[0]!.steps;
    const misses = steps.filter((s) => s.kind === 'rule' && s.matched === false);
    assert.strictEqual(misses.length, 10);
    assert.ok(misses.every((s) => /not matched/.test(s.note ?? '')));
    assert.ok(!steps.some((s) => s.kind === 'skipped'));
  });

  it('Should show a folded run in the trace view as links to its first and last rule', function () {
    const text = document(25);
    const result = trace(parseDocument(text), { packet }).result!;
    const html = renderTraceHtml({
      title: packet,
      result,
      lines: text.split('\n'),
      cspSource: 'vscode-webview:',
    });
    assert.match(html, /data-line="3">L3<\/a>–<a href="#" data-line="27">L27<\/a>/);
    assert.match(html, /none of the 25 rules of lines 3–27/);
  });
});
