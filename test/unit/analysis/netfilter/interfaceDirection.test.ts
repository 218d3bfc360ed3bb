import { strict as assert } from 'assert';
import { columnOf, netfilterFindings, placesOf } from './netfilterTestSupport';

// iptables refuses "-i" on OUTPUT/POSTROUTING and "-o" on PREROUTING/INPUT by chain name
// ("Can't use -i with OUTPUT", both backends, 1.8.9); in user chains it accepts them.

describe('netfilter interface direction', () => {
  it('Should flag -i in OUTPUT on the option', () => {
    const doc = ['*filter', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -i eth0 -j ACCEPT', 'COMMIT', ''].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.interface-wrong-hook@3:${columnOf(doc, 3, '-i')}`]);
    assert.equal(findings[0].severity, 'error');
  });

  it('Should flag a negated -o in PREROUTING', () => {
    const doc = ['*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING ! -o lo -j ACCEPT', 'COMMIT', ''].join(
      '\n',
    );
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.interface-wrong-hook@3:${columnOf(doc, 3, '-o')}`,
    ]);
  });

  it('Should flag -i on a -D command too', () => {
    const doc = [
      '*filter', //                             line 1
      ':OUTPUT ACCEPT [0:0]', //                line 2
      '-A OUTPUT -j ACCEPT', //                 line 3
      '-D OUTPUT -i eth0 -j ACCEPT', //         line 4
      'COMMIT', //                              line 5
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.interface-wrong-hook@4:${columnOf(doc, 4, '-i')}`,
    ]);
  });

  it('Should accept -i in nat INPUT and -o in POSTROUTING', () => {
    const doc = [
      '*nat',
      ':INPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      '-A INPUT -i eth0 -j ACCEPT',
      '-A POSTROUTING -o eth0 -j MASQUERADE',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should warn that -i never matches in a user chain reached only from OUTPUT', () => {
    const doc = [
      '*filter', //                              line 1
      ':OUTPUT ACCEPT [0:0]', //                 line 2
      ':MYCHAIN - [0:0]', //                     line 3
      '-A OUTPUT -j MYCHAIN', //                 line 4
      '-A MYCHAIN -i eth0 -j ACCEPT', //         line 5
      '-A MYCHAIN ! -i eth0 -j ACCEPT', //       line 6
      'COMMIT', //                               line 7
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [
      `netfilter.interface-wrong-hook@5:${columnOf(doc, 5, '-i')}`,
      `netfilter.interface-wrong-hook@6:${columnOf(doc, 6, '-i')}`,
    ]);
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['warning', 'warning'],
    );
    assert.match(findings[0].message, /never matches/);
    assert.match(findings[1].message, /always matches/);
  });

  it('Should stay silent when a hook with that interface also reaches the chain', () => {
    const doc = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':MYCHAIN - [0:0]',
      '-A INPUT -j MYCHAIN',
      '-A OUTPUT -j MYCHAIN',
      '-A MYCHAIN -i eth0 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });
});
