import { strict as assert } from 'node:assert';
import { describeFindings, istioFindings, listFixtures, readFixture } from './istioTestSupport';

/**
 * Every real rendering of Istio's rules (ambient incl. history, node rules, sidecar) must produce no
 * Istio warning or error: they are what Istio writes. The one exception is the ingress-mode set of
 * 1.24–1.28, which lacks M3: istio-ambient.md §11 asks for a warning there, because inbound HBONE to
 * such pods times out (istio/istio#58546, fixed in 1.29).
 */
const knownBuggy = new Map<string, string>([
  ['ambient/rendered/history/1.24.0/ingress.iptables-nft-save.txt', 'istio.ingress-missing-connmark'],
  ['ambient/rendered/history/1.28.0/ingress.iptables-nft-save.txt', 'istio.ingress-missing-connmark'],
]);

const renderings = [...listFixtures('ambient/rendered'), ...listFixtures('sidecar/rendered')];

describe('Istio diagnostics on the real renderings', () => {
  it('Should find the renderings', () => {
    assert.ok(renderings.length >= 40, `only ${renderings.length} renderings found`);
  });

  for (const file of renderings) {
    const expectedCode = knownBuggy.get(file);
    it(
      expectedCode
        ? `Should warn only ${expectedCode} on ${file}`
        : `Should report no Istio warning or error on ${file}`,
      () => {
        const bad = istioFindings(readFixture(file)).filter(
          (f) => f.severity === 'error' || f.severity === 'warning',
        );
        if (expectedCode) {
          assert.deepEqual(
            bad.map((f) => f.code),
            [expectedCode],
            describeFindings(bad),
          );
        } else {
          assert.deepEqual(bad, [], describeFindings(bad));
        }
      },
    );
  }
});
