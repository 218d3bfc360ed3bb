import * as assert from 'node:assert/strict';
import { parseDocument } from '../../../../server/src/parser/parseDocument';
import { rulesAfterTerminal } from '../../../../server/src/analysis/checks/lint/rulesAfterTerminal';
import { unusedChains } from '../../../../server/src/analysis/checks/lint/unusedChains';
import { istioZeroCounters } from '../../../../server/src/analysis/checks/lint/istioZeroCounters';
import { analyze } from '../../../../server/src/analysis/analyzer';

describe('lint.rule-after-terminal', function () {
  it('Should flag every rule after an unconditional RETURN, and none before it', function () {
    const text = [
      '*nat', // 0
      ':OUTPUT ACCEPT [0:0]', // 1
      ':ISTIO_OUTPUT - [0:0]', // 2
      '-A OUTPUT -j ISTIO_OUTPUT', // 3
      '-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT', // 4
      '-A ISTIO_OUTPUT -m comment --comment "stop here" -j RETURN', // 5
      '-A ISTIO_OUTPUT -p tcp -j REDIRECT --to-ports 15001', // 6
      '-A ISTIO_OUTPUT -j MARK --set-xmark 0x1/0x1', // 7
      'COMMIT', // 8
      '',
    ].join('\n');
    const found = rulesAfterTerminal.run({ doc: parseDocument(text) });
    assert.deepEqual(
      found.map((f) => [f.code, f.span.line, f.related?.[0]?.span.line]),
      [
        ['lint.rule-after-terminal', 6, 5],
        ['lint.rule-after-terminal', 7, 5],
      ],
    );
  });

  it('Should not treat an unconditional MARK or a -j to a user chain as terminal', function () {
    const text = [
      '*mangle',
      ':X - [0:0]',
      '-A OUTPUT -j MARK --set-xmark 0x1/0x1',
      '-A OUTPUT -j X',
      '-A OUTPUT -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(rulesAfterTerminal.run({ doc: parseDocument(text) }), []);
  });

  it('Should treat an unconditional -g as terminal', function () {
    const text = ['*filter', ':X - [0:0]', '-A INPUT -g X', '-A INPUT -j DROP', 'COMMIT', ''].join('\n');
    assert.deepEqual(
      rulesAfterTerminal.run({ doc: parseDocument(text) }).map((f) => f.span.line),
      [3],
    );
  });
});

describe('lint.unused-chain', function () {
  it('Should flag a declared user chain nothing jumps to, and not one that is jumped to', function () {
    const text = [
      '*nat', // 0
      ':OUTPUT ACCEPT [0:0]', // 1
      ':ISTIO_OUTPUT - [0:0]', // 2
      ':ISTIO_PRERT - [0:0]', // 3
      '-A OUTPUT -j ISTIO_OUTPUT', // 4
      '-A ISTIO_PRERT -j ACCEPT', // 5
      'COMMIT', // 6
      '',
    ].join('\n');
    const found = unusedChains.run({ doc: parseDocument(text) });
    assert.deepEqual(
      found.map((f) => [f.code, f.span.line]),
      [['lint.unused-chain', 3]],
    );
    assert.match(found[0]?.message ?? '', /ISTIO_PRERT/);
  });
});

describe('lint.istio-rule-never-matched', function () {
  const dump = (redirectCounters: string): string =>
    [
      '*nat', // 0
      ':PREROUTING ACCEPT [0:0]', // 1
      ':INPUT ACCEPT [0:0]', // 2
      ':OUTPUT ACCEPT [0:0]', // 3
      ':POSTROUTING ACCEPT [0:0]', // 4
      ':ISTIO_OUTPUT - [0:0]', // 5
      ':ISTIO_PRERT - [0:0]', // 6
      '[40:2400] -A PREROUTING -j ISTIO_PRERT', // 7
      '[90:5400] -A OUTPUT -j ISTIO_OUTPUT', // 8
      '[0:0] -A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 9
      '[12:720] -A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT', // 10
      '[3:180] -A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -j ACCEPT', // 11
      `${redirectCounters} -A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001`, // 12
      '[0:0] -A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 13
      '[40:2400] -A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006', // 14
      'COMMIT', // 15
      '',
    ].join('\n');

  it('Should warn about the outbound REDIRECT with zero counters while the rule before it matched', function () {
    const found = istioZeroCounters.run({ doc: parseDocument(dump('[0:0]')) });
    assert.deepEqual(
      found.map((f) => [f.code, f.span.line, f.related?.[0]?.span.line]),
      [['lint.istio-rule-never-matched', 12, 11]],
    );
  });

  it('Should stay quiet when the rule matched, and for probe rules that rarely match', function () {
    assert.deepEqual(istioZeroCounters.run({ doc: parseDocument(dump('[75:4500]')) }), []);
  });

  it('Should stay quiet without counters', function () {
    const noCounters = dump('[0:0]').replace(/^\[\d+:\d+\] /gm, '');
    assert.deepEqual(istioZeroCounters.run({ doc: parseDocument(noCounters) }), []);
  });
});

describe('Lint checks through the analyzer', function () {
  it('Should report lint findings from analyze() and let a disabled code silence them', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':X - [0:0]',
      '-A INPUT -j DROP',
      '-A INPUT -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const codes = analyze(parseDocument(text)).map((f) => f.code);
    assert.ok(codes.includes('lint.rule-after-terminal'));
    assert.ok(codes.includes('lint.unused-chain'));
    const silenced = analyze(parseDocument(text), { disabledCodes: new Set(['lint.unused-chain']) }).map(
      (f) => f.code,
    );
    assert.ok(!silenced.includes('lint.unused-chain'));
  });
});
