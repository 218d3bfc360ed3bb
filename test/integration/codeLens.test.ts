/**
 * Trace code lenses and the trace picture. Expected outcomes follow Istio's ambient in-pod rules
 * (istio-ambient.md §3.2, cni/pkg/iptables): an app's outbound TCP connection is redirected to ztunnel's
 * port 15001 (N12) and inbound plaintext TCP to ztunnel's port 15006 (N6).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAllEditors, openWorkspaceDocument, readFixture, waitForEvent } from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // The second argument asks VS Code to resolve up to that many lenses, so titles are filled in.
  return (
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ??
    []
  );
}

function isTraceLens(lens: vscode.CodeLens): boolean {
  return !!lens.command && /trace/i.test(lens.command.command) && /1500[16]/.test(lens.command.title);
}

function webviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview);
}

suite('Trace code lenses and the trace picture', () => {
  teardown(closeAllEditors);

  test('Should show where an outbound and an inbound connection end up, as lens titles', async () => {
    const editor = await openWorkspaceDocument('lens.rules', readFixture(ambientDefault));
    const lenses = await lensesOf(editor.document.uri);
    const titles = lenses.map((l) => l.command?.title ?? '(unresolved)');
    assert.ok(lenses.length > 0, 'no code lenses');
    assert.ok(
      titles.some((t) => t.includes('15001')),
      `no lens names ztunnel's outbound port 15001:\n${titles.join('\n')}`,
    );
    assert.ok(
      titles.some((t) => t.includes('15006')),
      `no lens names ztunnel's inbound port 15006:\n${titles.join('\n')}`,
    );
  });

  test('Should open the trace picture in a webview when a trace lens is clicked', async () => {
    const editor = await openWorkspaceDocument('lens-open.rules', readFixture(ambientDefault));
    const lenses = await lensesOf(editor.document.uri);
    const lens = lenses.find(isTraceLens);
    assert.ok(
      lens?.command,
      `no trace lens among:\n${lenses.map((l) => `${l.command?.command}: ${l.command?.title}`).join('\n')}`,
    );
    const opened =
      webviewTabs().length > 0
        ? Promise.resolve()
        : waitForEvent(
            vscode.window.tabGroups.onDidChangeTabs,
            () => webviewTabs().length > 0,
            'a webview tab',
          );
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    await opened;
    const tab = webviewTabs()[0];
    const input = tab.input as vscode.TabInputWebview;
    assert.match(`${tab.label} ${input.viewType}`, /trace/i);
  });
});
