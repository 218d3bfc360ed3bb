import { strict as assert } from 'node:assert';
import { applyFirstFix, describeFindings, istioFindings } from './istioTestSupport';

/**
 * One inline document per istio.* code. Documents are built from Istio's current IPv4 in-pod rule set
 * (istio-ambient.md §3, as iptables-save prints it), changed in one place. Line numbers in comments are
 * 0-based, as in LSP.
 */

const mangle = [
  '*mangle', // 0
  ':PREROUTING ACCEPT [0:0]', // 1
  ':INPUT ACCEPT [0:0]', // 2
  ':FORWARD ACCEPT [0:0]', // 3
  ':OUTPUT ACCEPT [0:0]', // 4
  ':POSTROUTING ACCEPT [0:0]', // 5
  ':ISTIO_OUTPUT - [0:0]', // 6
  ':ISTIO_PRERT - [0:0]', // 7
  '-A PREROUTING -j ISTIO_PRERT', // 8  M1
  '-A OUTPUT -j ISTIO_OUTPUT', // 9  M2
  '-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', // 10 M4
  '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff', // 11 M3
  'COMMIT', // 12
];
const nat = [
  '*nat', // 13
  ':PREROUTING ACCEPT [0:0]', // 14
  ':INPUT ACCEPT [0:0]', // 15
  ':OUTPUT ACCEPT [0:0]', // 16
  ':POSTROUTING ACCEPT [0:0]', // 17
  ':ISTIO_OUTPUT - [0:0]', // 18
  ':ISTIO_PRERT - [0:0]', // 19
  '-A PREROUTING -j ISTIO_PRERT', // 20 N1
  '-A OUTPUT -j ISTIO_OUTPUT', // 21 N2
  '-A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 22 N7
  '-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT', // 23 N10
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -j ACCEPT', // 24 N11
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001', // 25 N12
  '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 26 N5
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006', // 27 N6
  'COMMIT', // 28
];
/** Istio 1.25+ IPv4 in-pod rules with DNS capture off (dns_pod_disabled_and_on_globally), 29 lines + final newline. */
const base = [...mangle, ...nat];
const doc = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
const withLine = (line: number, text: string): string[] => base.map((l, i) => (i === line ? text : l));
const without = (...lines: number[]): string[] => base.filter((_, i) => !lines.includes(i));
const insertAt = (line: number, ...texts: string[]): string[] => [
  ...base.slice(0, line),
  ...texts,
  ...base.slice(line),
];

function only(text: string, code: string) {
  const hits = istioFindings(text).filter((f) => f.code === code);
  assert.equal(hits.length, 1, `expected one ${code}:\n${describeFindings(istioFindings(text))}`);
  return hits[0]!;
}

