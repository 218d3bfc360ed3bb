import { strict as assert } from 'node:assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyzeIstio } from '../../../server/src/istio/classify';
import { describeFindings, istioFindings, readFixture } from '../analysis/istio/istioTestSupport';

/**
 * Istio's own restore input (the goldens of cni/pkg/iptables/testdata) writes rules in a shorter form than
 * iptables-save prints: `* mangle`, `-N`, interleaved chains, `-s 169.254.7.127` without /32, an implicit
 * tcp match for `! --dport`, `--to-port`, `-m owner --socket-exists -p tcp`, and `-I POSTROUTING 1`
 * (istio-ambient.md §10). Recognition must see the same rules.
 */

/** The golden without the command names Istio's test stub recorded first (`iptables-save`, `ip6tables-save`). */
function restoreInput(golden: string): string {
  return `${golden
    .split('\n')
    .filter((l) => l !== 'iptables-save' && l !== 'ip6tables-save')
    .join('\n')}\n`;
}

describe("Istio's restore-input form (goldens)", () => {
  for (const [file, label] of [
    [
      'ambient/default.golden',
      'Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio 1.25+ (or 1.24 with DNS capture enabled)',
    ],
    [
      'ambient/default_ipv6.golden',
      'Istio ambient in-pod rules, IPv4 + IPv6, DNS capture on — matches Istio 1.25+ (or 1.24 with DNS capture enabled)',
    ],
    ['ambient/hostprobe.golden', 'Istio ambient node rules (kubelet probe SNAT), IPv4 — matches Istio 1.23+'],
    [
      'ambient/virtual_interfaces.golden',
      'Istio ambient in-pod rules, IPv4, virtual interfaces fake1s0f0, fake1s0f1, DNS capture off — matches Istio 1.25+',
    ],
    [
      'ambient/ingress.golden',
      'Istio ambient in-pod rules, IPv4, ingress mode (bypass-inbound-capture), DNS capture off — matches Istio 1.29+',
    ],
  ] as const) {
    it(`Should classify ${file} like its rendering and report no Istio warning or error`, () => {
      const text = restoreInput(readFixture(file));
      assert.equal(analyzeIstio(parseDocument(text)).label, label);
      const bad = istioFindings(text).filter((f) => f.severity === 'error' || f.severity === 'warning');
      assert.deepEqual(bad, [], describeFindings(bad));
    });
  }
});
