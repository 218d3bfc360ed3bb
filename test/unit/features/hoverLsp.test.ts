/**
 * Hovers over a real LSP connection: the server runs as its own process on stdio (test/helpers/lspClient.ts).
 * The document is the rendered ambient default dump (test/fixtures/istio/ambient/rendered, derived from
 * Istio's goldens, Apache-2.0; see ../shared/fixtures/istio/SOURCES.md). Expected facts: Istio
 * cni/pkg/config/config.go (InpodMark 1337 = 0x539, mask 0xfff), cni/pkg/iptables/iptables.go
 * (ZtunnelInboundPlaintextPort 15006), iptables-extensions(8) "tcp" (--dport port[:port]).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../../helpers/lspClient';

const fixture = path.resolve(
  __dirname,
  '../../fixtures/istio/ambient/rendered/default.iptables-nft-save.txt',
);
const inboundCapture =
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006';

describe('Hover over a real LSP connection (stdio)', function () {
  this.timeout(30000);
  const uri = 'file:///ambient-default.rules';
  const text = fs.readFileSync(fixture, 'utf8');
  const lines = text.split('\n');
  const line = lines.indexOf(inboundCapture);
  let client: LspTestClient;

  /** The position `offset` characters into `needle` on the inbound-capture line. */
  const at = (needle: string, offset = 1) => ({ line, character: inboundCapture.indexOf(needle) + offset });
  const hover = async (position: { line: number; character: number }): Promise<Hover | null> =>
    client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  const markdown = (h: Hover | null): string => {
    assert.ok(h, `no hover; server log:\n${client.log}`);
    const contents = h.contents as MarkupContent;
    assert.strictEqual(contents.kind, 'markdown');
    return contents.value;
  };

  before(async () => {
    assert.ok(line > 0, 'inbound capture rule not found in the fixture');
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, text);
  });
  after(async () => {
    await client.shutdown();
  });

  it('Should advertise the hover capability', () => {
    assert.ok(
      client.initializeResult?.capabilities.hoverProvider,
      'hoverProvider missing from the capabilities',
    );
  });

  it('Should document --dport with its syntax and the range of the option token', async () => {
    const h = await hover(at('--dport', 3));
    assert.match(markdown(h), /port\[:port\]/);
    const start = inboundCapture.indexOf('--dport');
    assert.deepStrictEqual(h?.range, {
      start: { line, character: start },
      end: { line, character: start + '--dport'.length },
    });
  });

  it("Should decode 0x539/0xfff as ztunnel's mark 1337", async () => {
    const value = markdown(await hover(at('0x539', 2)));
    assert.match(value, /ztunnel/);
    assert.match(value, /1337/);
  });

  it("Should explain 15006 as ztunnel's inbound plaintext port", async () => {
    assert.match(markdown(await hover(at('15006', 2))), /inbound plaintext/);
  });

  it('Should show the classification on the header comment', async () => {
    const value = markdown(await hover({ line: 0, character: 3 }));
    assert.match(value, /Istio ambient in-pod rules/);
  });

  it('Should answer null on a blank position past the end of the file', async () => {
    assert.strictEqual(await hover({ line: lines.length + 5, character: 0 }), null);
  });
});
