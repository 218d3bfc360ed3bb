/**
 * Shadowed rules: reported only when the earlier rule provably covers the later one. The covering
 * facts are those of iptables(8)/iptables-extensions(8): CIDR containment, inclusive port ranges,
 * the `+` interface wildcard, `(mark & mask) == value`, and `!` negation.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../../server/src/parser/parseDocument';
import { shadowedRules } from '../../../../server/src/analysis/checks/lint/shadowedRules';

/** The 0-based lines reported as shadowed, for a filter INPUT chain holding `rules` from line 2 on. */
function shadowedLines(rules: readonly string[]): number[] {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ...rules.map((r) => `-A INPUT ${r}`), 'COMMIT', ''].join(
    '\n',
  );
  return shadowedRules
    .run({ doc: parseDocument(text) })
    .filter((f) => f.code === 'lint.shadowed-rule')
    .map((f) => f.span.line);
}

describe('lint.shadowed-rule', function () {
  it('Should flag a host inside an earlier accepted network', function () {
    assert.deepEqual(
      shadowedLines([
        '-s 10.0.0.0/8 -j ACCEPT', // 2
        '-s 10.1.2.3/32 -p tcp --dport 22 -j DROP', // 3
      ]),
      [3],
    );
  });

  it('Should not flag a wider network after a narrower one', function () {
    assert.deepEqual(shadowedLines(['-s 10.1.2.3/32 -j ACCEPT', '-s 10.0.0.0/8 -j DROP']), []);
  });

  it('Should understand a non-contiguous dotted mask', function () {
    // 10.0.0.0/255.0.255.0 matches 10.x.0.y for every x and y.
    assert.deepEqual(
      shadowedLines([
        '-s 10.0.0.0/255.0.255.0 -j ACCEPT',
        '-s 10.7.0.9/32 -j DROP',
        '-s 10.7.1.9/32 -j DROP',
      ]),
      [3],
    );
  });

  it('Should compare port ranges, including negation', function () {
    assert.deepEqual(
      shadowedLines([
        '-p tcp --dport 1000:2000 -j ACCEPT', // 2
        '-p tcp --dport 1500 -j DROP', // 3: inside
        '-p tcp --dport 1999:2001 -j DROP', // 4: sticks out
        '-p udp --dport 1500 -j DROP', // 5: other protocol
        '-p tcp ! --dport 0:999 -j DROP', // 6: 1000-65535, not inside
      ]),
      [3],
    );
    assert.deepEqual(
      shadowedLines([
        '-p tcp ! --dport 22 -j ACCEPT',
        '-p tcp --dport 80 -j DROP',
        '-p tcp --dport 22 -j DROP',
      ]),
      [3],
    );
  });

  it('Should treat an interface wildcard as a prefix match', function () {
    assert.deepEqual(
      shadowedLines(['-i veth+ -j ACCEPT', '-i veth12 -j DROP', '-i eth0 -j DROP', '-i vet+ -j DROP']),
      [3],
    );
  });

  it('Should compare marks with masks: 0x539/0xfff covers 0x1539/0xffff but not 0x539/0xff', function () {
    assert.deepEqual(
      shadowedLines([
        '-m mark --mark 0x539/0xfff -j ACCEPT', // 2
        '-m mark --mark 0x1539/0xffff -j DROP', // 3: low 12 bits are 0x539
        '-m mark --mark 0x39/0xff -j DROP', // 4: says nothing about bits 8-11
      ]),
      [3],
    );
  });

  it('Should see that a packet with mark 0x111 cannot have mark 0x539 in the same bits', function () {
    assert.deepEqual(
      shadowedLines(['-m mark ! --mark 0x539/0xfff -j RETURN', '-m mark --mark 0x111/0xfff -j DROP']),
      [3],
    );
  });

  it('Should not flag a mark test after a MARK that may have set the mark the earlier rule lacked', function () {
    assert.deepEqual(
      shadowedLines([
        '-m mark --mark 0x1 -j ACCEPT', // 2
        '-j MARK --set-xmark 0x1/0xffffffff', // 3
        '-m mark --mark 0x1 -p tcp -j DROP', // 4: reached by every packet marked at line 3
      ]),
      [],
    );
  });

  it('Should still flag an address test after a MARK, and anything after a LOG', function () {
    assert.deepEqual(
      shadowedLines([
        '-s 10.0.0.0/8 -j ACCEPT', // 2
        '-j MARK --set-xmark 0x1/0xffffffff', // 3
        '-j LOG --log-prefix seen', // 4
        '-s 10.9.9.9/32 -j DROP', // 5
      ]),
      [5],
    );
  });

  it('Should forget every earlier rule after a -j to a user chain, which may change anything and return', function () {
    const text = [
      '*filter', // 0
      ':INPUT ACCEPT [0:0]', // 1
      ':X - [0:0]', // 2
      '-A INPUT -s 10.0.0.0/8 -j ACCEPT', // 3
      '-A INPUT -j X', // 4
      '-A INPUT -s 10.9.9.9/32 -j DROP', // 5
      'COMMIT', // 6
      '',
    ].join('\n');
    assert.deepEqual(shadowedRules.run({ doc: parseDocument(text) }), []);
  });

  it('Should not flag anything after a rule that only marks (it does not end the chain)', function () {
    assert.deepEqual(shadowedLines(['-p tcp -j MARK --set-xmark 0x1/0x1', '-p tcp --dport 80 -j DROP']), []);
  });

  it('Should not flag anything after a -j to a user chain, which can return', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':X - [0:0]',
      '-A INPUT -j X',
      '-A INPUT -j DROP',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(shadowedRules.run({ doc: parseDocument(text) }), []);
  });

  it('Should never let a rule with an unknown or stateful module shadow another', function () {
    assert.deepEqual(
      shadowedLines(['-m limit --limit 1/sec -j ACCEPT', '-m limit --limit 1/sec -j ACCEPT']),
      [],
    );
    assert.deepEqual(shadowedLines(['-m frobnicate --wibble 1 -j ACCEPT', '-j DROP']), []);
  });

  it('Should require the same conntrack states or a subset', function () {
    assert.deepEqual(
      shadowedLines([
        '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', // 2
        '-m state --state ESTABLISHED -p tcp -j DROP', // 3
        '-m conntrack --ctstate NEW,ESTABLISHED -j DROP', // 4
      ]),
      [3],
    );
  });

  it('Should know that a port match excludes later fragments, so -p tcp alone is not covered by a port range', function () {
    assert.deepEqual(shadowedLines(['-p tcp --dport 0:65535 -j ACCEPT', '-p tcp -j DROP']), []);
  });

  it('Should point at the covering rule', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -p tcp -j ACCEPT',
      '-A INPUT -p tcp --syn -j DROP',
      'COMMIT',
      '',
    ].join('\n');
    const [found] = shadowedRules.run({ doc: parseDocument(text) });
    assert.equal(found?.related?.[0]?.span.line, 2);
    assert.equal(found?.unnecessary, true);
  });
});

