import { strict as assert } from 'node:assert';
import type { Finding } from '../../../../server/src/analysis/findings';
import {
  applyFirstFix,
  describeFindings,
  istioFindings,
  listFixtures,
  readFixture,
} from './istioTestSupport';

/**
 * Sidecar order constraints (istio-ambient.md §9; order from istio/istio
 * tools/istio-iptables/pkg/capture/run.go). Documents are the CNI plugin's default sidecar rules as
 * iptables-nft-save 1.8.9 prints them (test/fixtures/istio/sidecar/rendered/), with two rules of one chain
 * swapped. The finding sits on the rule that comes too early; its fix must give back the original text.
 * Line numbers in comments are 0-based, as in LSP.
 */

const basic = [
  '*nat', // 0
  ':PREROUTING ACCEPT [0:0]', // 1
  ':OUTPUT ACCEPT [0:0]', // 2
  ':ISTIO_INBOUND - [0:0]', // 3
  ':ISTIO_IN_REDIRECT - [0:0]', // 4
  ':ISTIO_OUTPUT - [0:0]', // 5
  ':ISTIO_REDIRECT - [0:0]', // 6
  '-A PREROUTING -p tcp -j ISTIO_INBOUND', // 7
  '-A OUTPUT -j ISTIO_OUTPUT', // 8
  '-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN', // 9  HBONE
  '-A ISTIO_INBOUND -p tcp -m tcp --dport 15020 -j RETURN', // 10
  '-A ISTIO_INBOUND -p tcp -m tcp --dport 15021 -j RETURN', // 11
  '-A ISTIO_INBOUND -p tcp -m tcp --dport 15090 -j RETURN', // 12
  '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT', // 13 inbound catch-all
  '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006', // 14
  '-A ISTIO_OUTPUT -p tcp -m tcp --dport 15020 -j RETURN', // 15
  '-A ISTIO_OUTPUT -p udp -m udp --dport 15020 -j RETURN', // 16
  '-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN', // 17 passthrough
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT', // 18
  '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN', // 19
  '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN', // 20
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT', // 21
  '-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner 1337 -j RETURN', // 22
  '-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN', // 23
  '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN', // 24 loopback
  '-A ISTIO_OUTPUT -j ISTIO_REDIRECT', // 25 outbound catch-all
  '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001', // 26
  'COMMIT', // 27
];

/** The DNS-capture variant of ISTIO_OUTPUT (CNI plugin dns.txt.golden), other chains left out. */
const dns = [
  '*nat', // 0
  ':OUTPUT ACCEPT [0:0]', // 1
  ':ISTIO_OUTPUT - [0:0]', // 2
  ':ISTIO_OUTPUT_DNS - [0:0]', // 3
  ':ISTIO_REDIRECT - [0:0]', // 4
  '-A OUTPUT -j ISTIO_OUTPUT', // 5
  '-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN', // 6
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m multiport ! --dports 53,15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT', // 7
  '-A ISTIO_OUTPUT -o lo -p tcp -m tcp ! --dport 53 -m owner ! --uid-owner 1337 -j RETURN', // 8
  '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN', // 9
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT', // 10
  '-A ISTIO_OUTPUT -o lo -p tcp -m tcp ! --dport 53 -m owner ! --gid-owner 1337 -j RETURN', // 11
  '-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN', // 12
  '-A ISTIO_OUTPUT -j ISTIO_OUTPUT_DNS', // 13
  '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN', // 14
  '-A ISTIO_OUTPUT -j ISTIO_REDIRECT', // 15
  '-A ISTIO_OUTPUT_DNS -p tcp -m tcp --dport 53 -j REDIRECT --to-ports 15053', // 16
  '-A ISTIO_OUTPUT_DNS -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053', // 17
  '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001', // 18
  'COMMIT', // 19
];

/** Two proxy uids, as istio-iptables writes them for `-u 3,4` (ipv6-uid-gid.golden), IPv6. */
const twoUids = [
  '*nat', // 0
  ':OUTPUT ACCEPT [0:0]', // 1
  ':ISTIO_OUTPUT - [0:0]', // 2
  ':ISTIO_REDIRECT - [0:0]', // 3
  '-A OUTPUT -j ISTIO_OUTPUT', // 4
  '-A ISTIO_OUTPUT -s ::6/128 -o lo -j RETURN', // 5
  '-A ISTIO_OUTPUT ! -d ::1/128 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 3 -j ISTIO_IN_REDIRECT', // 6
  '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 3 -j RETURN', // 7
  '-A ISTIO_OUTPUT -m owner --uid-owner 3 -j RETURN', // 8
  '-A ISTIO_OUTPUT ! -d ::1/128 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 4 -j ISTIO_IN_REDIRECT', // 9
  '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 4 -j RETURN', // 10
  '-A ISTIO_OUTPUT -m owner --uid-owner 4 -j RETURN', // 11
  '-A ISTIO_OUTPUT -d ::1/128 -j RETURN', // 12
  '-A ISTIO_OUTPUT -j ISTIO_REDIRECT', // 13
  '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001', // 14
  'COMMIT', // 15
];

const doc = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
const swapped = (lines: readonly string[], a: number, b: number): string =>
  doc(lines.map((l, i) => (i === a ? lines[b]! : i === b ? lines[a]! : l)));

function misordered(text: string): Finding[] {
  return istioFindings(text).filter((f) => f.code === 'istio.misordered-rule');
}

