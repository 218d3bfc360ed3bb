/**
 * Quick fixes: the code action offered for an Istio finding turns the file back into Istio's own rules
 * (the rendered fixture, byte for byte), and the diagnostic disappears.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  codeOf,
  describe,
  lines,
  openWorkspaceDocument,
  readFixture,
  waitForDiagnostics,
  withoutLine,
} from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';
/** N5 (istio-ambient.md §3.2): kubelet probes, SNATed to 169.254.7.127 on the node, pass without capture. */
const probeAccept = '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT';

async function quickFixesFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter(
    (a): a is vscode.CodeAction =>
      'title' in a && 'kind' in a && a.kind !== undefined && vscode.CodeActionKind.QuickFix.contains(a.kind),
  );
}

async function applyAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit)
    assert.ok(await vscode.workspace.applyEdit(action.edit), `edit of "${action.title}" was rejected`);
  if (action.command)
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

suite('Quick fixes', () => {
  teardown(closeAllEditors);

  test('Should re-insert the deleted kubelet-probe ACCEPT at Istio\u2019s place and clear the finding', async () => {
    const original = readFixture(ambientDefault);
    const editor = await openWorkspaceDocument('fix-probe.rules', withoutLine(original, probeAccept));
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(
      uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.')),
      'an istio.* finding',
    );
    const finding = diagnostics.find((d) => codeOf(d).startsWith('istio.'));
    assert.ok(finding);
    const fixes = (await quickFixesFor(uri, finding)).filter(
      (a) => !a.diagnostics || a.diagnostics.some((d) => codeOf(d) === codeOf(finding)),
    );
    assert.ok(fixes.length > 0, `no quick fix offered for ${describe(finding)}`);
    const code = codeOf(finding);
    await applyAction(fixes[0]);
    await waitForDiagnostics(uri, (d) => !d.some((x) => codeOf(x) === code), `${code} to disappear`);
    assert.strictEqual(editor.document.getText(), original);
  });

  test('Should move an old-style negation in front of its option, as iptables 1.8 requires', async () => {
    // iptables 1.8.9: `-s ! 10.0.0.1` is rejected (the "!" must precede the option).
    const editor = await openWorkspaceDocument(
      'fix-negation.rules',
      lines(
        '*filter', //                                   line 0
        ':INPUT ACCEPT [0:0]', //                       line 1
        '-A INPUT -s ! 10.0.0.1/32 -j DROP', //         line 2
        'COMMIT', //                                    line 3
      ),
    );
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(
      uri,
      (d) => d.some((x) => x.range.start.line === 2),
      'a finding on line 2',
    );
    const finding = diagnostics.find((d) => d.range.start.line === 2);
    assert.ok(finding);
    const fixes = await quickFixesFor(uri, finding);
    assert.ok(fixes.length > 0, `no quick fix offered for ${describe(finding)}`);
    await applyAction(fixes[0]);
    await waitForDiagnostics(
      uri,
      (d) => !d.some((x) => x.range.start.line === 2 && x.severity === vscode.DiagnosticSeverity.Error),
      'the error to disappear',
    );
    assert.strictEqual(editor.document.lineAt(2).text, '-A INPUT ! -s 10.0.0.1/32 -j DROP');
  });
});
