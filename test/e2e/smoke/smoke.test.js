// The installed extension (from the .vsix) activates, its bundled server answers, and nothing is loaded from
// the development folder. Expected fact: iptables 1.8.9 rejects `--dport` without `-p tcp`
// (`iptables-nft-restore --test`: unknown option "--dport").
'use strict';

const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const extensionId = 'iptables-lens.iptables-lens';

function waitForDiagnostics(uri, accept, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'iptables-lens');
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching diagnostics on ${uri}: ${JSON.stringify(ours().map((d) => d.message))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics(() => test());
    const test = () => {
      if (!accept(ours())) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(ours());
      return true;
    };
    test();
  });
}

suite('Installed .vsix smoke test', () => {
  test('Should load iptables-lens from the extensions folder, not from the development folder', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is not installed`);
    const installedIn = fs.realpathSync(process.env.IPL_E2E_EXTENSIONS_DIR);
    assert.ok(
      fs.realpathSync(ext.extensionPath).startsWith(installedIn + path.sep),
      `loaded from ${ext.extensionPath}`,
    );
    assert.strictEqual(
      fs.existsSync(path.join(ext.extensionPath, 'node_modules')),
      false,
      'the .vsix must ship no node_modules',
    );
    for (const bundle of ['server.js', 'readingWorker.js']) {
      assert.ok(
        fs.existsSync(path.join(ext.extensionPath, 'dist', bundle)),
        `dist/${bundle} missing from the package`,
      );
    }
  });

  test('Should activate on a .rules file and publish the unknown-option error from the bundled server', async () => {
    const file = path.join(process.env.IPL_E2E_WORKSPACE, 'smoke.rules');
    fs.writeFileSync(file, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT --dport 22 -j ACCEPT\nCOMMIT\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, 'iptables');
    const diagnostics = await waitForDiagnostics(document.uri, (d) =>
      d.some((x) => x.range.start.line === 2),
    );
    const error = diagnostics.find((d) => d.range.start.line === 2);
    assert.strictEqual(error.severity, vscode.DiagnosticSeverity.Error);
    assert.match(error.message, /--dport/);
    assert.strictEqual(vscode.extensions.getExtension(extensionId).isActive, true);
  });

  test('Should answer a hover from the installed server', async () => {
    const document = vscode.window.activeTextEditor.document;
    const hovers = await vscode.commands.executeCommand(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(1, 2),
    );
    const text = (hovers || [])
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /INPUT/, `hover on the INPUT chain line was: ${text}`);
  });
});
