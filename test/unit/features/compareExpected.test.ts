/**
 * "Compare with expected": the rule set Istio would write for the detected generation. The rendered
 * fixtures are real iptables-save output of Istio's own golden files (test/fixtures/SOURCES.md), so
 * for an unmodified dump the expected text must hold exactly the dump's rules, chain by chain.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getExpectedRuleSet } from '../../../server/src/features/compareExpected';

const rendered = join(__dirname, '..', '..', 'fixtures', 'istio', 'ambient', 'rendered');

function ruleLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith('*'));
}

describe('Compare with expected', function () {
  for (const name of [
    'default.iptables-nft-save.txt',
    'ingress.iptables-nft-save.txt',
    'history/1.23.6/tproxy.iptables-nft-save.txt',
  ]) {
    it(`Should expect exactly the rules of Istio's own rendered ${name}`, function () {
      const text = readFileSync(join(rendered, name), 'utf8');
      const expected = getExpectedRuleSet(parseDocument(text));
      assert.ok(expected, 'no Istio rule set detected');
      assert.deepEqual(ruleLines(expected.text), ruleLines(text));
    });
  }

  it('Should list the declarations of every builtin and Istio chain like iptables-save', function () {
    const text = readFileSync(join(rendered, 'default.iptables-nft-save.txt'), 'utf8');
    const expected = getExpectedRuleSet(parseDocument(text));
    const declarations = (t: string): string[] => t.split('\n').filter((l) => l.startsWith(':'));
    assert.deepEqual(declarations(expected?.text ?? ''), declarations(text));
  });

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
