/**
 * Formatting to the canonical form. Every expected line below is what iptables-save 1.8.9 printed
 * after loading the input line with iptables-restore into a throw-away network namespace (both
 * backends printed the same text); the kernel test in test/kernel/format re-checks the whole corpus.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { applyTextEdits, formatDocument } from '../../../server/src/features/formatting';

function formatRule(table: string, chains: readonly string[], rule: string): string {
  const header = [`*${table}`, ...chains.map((c) => `:${c} ACCEPT [0:0]`)];
  const text = [...header, rule, 'COMMIT', ''].join('\n');
  const formatted = applyTextEdits(text, formatDocument(parseDocument(text)));
  return formatted.split('\n').slice(header.length, -2).join('\n');
}

const filter = (rule: string): string => formatRule('filter', ['INPUT', 'FORWARD', 'OUTPUT'], rule);
const mangle = (rule: string): string =>
  formatRule('mangle', ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], rule);
const nat = (rule: string): string =>
  formatRule('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], rule);

describe('formatDocument: rules in iptables-save canonical form', function () {
  it('Should add /32 to a bare address and sort generic options as -s -d -i -o -p', function () {
    assert.equal(
      filter('-A INPUT -i eth+ ! -s 1.2.3.4 -j ACCEPT'),
      '-A INPUT ! -s 1.2.3.4/32 -i eth+ -j ACCEPT',
    );
  });

  it('Should clear host bits and turn a contiguous dotted mask into a prefix but keep a holed one dotted', function () {
    assert.equal(
      filter('-A INPUT -s 10.1.2.3/255.255.0.0 -d 10.0.0.0/255.0.255.0 -j ACCEPT'),
      '-A INPUT -s 10.1.0.0/16 -d 10.0.0.0/255.0.255.0 -j ACCEPT',
    );
  });

  it('Should expand comma lists of -A into one rule per source and destination pair, source-major', function () {
    assert.equal(
      filter('-A INPUT -s 10.0.0.1,10.0.0.2 -d 1.1.1.1,2.2.2.2 -j ACCEPT'),
      [
        '-A INPUT -s 10.0.0.1/32 -d 1.1.1.1/32 -j ACCEPT',
        '-A INPUT -s 10.0.0.1/32 -d 2.2.2.2/32 -j ACCEPT',
        '-A INPUT -s 10.0.0.2/32 -d 1.1.1.1/32 -j ACCEPT',
        '-A INPUT -s 10.0.0.2/32 -d 2.2.2.2/32 -j ACCEPT',
      ].join('\n'),
    );
  });

  it('Should make the implicit tcp match explicit and resolve service names in port ranges', function () {
    assert.equal(
      filter('-A INPUT -p tcp --dport ssh:http -j ACCEPT'),
      '-A INPUT -p tcp -m tcp --dport 22:80 -j ACCEPT',
    );
  });

  it('Should print tcp ports sport before dport, fill open range ends and put the flags last', function () {
    assert.equal(
      filter('-A INPUT -p tcp --tcp-flags SYN,ACK,FIN FIN --dport 22 --sport 1024: -j ACCEPT'),
      '-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 22 --tcp-flags FIN,SYN,ACK FIN -j ACCEPT',
    );
  });

  it('Should write --syn and ! --syn as --tcp-flags FIN,SYN,RST,ACK SYN', function () {
    assert.equal(
      filter('-A INPUT -p tcp --syn -j ACCEPT'),
      '-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -p tcp ! --syn -j ACCEPT'),
      '-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT',
    );
  });

  it('Should drop a port test that covers every port, leaving the bare tcp match', function () {
    assert.equal(filter('-A INPUT -p tcp --dport 0:65535 -j ACCEPT'), '-A INPUT -p tcp -m tcp -j ACCEPT');
  });

  it('Should name protocol numbers and drop -p all', function () {
    assert.equal(filter('-A INPUT -p 6 -j ACCEPT'), '-A INPUT -p tcp -j ACCEPT');
    assert.equal(
      filter('-A INPUT -p 17 --dport 53 -j ACCEPT'),
      '-A INPUT -p udp -m udp --dport 53 -j ACCEPT',
    );
    assert.equal(filter('-A INPUT -p all -j ACCEPT'), '-A INPUT -j ACCEPT');
  });

  it('Should turn ICMP type names into numbers and keep any and type/code', function () {
    assert.equal(
      filter('-A INPUT -p icmp --icmp-type echo-request -j ACCEPT'),
      '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -p icmp --icmp-type any -j ACCEPT'),
      '-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -p icmp --icmp-type 3/1 -j ACCEPT'),
      '-A INPUT -p icmp -m icmp --icmp-type 3/1 -j ACCEPT',
    );
  });

  it('Should print marks in hex and leave out an all-ones mask', function () {
    assert.equal(
      mangle('-A PREROUTING -m mark --mark 1337/4095 -j ACCEPT'),
      '-A PREROUTING -m mark --mark 0x539/0xfff -j ACCEPT',
    );
    assert.equal(
      mangle('-A PREROUTING -m mark --mark 0 -j ACCEPT'),
      '-A PREROUTING -m mark --mark 0x0 -j ACCEPT',
    );
  });

  it('Should turn MARK --set-mark, --and-mark, --or-mark and --xor-mark into --set-xmark', function () {
    assert.equal(
      mangle('-A PREROUTING -j MARK --set-mark 0'),
      '-A PREROUTING -j MARK --set-xmark 0x0/0xffffffff',
    );
    assert.equal(
      mangle('-A PREROUTING -j MARK --set-mark 0x5/0xf0'),
      '-A PREROUTING -j MARK --set-xmark 0x5/0xf5',
    );
    assert.equal(
      mangle('-A PREROUTING -j MARK --and-mark 0xf'),
      '-A PREROUTING -j MARK --set-xmark 0x0/0xfffffff0',
    );
    assert.equal(
      mangle('-A PREROUTING -j MARK --or-mark 0x10'),
      '-A PREROUTING -j MARK --set-xmark 0x10/0x10',
    );
    assert.equal(
      mangle('-A PREROUTING -j MARK --xor-mark 0x10'),
      '-A PREROUTING -j MARK --set-xmark 0x10/0x0',
    );
  });

  it('Should spell out CONNMARK save/restore masks and set-mark as set-xmark', function () {
    assert.equal(
      mangle('-A PREROUTING -j CONNMARK --save-mark'),
      '-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
    );
    assert.equal(
      mangle('-A PREROUTING -j CONNMARK --restore-mark --mask 0xff'),
      '-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff',
    );
    assert.equal(
      mangle('-A PREROUTING -m mark --mark 1337/4095 -j CONNMARK --set-mark 0x111/0xfff'),
      '-A PREROUTING -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff',
    );
  });

  it('Should give TPROXY its default --on-ip and --tproxy-mark', function () {
    assert.equal(
      mangle('-A PREROUTING -p tcp -j TPROXY --on-port 15008 --tproxy-mark 0x111/0xfff'),
      '-A PREROUTING -p tcp -j TPROXY --on-port 15008 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff',
    );
    assert.equal(
      mangle('-A PREROUTING -p tcp -j TPROXY --on-port 15008'),
      '-A PREROUTING -p tcp -j TPROXY --on-port 15008 --on-ip 0.0.0.0 --tproxy-mark 0x0/0x0',
    );
  });

  it("Should complete Istio's --to-port abbreviation to --to-ports", function () {
    assert.equal(
      nat('-A OUTPUT -p udp --dport 53 -j REDIRECT --to-port 15053'),
      '-A OUTPUT -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053',
    );
  });

  it('Should give REJECT its default type and resolve type aliases', function () {
    assert.equal(filter('-A INPUT -j REJECT'), '-A INPUT -j REJECT --reject-with icmp-port-unreachable');
    assert.equal(
      filter('-A INPUT -p tcp -j REJECT --reject-with tcp-rst'),
      '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
    );
  });

  it('Should order LOG options prefix, level, flags and omit the default level 4', function () {
    assert.equal(
      filter('-A INPUT -j LOG --log-level 4 --log-prefix "x y"'),
      '-A INPUT -j LOG --log-prefix "x y"',
    );
    assert.equal(
      filter('-A INPUT -j LOG --log-level debug --log-tcp-options --log-uid --log-prefix abc'),
      '-A INPUT -j LOG --log-prefix abc --log-level 7 --log-tcp-options --log-uid',
    );
  });

  it('Should quote comments the way iptables-save does', function () {
    assert.equal(
      filter('-A INPUT -m comment --comment "it\'s \\"quoted\\" here" -j ACCEPT'),
      '-A INPUT -m comment --comment "it\\\'s \\"quoted\\" here" -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -m comment --comment "a.b" -j ACCEPT'),
      '-A INPUT -m comment --comment "a.b" -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -m comment --comment "a_b-1" -j ACCEPT'),
      '-A INPUT -m comment --comment a_b-1 -j ACCEPT',
    );
  });

  it('Should print conntrack states and addrtype types in bit order', function () {
    assert.equal(
      filter('-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED,NEW,INVALID -j ACCEPT'),
      '-A INPUT -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -m addrtype --dst-type LOCAL,UNICAST --src-type MULTICAST -j ACCEPT'),
      '-A INPUT -m addrtype --src-type MULTICAST --dst-type UNICAST,LOCAL -j ACCEPT',
    );
  });

  it('Should print rates in the unit iptables-save picks and drop the default burst', function () {
    assert.equal(
      filter('-A INPUT -m limit --limit 10/s --limit-burst 5 -j ACCEPT'),
      '-A INPUT -m limit --limit 10/sec -j ACCEPT',
    );
    assert.equal(
      filter('-A INPUT -m limit --limit 60/min --limit-burst 7 -j ACCEPT'),
      '-A INPUT -m limit --limit 1/sec --limit-burst 7 -j ACCEPT',
    );
  });

  it('Should order owner options socket-exists, uid, gid', function () {
    assert.equal(
      formatRule(
        'filter',
        ['INPUT', 'FORWARD', 'OUTPUT'],
        '-A OUTPUT -m owner --gid-owner 10 --uid-owner 1337 --socket-exists -j ACCEPT',
      ),
      '-A OUTPUT -m owner --socket-exists --uid-owner 1337 --gid-owner 10 -j ACCEPT',
    );
  });

  it('Should write the statistic probability with eleven decimals', function () {
    assert.equal(
      filter('-A INPUT -m statistic --mode random --probability 0.5 -j ACCEPT'),
      '-A INPUT -m statistic --mode random --probability 0.50000000000 -j ACCEPT',
    );
    // kube-proxy writes 0.33333333333; the kernel keeps round(p * 2^31) / 2^31.
    assert.equal(
      filter('-A INPUT -m statistic --mode random --probability 0.33333333333 -j ACCEPT'),
      '-A INPUT -m statistic --mode random --probability 0.33333333349 -j ACCEPT',
    );
  });

  it('Should print IPv6 addresses compressed, lower case, with /128', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -s 2001:DB8::1 -d fe80::/ffff:ffff:: -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const formatted = applyTextEdits(text, formatDocument(parseDocument(text)));
    assert.equal(formatted.split('\n')[2], '-A INPUT -s 2001:db8::1/128 -d fe80::/32 -j ACCEPT');
  });
});

describe('formatDocument: the document around the rules', function () {
  it('Should keep comments, blank lines and -N/-I/-P commands in place and only canonicalise each line', function () {
    const text = [
      '# hand-written', // 0
      '*filter', // 1
      '-N CUSTOM', // 2
      '', // 3
      '--insert CUSTOM 1 -p tcp --dport 22 --jump ACCEPT', // 4
      '-P FORWARD DROP', // 5
      'COMMIT', // 6
      '',
    ].join('\n');
    const formatted = applyTextEdits(text, formatDocument(parseDocument(text)));
    assert.equal(
      formatted,
      [
        '# hand-written',
        '*filter',
        '-N CUSTOM',
        '',
        '-I CUSTOM 1 -p tcp -m tcp --dport 22 -j ACCEPT',
        '-P FORWARD DROP',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it("Should normalise Istio's `* mangle` table line and spacing in chain declarations", function () {
    const text = ['* mangle', ':PREROUTING   ACCEPT  [0:0]', 'COMMIT', ''].join('\n');
    const formatted = applyTextEdits(text, formatDocument(parseDocument(text)));
    assert.equal(formatted, ['*mangle', ':PREROUTING ACCEPT [0:0]', 'COMMIT', ''].join('\n'));
  });

  it('Should keep the counter prefix of a rule', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '[5:300] -A INPUT -s 10.0.0.1 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const formatted = applyTextEdits(text, formatDocument(parseDocument(text)));
    assert.equal(formatted.split('\n')[2], '[5:300] -A INPUT -s 10.0.0.1/32 -j ACCEPT');
  });

  it('Should leave a line with an error exactly as written', function () {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -p tcp --bogus 1 -s 10.0.0.1 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(formatDocument(parseDocument(text)), []);
  });

  it('Should return no edits for a document already in canonical form', function () {
    const text = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      ':ISTIO_OUTPUT - [0:0]',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT',
      '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(formatDocument(parseDocument(text)), []);
  });

  it('Should keep CRLF line endings on the lines it rewrites', function () {
    const text = '*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -p 6 -j ACCEPT\r\nCOMMIT\r\n';
    const edits = formatDocument(parseDocument(text));
    const ruleEdit = edits.find((e) => e.range.start.line === 2);
    assert.equal(ruleEdit?.newText, '-A INPUT -p tcp -j ACCEPT');
    assert.equal(ruleEdit?.range.end.character, '-A INPUT -p 6 -j ACCEPT'.length);
  });
});

describe('formatDocument: real iptables-save dumps are already canonical', function () {
  const fixtures = join(__dirname, '..', '..', 'fixtures', 'istio');
  const dumps = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? dumps(join(dir, e.name)) : /-save\.txt$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  for (const file of dumps(fixtures)) {
    it(`Should leave ${file.slice(fixtures.length + 1)} unchanged`, function () {
      assert.deepEqual(formatDocument(parseDocument(readFileSync(file, 'utf8'))), []);
    });
  }
});

describe('applyTextEdits', function () {
  it('Should keep the array order of inserts at the same position, as LSP 3.17 TextEdit[] says', function () {
    const at = { line: 1, character: 0 };
    const result = applyTextEdits('*filter\nCOMMIT\n', [
      { range: { start: at, end: at }, newText: ':INPUT ACCEPT [0:0]\n' },
      { range: { start: at, end: at }, newText: '-A INPUT -j ACCEPT\n' },
    ]);
    assert.equal(result, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
  });
});
