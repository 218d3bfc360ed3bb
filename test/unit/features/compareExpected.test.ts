/**
 * "Compare with expected": the rule set Istio would write for the detected generation. The rendered
 * fixtures are real iptables-save output of Istio's own golden files (test/fixtures/SOURCES.md), so
 * for an unmodified dump the expected text must hold exactly the dump's tables, chain declarations
 * and rules, in iptables-save's order.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getExpectedRuleSet } from '../../../server/src/features/compareExpected';

const rendered = join(__dirname, '..', '..', 'fixtures', 'istio', 'ambient', 'rendered');

function dumps(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? dumps(join(dir, e.name)) : e.name.endsWith('-save.txt') ? [join(dir, e.name)] : [],
  );
}

function structure(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('*') || l.startsWith(':') || l.startsWith('-A '));
}

describe('Compare with expected', function () {
  for (const file of dumps(rendered)) {
    it(`Should expect exactly what Istio's rendered ${file.slice(rendered.length + 1)} holds`, function () {
      const text = readFileSync(file, 'utf8');
      const expected = getExpectedRuleSet(parseDocument(text));
      assert.ok(expected, 'no Istio rule set detected');
      assert.deepEqual(structure(expected.text), structure(text));
    });
  }

  it('Should show a removed rule as a difference: the expected text still holds it', function () {
    const text = readFileSync(join(rendered, 'default.iptables-nft-save.txt'), 'utf8');
    const redirect =
      '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001';
    const broken = text.replace(`${redirect}\n`, '');
    const expected = getExpectedRuleSet(parseDocument(broken));
    assert.ok(expected?.text.includes(redirect));
    assert.match(expected?.title ?? '', /Istio/);
  });

  it('Should return null for a file without Istio rules', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -p tcp --dport 22 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.equal(getExpectedRuleSet(parseDocument(text)), null);
  });
});
