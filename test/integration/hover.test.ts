/**
 * Hovers served by the language server for an option, an Istio mark and an Istio port. Expected content
 * comes from iptables-extensions(8) (tcp match: "--destination-port,--dport port[:port]") and Istio's source
 * (cni/pkg/config/config.go InpodMark = 1337 = 0x539, ztunnel's SO_MARK; ZtunnelInboundPlaintextPort = 15006).
 */
import * as assert from 'assert';
import { closeAllEditors, hoverText, openWorkspaceDocument, positionOf, readFixture } from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';
const inboundCapture =
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006';

suite('Hover', () => {
  teardown(closeAllEditors);

  test('Should explain the --dport option of the tcp match', async () => {
    const editor = await openWorkspaceDocument('hover.rules', readFixture(ambientDefault));
    const at = positionOf(editor.document, inboundCapture, '--dport').translate(0, 3);
    const text = await hoverText(editor.document.uri, at);
    assert.match(text, /destination port/i, `hover was: ${text}`);
  });

  test('Should explain mark 0x539 as ztunnel\u2019s socket mark 1337', async () => {
    const editor = await openWorkspaceDocument('hover.rules', readFixture(ambientDefault));
    const at = positionOf(editor.document, inboundCapture, '0x539').translate(0, 2);
    const text = await hoverText(editor.document.uri, at);
    assert.match(text, /ztunnel/i, `hover was: ${text}`);
    assert.match(text, /1337/, `hover was: ${text}`);
  });

  test('Should explain port 15006 as ztunnel\u2019s inbound plaintext port', async () => {
    const editor = await openWorkspaceDocument('hover.rules', readFixture(ambientDefault));
    const at = positionOf(editor.document, inboundCapture, '15006').translate(0, 2);
    const text = await hoverText(editor.document.uri, at);
    assert.match(text, /ztunnel/i, `hover was: ${text}`);
    assert.match(text, /inbound/i, `hover was: ${text}`);
  });
});
