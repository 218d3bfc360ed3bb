import * as assert from 'assert';
import { isUnknownMatch } from '../../../server/src/model/rule';
import { codes, filterRule, parseLines, ruleAt } from './helpers';

const mangle = (rule: string) => parseLines('*mangle', rule, 'COMMIT');
const optionNames = (parsed: ReturnType<typeof parseLines>) => {
  const r = ruleAt(parsed, 1);
  return [
    ...r.genericOptions.map((o) => o.name),
    ...r.matches.flatMap((m) => m.options.map((o) => `${m.module}.${o.name}`)),
    ...(r.target?.options.map((o) => `${r.target!.kind}.${o.name}`) ?? []),
  ];
};

// Every expectation below was checked with `unshare -n iptables-nft-restore` + iptables-nft-save
// (iptables 1.8.9): getopt_long resolves unique prefixes over the merged option table.
describe('parser: long options, aliases and unique-prefix abbreviation', () => {
  it('Should resolve --proto, --dst and --jum to -p, -d and -j', () => {
    const parsed = mangle('-A PREROUTING --proto tcp --dst 1.2.3.4 --jum ACCEPT');
    assert.deepStrictEqual(codes(parsed), []);
    const r = ruleAt(parsed, 1);
    assert.strictEqual(r.protocol!.value, 'tcp');
    assert.strictEqual(r.destination!.value[0]!.text, '1.2.3.4');
    assert.strictEqual(r.target!.kind, 'ACCEPT');
  });

  it("Should resolve REDIRECT --to-port to --to-ports, as Istio's DNS rule writes it", () => {
    const parsed = parseLines('*nat', '-A OUTPUT -p udp --dport 53 -j REDIRECT --to-port 15053', 'COMMIT');
    assert.deepStrictEqual(codes(parsed), []);
    const t = ruleAt(parsed, 1).target!;
    assert.ok(t.kind === 'REDIRECT');
    assert.deepStrictEqual(t.toPorts, { from: 15053, to: 15053, text: '15053' });
    assert.strictEqual(t.options[0]!.token.text, '--to-port');
    assert.strictEqual(t.options[0]!.name, 'to-ports');
  });

  it('Should resolve target option prefixes (--on-p, --tproxy-m)', () => {
    const parsed = mangle('-A PREROUTING -p tcp -j TPROXY --on-p 1 --tproxy-m 0x1/0x1');
    assert.deepStrictEqual(codes(parsed), []);
    assert.deepStrictEqual(optionNames(parsed), ['protocol', 'TPROXY.on-port', 'TPROXY.tproxy-mark']);
  });

  it('Should treat --sport/--source-port prefixes as one option (aliases are not ambiguous)', () => {
    assert.deepStrictEqual(optionNames(mangle('-A PREROUTING -p tcp --sp 80 -j ACCEPT')), [
      'protocol',
      'tcp.source-port',
    ]);
    assert.deepStrictEqual(optionNames(mangle('-A PREROUTING -p tcp --dp 80 -j ACCEPT')), [
      'protocol',
      'tcp.destination-port',
    ]);
  });

  it('Should resolve --fragment as a prefix of the generic --fragments', () => {
    assert.deepStrictEqual(codes(filterRule('-A INPUT --fragment -j ACCEPT')), []);
    assert.ok(ruleAt(filterRule('-A INPUT --fragment -j ACCEPT'), 1).fragment);
  });

  it('Should refuse an ambiguous prefix: --d (delete, destination, dst …) and --in (in-interface, insert)', () => {
    const d = filterRule('-A INPUT --d 1.2.3.4 -j ACCEPT');
    assert.deepStrictEqual(
      d.problems.map((p) => [p.code, p.span.start, p.span.end]),
      [['syntax.unknown-option', 9, 12]],
    );
    assert.match(d.problems[0]!.message, /^unknown option "--d"/);
    assert.deepStrictEqual(codes(filterRule('-A INPUT --in eth0 -j ACCEPT')), ['syntax.unknown-option']);
  });

  it('Should refuse --ma after -m mark: it prefixes both --mark and the generic --match', () => {
    assert.deepStrictEqual(codes(mangle('-A PREROUTING -m mark --ma 1 -j ACCEPT')), [
      'syntax.unknown-option',
      'syntax.missing-required-option',
    ]);
  });

  it('Should give a repeated option name to the most recently loaded module', () => {
    // `-m mark -m connmark --mark 1` fails with `mark: option "--mark" must be specified`.
    const parsed = mangle('-A PREROUTING -m mark -m connmark --mark 1 -j ACCEPT');
    assert.deepStrictEqual(
      parsed.problems.map((p) => p.message),
      ['mark: option "--mark" must be specified'],
    );
    const r = ruleAt(parsed, 1);
    assert.deepStrictEqual(
      r.matches.map((m) => [m.module, m.options.length]),
      [
        ['mark', 0],
        ['connmark', 1],
      ],
    );
  });

  it('Should accept --opt=value and short options with a glued value', () => {
    // Not -p, -s, -d, -i, -o or -j: iptables reads those from the whole word (see fixes.test.ts).
    const line = '-A PREROUTING -p tcp -mtcp --dport=80 -j ACCEPT';
    const parsed = mangle(line);
    assert.deepStrictEqual(codes(parsed), []);
    const m = ruleAt(parsed, 1).matches[0]!;
    assert.ok(m.module === 'tcp' && !isUnknownMatch(m));
    assert.strictEqual(m.dport!.value.from, 80);
    const at = line.indexOf('=80') + 1;
    assert.deepStrictEqual(m.dport!.option.args[0]!.span, { line: 1, start: at, end: at + 2 });
  });

  it('Should read -c packets,bytes, -c packets bytes and their refusals as iptables does', () => {
    // Outcomes of iptables-restore 1.8.9 on these lines (test/corpus/*/set-counters-*.rules).
    const counters = (rule: string) => {
      const parsed = mangle(`-A PREROUTING -j ACCEPT ${rule}`);
      const use = ruleAt(parsed, 1).genericOptions.find((o) => o.name === 'set-counters');
      return [use?.args.map((a) => a.text), parsed.problems.map((p) => p.message)];
    };
    assert.deepStrictEqual(counters('-c 5 600'), [['5', '600'], []]);
    assert.deepStrictEqual(counters('-c 7,800'), [['7', '800'], []]);
    assert.deepStrictEqual(counters('-c9,1000'), [['9', '1000'], []]);
    assert.deepStrictEqual(counters('--set-counters=11,1200'), [['11', '1200'], []]);
    assert.deepStrictEqual(counters('-c 13,1400,15'), [['13', '1400,15'], []]);
    assert.deepStrictEqual(counters('-c -1 2'), [['-1', '2'], []]);
    assert.deepStrictEqual(counters('-c 5'), [['5'], ['-c requires packet and byte counter']]);
    assert.deepStrictEqual(counters('-c ,5'), [[',5'], ['-c requires packet and byte counter']]);
    assert.deepStrictEqual(counters('-c 5 many'), [['5', 'many'], ['-c byte counter not numeric']]);
    assert.deepStrictEqual(counters('-c x,y'), [['x', 'y'], ['-c packet counter not numeric']]);
    assert.deepStrictEqual(counters('-c 5,'), [['5', ''], ['-c byte counter not numeric']]);
  });

  it('Should report `-c !` at the end of a line as the old negation instead of failing the whole parse', () => {
    // Found by the canonical reader's mutation test: the counters were read from an empty argument list.
    for (const rule of ['-A PREROUTING -c !', '-A PREROUTING -p tcp --dport 80 -j ACCEPT -c !']) {
      const parsed = mangle(rule);
      const at = rule.length - 1;
      assert.deepStrictEqual(
        parsed.problems.map((p) => `${p.code}@${p.span.start}`),
        [`syntax.old-negation@${at}`, `syntax.not-negatable@${at}`],
      );
    }
  });

  it('Should load the protocol match lazily at the first option nobody else knows', () => {
    const r = ruleAt(mangle('-A PREROUTING -p tcp --dport 15008 -m mark ! --mark 0x539/0xfff -j ACCEPT'), 1);
    assert.deepStrictEqual(
      r.matches.map((m) => [m.module, m.implicit]),
      [
        ['tcp', true],
        ['mark', false],
      ],
    );
  });

  it('Should load the icmp6 match for -p ipv6-icmp and -p icmpv6', () => {
    for (const proto of ['ipv6-icmp', 'icmpv6']) {
      const parsed = parseLines(
        '*filter',
        `-A INPUT -p ${proto} --icmpv6-type echo-request -j ACCEPT`,
        'COMMIT',
      );
      assert.deepStrictEqual(codes(parsed), [], proto);
      const m = ruleAt(parsed, 1).matches[0]!;
      assert.ok(m.module === 'icmp6' && !isUnknownMatch(m));
      assert.strictEqual(m.icmpv6Type!.value.type, 128);
    }
  });
});
