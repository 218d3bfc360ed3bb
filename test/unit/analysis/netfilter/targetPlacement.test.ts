import { strict as assert } from 'assert';
import { columnOf, netfilterFindings, placesOf, relatedLines } from './netfilterTestSupport';

// Every expectation below was observed by loading the same rules with iptables-nft-restore and
// iptables-legacy-restore 1.8.9 in a throw-away network namespace (test/corpus/, expected.json).

describe('netfilter target placement', () => {
  it('Should flag REDIRECT in the filter table on the target name', () => {
    const doc = [
      '*filter', //                                         line 1
      ':INPUT ACCEPT [0:0]', //                             line 2
      '-A INPUT -p tcp -j REDIRECT --to-ports 15001', //    line 3
      'COMMIT', //                                          line 4
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-table@3:${columnOf(doc, 3, 'REDIRECT')}`]);
    assert.equal(findings[0].severity, 'error');
  });

  it('Should flag REDIRECT in a filter user chain that nothing reaches, because tables are checked on every rule', () => {
    const doc = [
      '*filter', //                                          line 1
      ':PARKED - [0:0]', //                                  line 2
      '-A PARKED -p tcp -j REDIRECT --to-ports 15001', //    line 3
      'COMMIT', //                                           line 4
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-table@3:${columnOf(doc, 3, 'REDIRECT')}`,
    ]);
  });

  it('Should flag REDIRECT in a nat chain reached from POSTROUTING and name the jump', () => {
    const doc = [
      '*nat', //                                                  line 1
      ':POSTROUTING ACCEPT [0:0]', //                             line 2
      ':ISTIO_OUTPUT - [0:0]', //                                 line 3
      '-A POSTROUTING -j ISTIO_OUTPUT', //                        line 4
      '-A ISTIO_OUTPUT -p tcp -j REDIRECT --to-ports 15001', //   line 5
      'COMMIT', //                                                line 6
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-hook@5:${columnOf(doc, 5, 'REDIRECT')}`]);
    assert.deepEqual(relatedLines(findings[0]), [4]);
    assert.match(findings[0].message, /POSTROUTING → ISTIO_OUTPUT/);
  });

  it('Should not judge an unreachable nat chain by hooks', () => {
    const doc = [
      '*nat', //                                            line 1
      ':PARKED - [0:0]', //                                 line 2
      '-A PARKED -p tcp -j REDIRECT --to-ports 15001', //   line 3
      '-A PARKED -j SNAT --to-source 10.0.0.1', //          line 4
      'COMMIT', //                                          line 5
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag a chain reached from an allowed and a forbidden hook', () => {
    const doc = [
      '*nat', //                                                 line 1
      ':PREROUTING ACCEPT [0:0]', //                             line 2
      ':POSTROUTING ACCEPT [0:0]', //                            line 3
      ':ISTIO_PRERT - [0:0]', //                                 line 4
      '-A PREROUTING -j ISTIO_PRERT', //                         line 5
      '-A ISTIO_PRERT -p tcp -j REDIRECT --to-ports 15006', //   line 6
      '-A POSTROUTING -j ISTIO_PRERT', //                        line 7
      'COMMIT', //                                               line 8
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-hook@6:${columnOf(doc, 6, 'REDIRECT')}`]);
    // nft blames line 7, the jump that made the chain reachable from POSTROUTING.
    assert.deepEqual(relatedLines(findings[0]), [7]);
  });

  it('Should follow gotos and nested jumps to the rule', () => {
    const doc = [
      '*nat', //                                       line 1
      ':POSTROUTING ACCEPT [0:0]', //                  line 2
      ':A - [0:0]', //                                 line 3
      ':B - [0:0]', //                                 line 4
      '-A POSTROUTING -g A', //                        line 5
      '-A A -j B', //                                  line 6
      '-A B -p tcp -j REDIRECT --to-ports 15001', //   line 7
      'COMMIT', //                                     line 8
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-hook@7:${columnOf(doc, 7, 'REDIRECT')}`]);
    assert.deepEqual(relatedLines(findings[0]), [5, 6]);
  });

  it('Should accept REDIRECT in a chain reached from both nat PREROUTING and OUTPUT', () => {
    const doc = [
      '*nat', //                                          line 1
      ':PREROUTING ACCEPT [0:0]', //                      line 2
      ':OUTPUT ACCEPT [0:0]', //                          line 3
      ':CAPTURE - [0:0]', //                              line 4
      '-A PREROUTING -j CAPTURE', //                      line 5
      '-A OUTPUT -j CAPTURE', //                          line 6
      '-A CAPTURE -p tcp -j REDIRECT --to-ports 15001', //line 7
      'COMMIT', //                                        line 8
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag TPROXY in a mangle chain that OUTPUT also reaches', () => {
    const doc = [
      '*mangle', //                                                                          line 1
      ':PREROUTING ACCEPT [0:0]', //                                                         line 2
      ':OUTPUT ACCEPT [0:0]', //                                                             line 3
      ':ISTIO_PRERT - [0:0]', //                                                             line 4
      '-A PREROUTING -j ISTIO_PRERT', //                                                     line 5
      '-A OUTPUT -j ISTIO_PRERT', //                                                         line 6
      '-A ISTIO_PRERT -p tcp -j TPROXY --on-port 15008 --tproxy-mark 0x111/0xfff', //        line 7
      'COMMIT', //                                                                           line 8
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-hook@7:${columnOf(doc, 7, 'TPROXY')}`]);
    assert.deepEqual(relatedLines(findings[0]), [6]);
  });

  it('Should flag TPROXY in the nat table as a table error', () => {
    const doc = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -p tcp -j TPROXY --on-port 15006',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-table@3:${columnOf(doc, 3, 'TPROXY')}`,
    ]);
  });

  it('Should flag DROP in every nat chain, reachable or not', () => {
    const doc = [
      '*nat', //                     line 1
      ':MYCHAIN - [0:0]', //         line 2
      '-A MYCHAIN -j DROP', //       line 3
      'COMMIT', //                   line 4
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-table@3:${columnOf(doc, 3, 'DROP')}`,
    ]);
  });

  it('Should flag REJECT outside the filter table, even in mangle INPUT', () => {
    const doc = ['*mangle', ':INPUT ACCEPT [0:0]', '-A INPUT -j REJECT', 'COMMIT', ''].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-table@3:${columnOf(doc, 3, 'REJECT')}`,
    ]);
  });

  it('Should flag CT outside the raw table', () => {
    const doc = [
      '*mangle',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -p udp --dport 53 -j CT --zone 1',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-table@3:${columnOf(doc, 3, 'CT')}`,
    ]);
  });

  it('Should report TRACE outside raw as a warning that names iptables-legacy', () => {
    const doc = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j TRACE', 'COMMIT', ''].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-table@3:${columnOf(doc, 3, 'TRACE')}`]);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /iptables-legacy/);
  });

  it('Should flag TCPMSS --clamp-mss-to-pmtu in INPUT on the option but accept --set-mss there', () => {
    const doc = [
      '*mangle', //                                                                     line 1
      ':INPUT ACCEPT [0:0]', //                                                         line 2
      '-A INPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', //       line 3
      '-A INPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400', //            line 4
      'COMMIT', //                                                                      line 5
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.target-wrong-hook@3:${columnOf(doc, 3, '--clamp-mss-to-pmtu')}`,
    ]);
  });

  it('Should accept CLASSIFY and TEE in the filter table', () => {
    const doc = [
      '*filter',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -j CLASSIFY --set-class 1:1',
      '-A OUTPUT -j TEE --gateway 127.0.0.2',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });
});

describe('netfilter target placement across deletions', () => {
  it('Should still flag a misplaced builtin-chain rule that a later -D removes (nft validates it on add)', () => {
    const doc = [
      '*nat', //                                                  line 1
      ':POSTROUTING ACCEPT [0:0]', //                             line 2
      '-A POSTROUTING -p tcp -j REDIRECT --to-ports 15001', //    line 3
      '-D POSTROUTING -p tcp -j REDIRECT --to-ports 15001', //    line 4
      'COMMIT', //                                                line 5
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.target-wrong-hook@3:${columnOf(doc, 3, 'REDIRECT')}`]);
    assert.match(findings[0].message, /iptables-legacy accepts/);
  });

  it('Should judge user chains by the rule set left at COMMIT', () => {
    const doc = [
      '*nat', //                                        line 1
      ':POSTROUTING ACCEPT [0:0]', //                   line 2
      ':X - [0:0]', //                                  line 3
      '-A POSTROUTING -j X', //                         line 4
      '-A X -p tcp -j REDIRECT --to-ports 15001', //    line 5
      '-F POSTROUTING', //                              line 6
      'COMMIT', //                                      line 7
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });
});

describe('netfilter target option placement through user chains', () => {
  it('Should warn, naming iptables-legacy, about --clamp-mss-to-pmtu in a chain reached from INPUT', () => {
    const doc = [
      '*mangle', //                                                                          line 1
      ':INPUT ACCEPT [0:0]', //                                                              line 2
      ':CLAMP - [0:0]', //                                                                   line 3
      '-A INPUT -j CLAMP', //                                                                line 4
      '-A CLAMP -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', //     line 5
      'COMMIT', //                                                                           line 6
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [
      `netfilter.target-wrong-hook@5:${columnOf(doc, 5, '--clamp-mss-to-pmtu')}`,
    ]);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /iptables-legacy refuses/);
  });
});