describe('lint.shadowed-rule on real Istio dumps', function () {
  it("Should leave Istio's own REDIRECT/RETURN pair of a virtual interface to the istio checks", function () {
    // Rendered from Istio's virtual_interfaces golden (test/fixtures/SOURCES.md): each interface gets
    // a REDIRECT and then a RETURN that netfilter can never reach.
    const text = readFileSync(
      join(
        __dirname,
        '..',
        '..',
        '..',
        'fixtures',
        'istio',
        'ambient',
        'rendered',
        'virtual_interfaces.iptables-nft-save.txt',
      ),
      'utf8',
    );
    assert.deepEqual(shadowedRules.run({ doc: parseDocument(text) }), []);
  });

  it('Should still flag a hand-written rule that an Istio rule shadows', function () {
    const text = [
      '*nat', // 0
      ':OUTPUT ACCEPT [0:0]', // 1
      ':ISTIO_OUTPUT - [0:0]', // 2
      '-A OUTPUT -j ISTIO_OUTPUT', // 3
      '-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT', // 4
      '-A ISTIO_OUTPUT -p tcp --dport 8080 -m mark --mark 0x111/0xfff -j DROP', // 5
      'COMMIT', // 6
      '',
    ].join('\n');
    assert.deepEqual(
      shadowedRules.run({ doc: parseDocument(text) }).map((f) => f.span.line),
      [5],
    );
  });
});
