import { strict as assert } from 'node:assert';
import { catalogueEntries, renderTemplate } from '../../../server/src/istio/catalogue';
import { defaultTemplateValues, templateShape } from '../../../server/src/istio/templates';
import { readFixture } from '../analysis/istio/istioTestSupport';

/**
 * The catalogue's templates are Istio's rules in iptables-save form: rendered with the knowledge-base
 * defaults they must reproduce, byte for byte, the rule lines of the real renderings (the expected
 * text is what iptables 1.8.9 printed, test/fixtures/SOURCES.md).
 */
const renderingsV4 = [
  'ambient/rendered/default.iptables-nft-save.txt',
  'ambient/rendered/virtual_interfaces.iptables-nft-save.txt',
  'ambient/rendered/hostprobe.iptables-nft-save.txt',
  'ambient/rendered/history/1.23.6/tproxy.iptables-nft-save.txt',
];
const renderingsV6 = [
  'ambient/rendered/default_ipv6.default-snat-addr.ip6tables-nft-save.txt',
  'ambient/rendered/hostprobe_ipv6.ip6tables-nft-save.txt',
];

function ruleLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('-A '));
}

describe('Istio rule catalogue', () => {
  it('Should give every entry a purpose, a consequence and its upstream provenance', () => {
    for (const e of catalogueEntries) {
      assert.ok(e.purpose.length > 20, e.id);
      assert.ok(e.consequence.length > 20, e.id);
      assert.match(e.source.file, /^istio\/istio /, e.id);
      assert.match(e.source.version, /\d\.\d+/, e.id);
    }
  });

  it('Should parse every template into a rule the recogniser can use, for both families', () => {
    for (const e of catalogueEntries) {
      for (const family of ['ipv4', 'ipv6'] as const) {
        const shape = templateShape(e, family);
        assert.ok(shape, `${e.id} (${family}) did not parse`);
        assert.ok(shape.keys.has('j'), `${e.id} has no target`);
      }
    }
  });

  for (const [files, family] of [
    [renderingsV4, 'ipv4'],
    [renderingsV6, 'ipv6'],
  ] as const) {
    for (const file of files) {
      it(`Should reproduce every rule line of ${file} from a template`, () => {
        const defaults = defaultTemplateValues(family);
        const rendered = new Set<string>();
        for (const e of catalogueEntries) {
          for (const virtualInterface of ['fake1s0f0', 'fake1s0f1']) {
            rendered.add(renderTemplate(e.template, { ...defaults, virtualInterface }));
          }
        }
        for (const line of ruleLines(readFixture(file)))
          assert.ok(rendered.has(line), `no template renders: ${line}`);
      });
    }
  }

  it('Should reproduce the 1.22 UDP DNS rule without mark exclusion (N8L) and the unsuffixed ipset', () => {
    const lines = ruleLines(readFixture('ambient/rendered/history/1.22.0/default.iptables-nft-save.txt'));
    const n8l = catalogueEntries.find((e) => e.id === 'N8L')!;
    assert.ok(lines.includes(renderTemplate(n8l.template, defaultTemplateValues('ipv4'))));
    const host = ruleLines(readFixture('ambient/rendered/history/1.22.0/hostprobe.iptables-nft-save.txt'));
    const h2 = catalogueEntries.find((e) => e.id === 'H2')!;
    assert.ok(
      host.includes(
        renderTemplate(h2.template, { ...defaultTemplateValues('ipv4'), probeIpset: 'istio-inpod-probes' }),
      ),
    );
  });
});
