import { strict as assert } from 'assert';
import { columnOf, netfilterFindings, placesOf, relatedLines } from './netfilterTestSupport';

// Expectations observed with iptables-nft-restore and iptables-legacy-restore 1.8.9 in a network
// namespace (test/corpus/invalid/socket-*, owner-*, addrtype-*, rpfilter-*).

describe('netfilter match placement', () => {
  it('Should flag -m socket in mangle OUTPUT on the module name', () => {
    const doc = [
      '*mangle',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -m socket --transparent -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.match-wrong-hook@3:${columnOf(doc, 3, 'socket')}`]);
    assert.equal(findings[0].severity, 'error');
  });

  it('Should accept -m socket in PREROUTING and INPUT, directly and through a shared chain', () => {
    const doc = [
      '*mangle', //                                line 1
      ':PREROUTING ACCEPT [0:0]', //               line 2
      ':INPUT ACCEPT [0:0]', //                    line 3
      ':IN_CHECKS - [0:0]', //                     line 4
      '-A PREROUTING -j IN_CHECKS', //             line 5
      '-A INPUT -j IN_CHECKS', //                  line 6
      '-A IN_CHECKS -m socket -j ACCEPT', //       line 7
      '-A PREROUTING -p tcp -m socket --transparent -j MARK --set-xmark 0x1/0x1', // line 8
      'COMMIT', //                                 line 9
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag -m owner in a user chain reached from INPUT and point at the jump', () => {
    const doc = [
      '*filter', //                                              line 1
      ':INPUT ACCEPT [0:0]', //                                  line 2
      ':MYCHAIN - [0:0]', //                                     line 3
      '-A MYCHAIN -m owner --gid-owner 0 -j ACCEPT', //          line 4
      '-A INPUT -j MYCHAIN', //                                  line 5
      'COMMIT', //                                               line 6
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.match-wrong-hook@4:${columnOf(doc, 4, 'owner')}`]);
    assert.deepEqual(relatedLines(findings[0]), [5]);
  });

  it('Should accept -m owner in OUTPUT and POSTROUTING', () => {
    const doc = [
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      '-A OUTPUT -m owner --uid-owner 1337 -j RETURN',
      '-A POSTROUTING -m owner --socket-exists -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag addrtype --limit-iface-in in OUTPUT on the option', () => {
    const doc = [
      '*filter',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.match-wrong-hook@3:${columnOf(doc, 3, '--limit-iface-in')}`,
    ]);
  });

  it('Should flag rpfilter in the nat table as a table error', () => {
    const doc = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -m rpfilter -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.match-wrong-table@3:${columnOf(doc, 3, 'rpfilter')}`,
    ]);
  });

  it('Should flag -m mac on the output path', () => {
    const doc = [
      '*filter',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.match-wrong-hook@3:${columnOf(doc, 3, 'mac')}`,
    ]);
  });
});

describe('netfilter match placement by option value', () => {
  it('Should flag policy --dir in on the output path and accept --dir out there', () => {
    const doc = [
      '*filter', //                                                   line 1
      ':OUTPUT ACCEPT [0:0]', //                                      line 2
      '-A OUTPUT -m policy --dir in --pol none -j ACCEPT', //         line 3
      '-A OUTPUT -m policy --dir out --pol none -j ACCEPT', //        line 4
      'COMMIT', //                                                    line 5
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.match-wrong-hook@3:${columnOf(doc, 3, '--dir')}`,
    ]);
  });
});

describe('netfilter option-level placement through user chains', () => {
  it('Should warn, naming iptables-legacy, about --limit-iface-in in a chain reached from OUTPUT', () => {
    const doc = [
      '*filter', //                                                                line 1
      ':OUTPUT ACCEPT [0:0]', //                                                   line 2
      ':LOCALCHK - [0:0]', //                                                      line 3
      '-A OUTPUT -j LOCALCHK', //                                                  line 4
      '-A LOCALCHK -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT', //    line 5
      'COMMIT', //                                                                 line 6
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [
      `netfilter.match-wrong-hook@5:${columnOf(doc, 5, '--limit-iface-in')}`,
    ]);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /iptables-legacy refuses/);
    assert.deepEqual(relatedLines(findings[0]), [4]);
  });

  it('Should keep -m socket through a user chain an error, as both backends refuse it', () => {
    const doc = [
      '*mangle', //                           line 1
      ':OUTPUT ACCEPT [0:0]', //              line 2
      ':U - [0:0]', //                        line 3
      '-A OUTPUT -j U', //                    line 4
      '-A U -m socket -j ACCEPT', //          line 5
      'COMMIT', //                            line 6
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.match-wrong-hook@5:${columnOf(doc, 5, 'socket')}`]);
    assert.equal(findings[0].severity, 'error');
  });
});
