import { strict as assert } from 'assert';
import { columnOf, netfilterFindings, placesOf, relatedLines } from './netfilterTestSupport';

// Loops reachable from a builtin chain: both backends refuse (nft "Too many links"); unreachable
// loops: both accept. nft refuses a 16th level of user chains; legacy accepts (test/corpus).

function nestedChains(levels: number): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]'];
  for (let i = 1; i <= levels; i++) lines.push(`:C${i} - [0:0]`);
  lines.push('-A INPUT -j C1');
  for (let i = 1; i < levels; i++) lines.push(`-A C${i} -j C${i + 1}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

describe('netfilter jump graph', () => {
  it('Should flag a loop reachable from INPUT on the jump that closes it', () => {
    const doc = [
      '*filter', //               line 1
      ':INPUT ACCEPT [0:0]', //   line 2
      ':A - [0:0]', //            line 3
      ':B - [0:0]', //            line 4
      '-A INPUT -j A', //         line 5
      '-A A -j B', //             line 6
      '-A B -j A', //             line 7
      'COMMIT', //                line 8
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.jump-loop@7:${columnOf(doc, 7, 'A', 1)}`]);
    assert.deepEqual(relatedLines(findings[0]), [5, 6, 7]);
    assert.match(findings[0].message, /A → B → A/);
  });

  it('Should include the jump that makes a loop reachable in the related information', () => {
    const doc = [
      '*filter', //               line 1
      ':INPUT ACCEPT [0:0]', //   line 2
      ':A - [0:0]', //            line 3
      ':B - [0:0]', //            line 4
      '-A A -j B', //             line 5
      '-A B -j A', //             line 6
      '-A INPUT -j A', //         line 7 (nft blames this line)
      'COMMIT', //                line 8
      '',
    ].join('\n');
    const findings = netfilterFindings(doc);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'netfilter.jump-loop');
    assert.ok(relatedLines(findings[0]).includes(7));
  });

  it('Should not flag loops that no builtin chain reaches', () => {
    const doc = [
      '*filter',
      ':A - [0:0]',
      ':B - [0:0]',
      '-A A -j B',
      '-A B -j A',
      '-A A -j A',
      'COMMIT',
      '',
    ].join('\n');
    assert.deepEqual(netfilterFindings(doc), []);
  });

  it('Should flag a reachable goto loop and a reachable self-jump', () => {
    const doc = [
      '*filter', //               line 1
      ':INPUT ACCEPT [0:0]', //   line 2
      ':A - [0:0]', //            line 3
      ':B - [0:0]', //            line 4
      ':S - [0:0]', //            line 5
      '-A INPUT -j A', //         line 6
      '-A A -g B', //             line 7
      '-A B -g A', //             line 8
      '-A INPUT -j S', //         line 9
      '-A S -p tcp -j S', //      line 10
      'COMMIT', //                line 11
      '',
    ].join('\n');
    assert.deepEqual(placesOf(netfilterFindings(doc)), [
      `netfilter.jump-loop@8:${columnOf(doc, 8, 'A', 1)}`,
      `netfilter.jump-loop@10:${columnOf(doc, 10, 'S', 1)}`,
    ]);
  });

  it('Should accept fifteen nested user chains', () => {
    assert.deepEqual(netfilterFindings(nestedChains(15)), []);
  });

  it('Should flag the jump into a sixteenth nested user chain', () => {
    const doc = nestedChains(16);
    const line = doc.split('\n').indexOf('-A C15 -j C16') + 1;
    const findings = netfilterFindings(doc);
    assert.deepEqual(placesOf(findings), [`netfilter.jump-too-deep@${line}:${columnOf(doc, line, 'C16')}`]);
    assert.match(findings[0].message, /iptables-legacy accepts/);
  });
});