describe('istio.* diagnostics on inline documents', () => {
  it('Should report only the DNS-off information on the unchanged 1.25+ DNS-off rule set', () => {
    const findings = istioFindings(doc(base));
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, f.span.line]),
      [['istio.dns-capture-off', 'information', 13]],
      describeFindings(findings),
    );
  });

  it('Should flag a missing N6 as an error on N5 and insert it after N5', () => {
    const text = doc(without(27));
    const f = only(text, 'istio.missing-rule');
    assert.equal(f.severity, 'error');
    assert.equal(f.span.line, 26);
    assert.match(f.message, /inbound plaintext traffic bypasses ztunnel: no policy, no telemetry/);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag a missing N5 as a warning on N6', () => {
    const f = only(doc(without(26)), 'istio.missing-rule');
    assert.equal(f.severity, 'warning');
    assert.equal(f.span.line, 26);
  });

  it('Should flag a missing nat OUTPUT jump (N2) as istio.missing-jump', () => {
    const text = doc(without(21));
    const f = only(text, 'istio.missing-jump');
    assert.equal(f.severity, 'error');
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag a mangle table without Istio chains as istio.missing-chain', () => {
    const emptyMangle = ['*mangle', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT'];
    const f = only(doc([...emptyMangle, ...nat]), 'istio.missing-chain');
    assert.equal(f.span.line, 0);
  });

  it('Should take a dump of the nat table alone as partial (iptables-save -t nat), not as missing rules', () => {
    const findings = istioFindings(doc(nat)).filter(
      (f) => f.severity === 'error' || f.severity === 'warning',
    );
    assert.deepEqual(findings, [], describeFindings(findings));
  });

  it('Should flag R3 without R4 as istio.missing-pair-half and insert R4', () => {
    const raw = [
      '*raw',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':ISTIO_OUTPUT - [0:0]',
      ':ISTIO_PRERT - [0:0]',
      '-A PREROUTING -j ISTIO_PRERT',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_OUTPUT -p udp -m mark --mark 0x539/0xfff -m udp --dport 53 -j CT --zone 1',
      'COMMIT',
    ];
    const text = doc([...base, ...raw]);
    const f = only(text, 'istio.missing-pair-half');
    assert.equal(f.severity, 'error');
    assert.ok(
      applyFirstFix(text, f)?.includes(
        '-A ISTIO_PRERT -p udp -m mark ! --mark 0x539/0xfff -m udp --sport 53 -j CT --zone 1\nCOMMIT',
      ),
    );
  });

  it('Should warn about an ingress-mode pod without M3 (the 1.24–1.28 bug) on the empty ISTIO_PRERT', () => {
    const text = doc(without(11, 26, 27));
    const f = only(text, 'istio.ingress-missing-connmark');
    assert.equal(f.severity, 'warning');
    assert.equal(f.span.line, 7);
    assert.equal(applyFirstFix(text, f), doc(without(26, 27)));
  });

  it('Should flag REDIRECT 15001 placed before the lo ACCEPT (N12 before N11)', () => {
    const lines = [...base];
    [lines[24], lines[25]] = [lines[25]!, lines[24]!];
    const text = doc(lines);
    const f = only(text, 'istio.misordered-rule');
    assert.equal(f.span.line, 24);
    assert.equal(f.severity, 'warning');
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag the inbound REDIRECT placed before the probe ACCEPT (N6 before N5) as an error', () => {
    const lines = [...base];
    [lines[26], lines[27]] = [lines[27]!, lines[26]!];
    const f = only(doc(lines), 'istio.misordered-rule');
    assert.equal(f.severity, 'error');
    assert.equal(f.span.line, 26);
  });

  it('Should flag a ztunnel mark that differs from the rest of the file', () => {
    const text = doc(withLine(25, base[25]!.replace('0x539/0xfff', '0x538/0xfff')));
    const f = only(text, 'istio.wrong-mark');
    assert.equal(f.span.line, 25);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag a ztunnel mark matched without its mask', () => {
    const text = doc(withLine(25, base[25]!.replace('0x539/0xfff', '0x539')));
    const f = only(text, 'istio.mark-without-mask');
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should accept a non-default ztunnel mark used consistently, with an information', () => {
    const text = doc(base.map((l) => l.replace(/0x539\/0xfff/g, '0x540/0xfff')));
    const findings = istioFindings(text);
    assert.deepEqual(
      findings.filter((f) => f.severity !== 'information'),
      [],
      describeFindings(findings),
    );
    assert.equal(findings.filter((f) => f.code === 'istio.nondefault-value').length, 1);
  });

  it('Should flag a REDIRECT to a port where ztunnel does not listen', () => {
    const text = doc(withLine(27, base[27]!.replace('--to-ports 15006', '--to-ports 15007')));
    const f = only(text, 'istio.wrong-port');
    assert.match(f.message, /15007, which is not one of ztunnel's/);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag inbound capture without ! --dport 15008', () => {
    const text = doc(withLine(27, base[27]!.replace(' -m tcp ! --dport 15008', '')));
    const f = only(text, 'istio.missing-hbone-exclusion');
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag an Istio rule with an added option as istio.rule-altered', () => {
    const text = doc(withLine(24, '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -j ACCEPT'));
    const f = only(text, 'istio.rule-altered');
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag a foreign ACCEPT before the nat OUTPUT jump', () => {
    const text = doc(insertAt(21, '-A OUTPUT -p tcp -j ACCEPT'));
    const f = only(text, 'istio.bypassed-by-foreign-rule');
    assert.equal(f.span.line, 21);
    assert.match(f.message, /outbound traffic bypasses ztunnel/);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should not flag a foreign rule before the jump when their traffic is disjoint (-o lo vs ! -o lo)', () => {
    const lines = base.map((l) =>
      l === '-A OUTPUT -j ISTIO_OUTPUT' ? '-A OUTPUT ! -o lo -j ISTIO_OUTPUT' : l,
    );
    const text = doc([...lines.slice(0, 21), '-A OUTPUT -o lo -j ACCEPT', ...lines.slice(21)]);
    assert.equal(istioFindings(text).filter((f) => f.code === 'istio.bypassed-by-foreign-rule').length, 0);
  });

  it("Should flag a foreign RETURN inside ISTIO_OUTPUT that shadows Istio's rules", () => {
    const text = doc(insertAt(22, '-A ISTIO_OUTPUT -p tcp -j RETURN'));
    const f = only(text, 'istio.foreign-rule-in-istio-chain');
    assert.equal(f.severity, 'warning');
    assert.equal(f.span.line, 22);
  });

  it('Should flag the reconcile guardrails in filter and delete them with the fix', () => {
    const filter = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A INPUT -p tcp -j DROP', // 33
      '-A INPUT -p udp -j DROP',
      '-A FORWARD -p tcp -j DROP',
      '-A FORWARD -p udp -j DROP',
      '-A OUTPUT -p tcp -j DROP',
      '-A OUTPUT -p udp -j DROP',
      'COMMIT',
    ];
    const text = doc([...base, ...filter]);
    const hits = istioFindings(text).filter((f) => f.code === 'istio.reconcile-guardrail');
    assert.deepEqual(
      hits.map((f) => f.span.line),
      [33, 34, 35, 36, 37, 38],
    );
    assert.equal(hits[0]?.fixes?.[0]?.fixAllKey, 'istio.delete-guardrail');
    assert.equal(applyFirstFix(text, hits[0]!), doc([...base, ...filter.filter((_, i) => i !== 4)]));
  });

  it('Should not flag a plain firewall DROP as a guardrail in a file without Istio rules', () => {
    const text = doc(['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -j DROP', 'COMMIT']);
    assert.equal(istioFindings(text).length, 0);
  });

  it('Should flag sidecar chains in an ambient pod', () => {
    const text = doc(insertAt(20, ':ISTIO_INBOUND - [0:0]'));
    const f = only(text, 'istio.sidecar-chains-in-ambient-pod');
    assert.equal(f.span.line, 20);
  });

  it('Should flag a TPROXY rule next to REDIRECT inbound capture as mixed generations', () => {
    const text = doc(
      insertAt(
        12,
        '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff',
      ),
    );
    const f = only(text, 'istio.mixed-generations');
    assert.equal(f.span.line, 12);
  });

  it('Should flag a duplicated Istio rule and delete it with the fix', () => {
    const text = doc(insertAt(25, base[24]!));
    const f = only(text, 'istio.duplicate-rule');
    assert.equal(f.span.line, 25);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it('Should flag ztunnel-* chains as the pre-1.21 layout', () => {
    const f = only(
      doc(['*nat', ':PREROUTING ACCEPT [0:0]', ':ztunnel-PREROUTING - [0:0]', 'COMMIT']),
      'istio.pre-inpod-layout',
    );
    assert.equal(f.span.line, 2);
  });

  it('Should inform about TPROXY-generation inbound capture', () => {
    const text = doc([
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':ISTIO_OUTPUT - [0:0]',
      ':ISTIO_PRERT - [0:0]',
      '-A PREROUTING -j ISTIO_PRERT',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff',
      '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 9
      '-A ISTIO_PRERT ! -d 127.0.0.1/32 -i lo -p tcp -j ACCEPT',
      '-A ISTIO_PRERT -p tcp -m tcp --dport 15008 -m mark ! --mark 0x539/0xfff -j TPROXY --on-port 15008 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff',
      '-A ISTIO_PRERT -p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff',
      'COMMIT',
      ...nat.filter(
        (l) =>
          !l.startsWith('-A PREROUTING') && !l.startsWith('-A ISTIO_PRERT') && l !== ':ISTIO_PRERT - [0:0]',
      ),
    ]);
    const findings = istioFindings(text);
    const f = only(text, 'istio.tproxy-generation');
    assert.equal(f.span.line, 9);
    assert.deepEqual(
      findings.filter((x) => x.severity === 'error' || x.severity === 'warning'),
      [],
      describeFindings(findings),
    );
  });

  it('Should inform that an empty dump may mean native nftables', () => {
    const f = only(
      doc(['# Generated by iptables-nft-save v1.8.9 (nf_tables) on Sat Nov 28 11:30:12 2026']),
      'istio.empty-dump',
    );
    assert.equal(f.severity, 'information');
  });

  it('Should flag the host jump when another POSTROUTING rule comes first, and move it to the top', () => {
    const host = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      ':ISTIO_POSTRT - [0:0]',
      '-A POSTROUTING -j MASQUERADE', // 3
      '-A POSTROUTING -j ISTIO_POSTRT', // 4
      '-A ISTIO_POSTRT -p tcp -m owner --socket-exists -m set --match-set istio-inpod-probes-v4 dst -j SNAT --to-source 169.254.7.127',
      'COMMIT',
    ];
    const text = doc(host);
    const f = only(text, 'istio.misordered-rule');
    assert.equal(f.span.line, 4);
    assert.equal(
      applyFirstFix(text, f),
      doc([host[0]!, host[1]!, host[2]!, host[4]!, host[3]!, host[5]!, host[6]!]),
    );
  });

  it('Should flag a virtual-interface RETURN placed before its REDIRECT as an error', () => {
    const text = doc(
      insertAt(
        26,
        '-A ISTIO_PRERT -i net1 -p tcp -j RETURN', // 26
        '-A ISTIO_PRERT -i net1 -p tcp -j REDIRECT --to-ports 15001', // 27
      ),
    );
    const f = only(text, 'istio.misordered-rule');
    assert.equal(f.severity, 'error');
    assert.equal(f.span.line, 26);
    assert.match(f.message, /bypasses ztunnel entirely/);
  });

  it('Should flag the 15006 TPROXY placed before the 15008 TPROXY (TPROXY generation)', () => {
    const text = doc([
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':ISTIO_OUTPUT - [0:0]',
      ':ISTIO_PRERT - [0:0]',
      '-A PREROUTING -j ISTIO_PRERT',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff',
      '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT',
      '-A ISTIO_PRERT ! -d 127.0.0.1/32 -i lo -p tcp -j ACCEPT',
      '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff', // 11
      '-A ISTIO_PRERT -p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A ISTIO_PRERT -p tcp -m tcp --dport 15008 -m mark ! --mark 0x539/0xfff -j TPROXY --on-port 15008 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff',
      'COMMIT',
    ]);
    const f = only(text, 'istio.misordered-rule');
    assert.equal(f.span.line, 11);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /HBONE/);
  });

  it('Should flag a sidecar catch-all jump placed before the port-exclusion RETURNs', () => {
    const text = doc([
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':ISTIO_INBOUND - [0:0]',
      ':ISTIO_IN_REDIRECT - [0:0]',
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
      '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT', // 5
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
      'COMMIT',
    ]);
    const f = only(text, 'istio.misordered-rule');
    assert.equal(f.span.line, 5);
    const fixed = applyFirstFix(text, f);
    assert.ok(
      fixed?.includes(
        '-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN\n-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT\n',
      ),
    );
  });

  it('Should flag a probe address that differs from the rest of the rule set', () => {
    const text = doc(withLine(22, base[22]!.replace('169.254.7.127/32', '169.254.7.128/32')));
    const f = only(text, 'istio.rule-altered');
    assert.equal(f.span.line, 22);
    assert.equal(applyFirstFix(text, f), doc(base));
  });

  it("Should flag a missing host jump on the POSTROUTING header and insert it before ISTIO_POSTRT's rule", () => {
    const host = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]', // 1
      ':ISTIO_POSTRT - [0:0]',
      '-A POSTROUTING -j ISTIO_POSTRT', // 3
      '-A ISTIO_POSTRT -p tcp -m owner --socket-exists -m set --match-set istio-inpod-probes-v4 dst -j SNAT --to-source 169.254.7.127',
      'COMMIT',
    ];
    const text = doc(host.filter((_, i) => i !== 3));
    const f = only(text, 'istio.missing-jump');
    assert.equal(f.span.line, 1);
    assert.equal(applyFirstFix(text, f), doc(host));
  });

  it('Should insert a missing host jump first in POSTROUTING, ahead of other rules', () => {
    const host = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      ':ISTIO_POSTRT - [0:0]',
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING', // 3
      '-A ISTIO_POSTRT -p tcp -m owner --socket-exists -m set --match-set istio-inpod-probes-v4 dst -j SNAT --to-source 169.254.7.127',
      'COMMIT',
    ];
    const text = doc(host);
    const f = only(text, 'istio.missing-jump');
    assert.equal(f.span.line, 3);
    assert.equal(
      applyFirstFix(text, f),
      doc([...host.slice(0, 3), '-A POSTROUTING -j ISTIO_POSTRT', ...host.slice(3)]),
    );
  });
});