/** The single misordered-rule finding on a line; its fix must restore the original document. */
function assertFlaggedAndRestored(original: readonly string[], a: number, b: number, line: number): Finding {
  const text = swapped(original, a, b);
  const all = misordered(text);
  const onLine = all.filter((f) => f.span.line === line);
  assert.equal(onLine.length, 1, `expected a finding on line ${line}:\n${describeFindings(all)}`);
  const f = onLine[0]!;
  assert.equal(applyFirstFix(text, f), doc(original));
  return f;
}

describe('Sidecar order constraints (istio.misordered-rule)', () => {
  for (const file of listFixtures('sidecar/rendered')) {
    it(`Should report no misordered rule at any severity on ${file}`, () => {
      const found = misordered(readFixture(file));
      assert.deepEqual(found, [], describeFindings(found));
    });
  }

  it('Should report nothing on the inline documents as istio-iptables orders them, two proxy uids included', () => {
    for (const lines of [basic, dns, twoUids]) assert.deepEqual(misordered(doc(lines)), []);
  });

  it('Should flag the uid 1337 lo → ISTIO_IN_REDIRECT rule moved above the 127.0.0.6 passthrough RETURN', () => {
    const f = assertFlaggedAndRestored(basic, 17, 18, 17);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /passthrough.*15006 and loop/);
  });

  it('Should flag the gid 1337 lo → ISTIO_IN_REDIRECT rule moved above the 127.0.0.6 passthrough RETURN', () => {
    const f = assertFlaggedAndRestored(basic, 17, 21, 17);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /gid 1337/);
  });

  it('Should flag the uid 1337 RETURN moved above its lo → ISTIO_IN_REDIRECT rule (VIP calls skip inbound)', () => {
    const f = assertFlaggedAndRestored(basic, 18, 20, 18);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /service VIP skip Envoy's inbound side/);
  });

  it('Should flag the gid 1337 RETURN moved above its lo → ISTIO_IN_REDIRECT rule', () => {
    const f = assertFlaggedAndRestored(basic, 21, 23, 21);
    assert.equal(f.severity, 'error');
  });

  it('Should note (information) the 127.0.0.1 RETURN moved above the gid rules, which changes no packet', () => {
    const f = assertFlaggedAndRestored(basic, 23, 24, 23);
    assert.equal(f.severity, 'information');
  });

  it('Should note (information) a gid rule moved above a uid rule', () => {
    const f = assertFlaggedAndRestored(basic, 20, 21, 20);
    assert.equal(f.severity, 'information');
  });

  it('Should flag the catch-all jump to ISTIO_REDIRECT moved above the 127.0.0.1 RETURN', () => {
    const f = assertFlaggedAndRestored(basic, 24, 25, 24);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /127\.0\.0\.1.*15001/);
  });

  it("Should flag the catch-all jump moved above the gid 1337 RETURN as an error: Envoy's traffic loops", () => {
    const f = assertFlaggedAndRestored(basic, 23, 25, 23);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /Envoy's own traffic loops into 15001/);
  });

  it('Should flag the inbound catch-all moved above the 15090 exclusion RETURN', () => {
    const f = assertFlaggedAndRestored(basic, 12, 13, 12);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /excluded from capture/);
  });

  it('Should flag the inbound catch-all moved above the HBONE 15008 RETURN', () => {
    const f = assertFlaggedAndRestored(basic, 9, 13, 9);
    assert.match(f.message, /HBONE \(15008\)/);
  });

  it('Should flag the DNS jump moved above the gid 1337 RETURN: the agent would capture its own queries', () => {
    const f = assertFlaggedAndRestored(dns, 12, 13, 12);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /DNS proxy 15053 and loop/);
  });

  it('Should flag the 127.0.0.1 RETURN moved above the DNS jump: a local resolver escapes the DNS proxy', () => {
    const f = assertFlaggedAndRestored(dns, 13, 14, 13);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /resolver on 127\.0\.0\.1/);
  });

  it('Should flag a swap inside one uid triple and restore the order of both triples', () => {
    const f = assertFlaggedAndRestored(twoUids, 9, 11, 9);
    assert.match(f.message, /uid 4/);
  });

  it('Should flag the uid 1337 lo → ISTIO_IN_REDIRECT rule moved above an outbound port exclusion (run.go)', () => {
    const f = assertFlaggedAndRestored(basic, 15, 18, 15);
    assert.match(f.message, /excluded port are redirected into its inbound listener 15006/);
  });

  it('Should restore the original text with the fix of every flagged swap of two rules of one chain', () => {
    for (const file of listFixtures('sidecar/rendered')) {
      const original = readFixture(file).split('\n');
      const rules = original.flatMap((l, i) => (l.startsWith('-A ') ? [i] : []));
      const tableOf = (line: number): string =>
        original
          .slice(0, line)
          .reverse()
          .find((l) => l.startsWith('*')) ?? '';
      const chainOf = (line: number): string => `${tableOf(line)} ${original[line]!.split(' ')[1]}`;
      let flagged = 0;
      for (const a of rules) {
        for (const b of rules) {
          if (a >= b || chainOf(a) !== chainOf(b)) continue;
          const text = swapped(original, a, b).slice(0, -1);
          const found = misordered(text);
          if (found.length === 0) continue;
          flagged++;
          assert.equal(applyFirstFix(text, found[0]!), original.join('\n'), `${file}: swap ${a}/${b}`);
        }
      }
      assert.ok(flagged > 0, `${file}: no swap flagged`);
    }
  });

  it('Should flag the IPv6 passthrough RETURN (::6) placed after the uid 3 lo → ISTIO_IN_REDIRECT rule', () => {
    assertFlaggedAndRestored(twoUids, 5, 6, 5);
  });
});
