import { strict as assert } from 'assert';
import { columnOf, netfilterFindings, placesOf } from './netfilterTestSupport';

// The kernel modules check the -p of the rule carrying the target (observed on both backends,
// test/corpus/invalid/tproxy-*, tcpmss-*, synproxy-*, reject-tcp-reset-without-tcp).

describe('netfilter target protocol requirements', () => {
  it('Should flag TPROXY without -p', () => {
    const doc = [
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -j TPROXY --on-port 15006',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-needs-protocol@3:${columnOf(doc, 3, 'TPROXY')}`,
    ]);
  });

  it('Should flag TPROXY with a negated protocol', () => {
    const doc = [
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING ! -p tcp -j TPROXY --on-port 15006',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-needs-protocol@3:${columnOf(doc, 3, 'TPROXY')}`,
    ]);
  });

  it('Should not count the -p of the calling rule', () => {
    const doc = [
      '*mangle', //                                   line 1
      ':PREROUTING ACCEPT [0:0]', //                  line 2
      ':CAPTURE - [0:0]', //                          line 3
      '-A PREROUTING -p tcp -j CAPTURE', //           line 4
      '-A CAPTURE -j TPROXY --on-port 15006', //      line 5
      'COMMIT', //                                    line 6
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-needs-protocol@5:${columnOf(doc, 5, 'TPROXY')}`,
    ]);
  });

  it('Should accept TPROXY with -p udp', () => {
    const doc = [
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -p udp -j TPROXY --on-port 15053',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag --reject-with tcp-reset without -p tcp on the option', () => {
    const doc = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -j REJECT --reject-with tcp-reset',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-needs-protocol@3:${columnOf(doc, 3, '--reject-with')}`,
    ]);
  });

  it('Should flag TCPMSS without -p tcp', () => {
    const doc = [
      '*mangle',
      ':FORWARD ACCEPT [0:0]',
      '-A FORWARD -j TCPMSS --set-mss 1400',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-needs-protocol@3:${columnOf(doc, 3, 'TCPMSS')}`,
    ]);
  });

  it('Should warn, naming iptables-legacy, about TCPMSS without a SYN match', () => {
    const doc = [
      '*mangle',
      ':FORWARD ACCEPT [0:0]',
      '-A FORWARD -p tcp -j TCPMSS --set-mss 1400',
      'COMMIT',
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [
      `netfilter.tcpmss-needs-syn-match@3:${columnOf(doc, 3, 'TCPMSS')}`,
    ]);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /iptables-legacy/);
  });

  it('Should accept TCPMSS with --syn or a SYN --tcp-flags match', () => {
    const doc = [
      '*mangle',
      ':FORWARD ACCEPT [0:0]',
      '-A FORWARD -p tcp --syn -j TCPMSS --set-mss 1400',
      '-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });
});
