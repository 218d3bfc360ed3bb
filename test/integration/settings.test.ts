/**
 * Settings are pulled by the server (`workspace/configuration`): switching a code off in
 * `iptablesLens.diagnostics.disabledCodes` removes its diagnostics, switching it back on restores them.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  codeOf,
  describe,
  openWorkspaceDocument,
  readFixture,
  waitForDiagnostics,
  withoutLine,
} from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';
const inboundCapture =
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006';

suite('Settings', () => {
  const section = vscode.workspace.getConfiguration('iptablesLens');

  teardown(async () => {
    await section.update('diagnostics.disabledCodes', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
  });

  test('Should drop a code\u2019s diagnostics when the code is switched off, and restore them when switched on', async () => {
    const editor = await openWorkspaceDocument(
      'settings.rules',
      withoutLine(readFixture(ambientDefault), inboundCapture),
    );
    const uri = editor.document.uri;
    const before = await waitForDiagnostics(
      uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.')),
      'an istio.* finding',
    );
    const code = codeOf(before.find((d) => codeOf(d).startsWith('istio.')) as vscode.Diagnostic);

    await section.update('diagnostics.disabledCodes', [code], vscode.ConfigurationTarget.Global);
    const silenced = await waitForDiagnostics(
      uri,
      (d) => !d.some((x) => codeOf(x) === code),
      `${code} to disappear`,
    );
    assert.ok(!silenced.some((d) => codeOf(d) === code), silenced.map(describe).join('\n'));

    await section.update('diagnostics.disabledCodes', [], vscode.ConfigurationTarget.Global);
    const restored = await waitForDiagnostics(
      uri,
      (d) => d.some((x) => codeOf(x) === code),
      `${code} to come back`,
    );
    assert.ok(restored.some((d) => codeOf(d) === code));
  });
});
