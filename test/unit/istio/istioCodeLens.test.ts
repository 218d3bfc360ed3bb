import { strict as assert } from 'node:assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getIstioCodeLenses, showClassificationCommand } from '../../../server/src/features/istioCodeLens';
import { readFixture } from '../analysis/istio/istioTestSupport';

describe('Istio classification code lens', () => {
  it('Should put one lens with the label at the top of a single-variant file', () => {
    const lenses = getIstioCodeLenses(
      parseDocument(readFixture('ambient/rendered/ingress.iptables-nft-save.txt')),
    );
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0]?.range.start, { line: 0, character: 0 });
    assert.equal(lenses[0]?.command?.command, showClassificationCommand);
    assert.equal(
      lenses[0]?.command?.title,
      'Istio ambient in-pod rules, IPv4, ingress mode (bypass-inbound-capture), DNS capture off — matches Istio 1.29+',
    );
  });

  it('Should add a lens per block group when a pasted file holds two different variants', () => {
    const v4 = readFixture('ambient/rendered/history/1.28.0/ingress.iptables-nft-save.txt');
    const v6 = readFixture('ambient/rendered/default_ipv6.ip6tables-nft-save.txt');
    const doc = parseDocument(v4 + v6);
    const lenses = getIstioCodeLenses(doc);
    assert.equal(lenses.length, 3);
    const v6Start = v4.split('\n').length - 1;
    const v6FirstTable = v6.split('\n').findIndex((l) => l.startsWith('*'));
    assert.equal(lenses[2]?.range.start.line, v6Start + v6FirstTable);
    assert.match(lenses[1]?.command?.title ?? '', /IPv4, ingress mode .* — matches Istio 1\.24–1\.28/);
    assert.match(lenses[2]?.command?.title ?? '', /IPv6, DNS capture on/);
  });
});
