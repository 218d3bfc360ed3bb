import { strict as assert } from 'node:assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyzeIstio } from '../../../server/src/istio/classify';
import { formatVersionRange } from '../../../server/src/istio/generations';
import { readFixture } from '../analysis/istio/istioTestSupport';

/**
 * Classification of every rendered Istio fixture. Expected values come from the fixtures' provenance
 * (test/fixtures/SOURCES.md, the shared SOURCES.md test-config caveats) and istio-ambient.md §3.4, §8,
 * §8.1, §8.2 — not from running the classifier.
 */
interface Expectation {
  readonly files: readonly string[];
  readonly kind: string;
  readonly generation?: 'tproxy' | 'redirect';
  readonly dns?: 'marked' | 'legacy' | 'off';
  readonly ingress?: boolean;
  readonly connmarkRule?: boolean;
  readonly virtualInterfaces?: readonly string[];
  readonly range?: string;
  readonly label?: string;
}

const r = 'ambient/rendered/';
const both = (name: string): string[] => [
  `${r}${name}.iptables-nft-save.txt`,
  `${r}${name}.iptables-legacy-save.txt`,
];
const both6 = (name: string): string[] => [
  `${r}${name}.ip6tables-nft-save.txt`,
  `${r}${name}.ip6tables-legacy-save.txt`,
];

const expectations: readonly Expectation[] = [
  {
    // default.golden: DNS capture on (all default* goldens), REDIRECT; chart default DNS on from 1.25 (§2, §8).
    files: both('default'),
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'marked',
    ingress: false,
    connmarkRule: true,
    virtualInterfaces: [],
    range: '1.25+ (or 1.24 with DNS capture enabled)',
    label:
      'Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio 1.25+ (or 1.24 with DNS capture enabled)',
  },
  {
    files: [...both6('default_ipv6'), `${r}default_ipv6.default-snat-addr.ip6tables-nft-save.txt`],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'marked',
    ingress: false,
    label:
      'Istio ambient in-pod rules, IPv6, DNS capture on — matches Istio 1.25+ (or 1.24 with DNS capture enabled)',
  },
  {
    // §8.2: REDIRECT generation without DNS rules is exactly today's DNS-off set; 1.24+ or 1.23.1+ opt-in.
    files: [...both('dns_pod_disabled_and_on_globally'), ...both6('dns_pod_disabled_and_on_globally_ipv6')],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'off',
    ingress: false,
    range: '1.24+ (or 1.23.1+ with AMBIENT_TPROXY_REDIRECTION=false)',
  },
  {
    files: [...both('dns_pod_enabled_and_off_globally'), ...both6('dns_pod_enabled_and_off_globally_ipv6')],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'marked',
  },
  {
    // §3.4: ingress mode keeps M3 from 1.29.
    files: [...both('ingress'), ...both6('ingress_ipv6')],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'off',
    ingress: true,
    connmarkRule: true,
    range: '1.29+',
  },
  {
    // §3.4 / §8.1: virtual interfaces are 1.25+; the golden's interfaces are fake1s0f0, fake1s0f1.
    files: [...both('virtual_interfaces'), ...both6('virtual_interfaces_ipv6')],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'off',
    ingress: false,
    virtualInterfaces: ['fake1s0f0', 'fake1s0f1'],
    range: '1.25+',
  },
  {
    files: [...both('ingress_and_virtual_interfaces'), ...both6('ingress_and_virtual_interfaces_ipv6')],
    kind: 'ambient-inpod',
    ingress: true,
    connmarkRule: true,
    virtualInterfaces: ['fake1s0f0', 'fake1s0f1'],
    range: '1.29+',
  },
  {
    // §2: ipset names with -v4/-v6 suffix since 1.23.
    files: [
      ...both('hostprobe'),
      ...both6('hostprobe_ipv6'),
      `${r}history/1.23.6/hostprobe.iptables-nft-save.txt`,
      `${r}history/1.24.0/hostprobe.iptables-nft-save.txt`,
      `${r}history/1.26.0/hostprobe.iptables-nft-save.txt`,
    ],
    kind: 'ambient-host',
    range: '1.23+',
  },
  {
    // §8.1: `istio-inpod-probes` without suffix → ≤ 1.22.
    files: [`${r}history/1.22.0/hostprobe.iptables-nft-save.txt`],
    kind: 'ambient-host',
    range: '1.21–1.22',
  },
  {
    // §8: 1.21–1.23.0 TPROXY, UDP DNS without mark; 1.23.6 tproxy.golden is the 1.23.x runtime default.
    files: [
      `${r}history/1.22.0/default.iptables-nft-save.txt`,
      `${r}history/1.23.6/tproxy.iptables-nft-save.txt`,
    ],
    kind: 'ambient-inpod',
    generation: 'tproxy',
    dns: 'legacy',
    range: '1.21–1.23.x',
  },
  {
    // SOURCES.md: 1.23.6 default.golden is the REDIRECT variant (AMBIENT_TPROXY_REDIRECTION=false).
    files: [`${r}history/1.23.6/default.iptables-nft-save.txt`],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'legacy',
    range: '1.23.1–1.23.x (AMBIENT_TPROXY_REDIRECTION=false)',
  },
  {
    // 1.24 default: REDIRECT, DNS rules with mark, raw table; the golden has DNS capture on.
    files: [`${r}history/1.24.0/default.iptables-nft-save.txt`],
    kind: 'ambient-inpod',
    generation: 'redirect',
    dns: 'marked',
  },
  {
    // 1.24 opt-in TPROXY carries the new DNS rules and the raw table (§8.1).
    files: [`${r}history/1.24.0/tproxy.iptables-nft-save.txt`],
    kind: 'ambient-inpod',
    generation: 'tproxy',
    dns: 'marked',
    range: '1.24 (AMBIENT_TPROXY_REDIRECTION=true)',
  },
  {
    // §3.4: ingress mode without M3 → 1.24–1.28.
    files: [
      `${r}history/1.24.0/ingress.iptables-nft-save.txt`,
      `${r}history/1.28.0/ingress.iptables-nft-save.txt`,
    ],
    kind: 'ambient-inpod',
    generation: 'redirect',
    ingress: true,
    connmarkRule: false,
    range: '1.24–1.28',
  },
  {
    files: ['sidecar/rendered/basic.iptables-nft-save.txt'],
    kind: 'sidecar',
    label: 'Istio sidecar rules (istio-iptables), IPv4, REDIRECT inbound',
  },
  {
    files: ['sidecar/rendered/dns.iptables-nft-save.txt'],
    kind: 'sidecar',
    label: 'Istio sidecar rules (istio-iptables), IPv4, REDIRECT inbound, DNS capture on',
  },
  {
    files: ['sidecar/rendered/tproxy.iptables-nft-save.txt'],
    kind: 'sidecar',
    label: 'Istio sidecar rules (istio-iptables), IPv4, TPROXY inbound',
  },
];

describe('Istio classification of the rendered fixtures', () => {
  for (const e of expectations) {
    for (const file of e.files) {
      it(`Should classify ${file} as ${e.kind}${e.range ? ` matching ${e.range}` : ''}`, () => {
        const analysis = analyzeIstio(parseDocument(readFixture(file)));
        const contexts = analysis.contexts.filter((c) => c.kind !== 'none');
        assert.equal(
          contexts.length,
          1,
          `one classified block group expected, got ${analysis.contexts.map((c) => c.label).join(' | ')}`,
        );
        const c = contexts[0]!;
        assert.equal(c.kind, e.kind);
        if (e.generation) assert.equal(c.variant?.generation, e.generation);
        if (e.dns) assert.equal(c.variant?.dns, e.dns);
        if (e.ingress !== undefined) assert.equal(c.variant?.ingress, e.ingress);
        if (e.connmarkRule !== undefined) assert.equal(c.variant?.expectsConnmarkRule, e.connmarkRule);
        if (e.virtualInterfaces) assert.deepEqual(c.variant?.virtualInterfaces, e.virtualInterfaces);
        if (e.range) assert.equal(c.versionRange && formatVersionRange(c.versionRange), e.range);
        if (e.label) assert.equal(c.label, e.label);
      });
    }
  }

  it('Should merge a pasted IPv4 + IPv6 dump of the same variant into one file label', () => {
    const text =
      readFixture(`${r}default.iptables-nft-save.txt`) +
      readFixture(`${r}default_ipv6.ip6tables-nft-save.txt`);
    const analysis = analyzeIstio(parseDocument(text));
    assert.equal(analysis.contexts.length, 2);
    assert.equal(
      analysis.label,
      'Istio ambient in-pod rules, IPv4 + IPv6, DNS capture on — matches Istio 1.25+ (or 1.24 with DNS capture enabled)',
    );
  });

  it('Should classify a dump with tables but no rules as empty (native nftables hint)', () => {
    const text = [
      '# Generated by iptables-nft-save v1.8.9 (nf_tables) on Sat Nov 28 11:30:12 2026',
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      'COMMIT',
      '',
    ].join('\n');
    const analysis = analyzeIstio(parseDocument(text));
    assert.equal(analysis.contexts[0]?.kind, 'empty');
    // One rule, even in a chain of its own, and the dump is no longer empty.
    const withRule = text.replace('COMMIT', ':KEEP - [0:0]\n-A KEEP -j ACCEPT\nCOMMIT');
    assert.notEqual(analyzeIstio(parseDocument(withRule)).contexts[0]?.kind, 'empty');
  });

  it('Should classify ztunnel-* chains as the pre-1.21 node-level layout', () => {
    const text = [
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      ':ztunnel-PREROUTING - [0:0]',
      '-A PREROUTING -j ztunnel-PREROUTING',
      'COMMIT',
      '',
    ].join('\n');
    assert.equal(analyzeIstio(parseDocument(text)).contexts[0]?.kind, 'pre-inpod');
  });

  it('Should label a mangle-only dump (iptables-save -t mangle) as partial instead of guessing DNS capture', () => {
    const full = readFixture(`${r}default.iptables-nft-save.txt`);
    const mangleOnly = full.slice(0, full.indexOf('# Completed on'));
    const analysis = analyzeIstio(parseDocument(mangleOnly));
    assert.equal(
      analysis.label,
      'Istio ambient in-pod rules, IPv4, partial dump without the nat table — matches Istio 1.21+',
    );
  });
});
