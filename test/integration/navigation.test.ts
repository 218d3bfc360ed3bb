/**
 * Outline, go-to-definition and rename. Chain names are scoped per table (iptables-format.md: each
 * `*table` block has its own chains), so ISTIO_PRERT in nat is a different chain from ISTIO_PRERT in mangle.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAllEditors, lineOf, openWorkspaceDocument, positionOf, readFixture } from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';

/** Flattens DocumentSymbol trees (or SymbolInformation lists) to `container/name` paths. */
function symbolPaths(symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): string[] {
  const paths: string[] = [];
  const walk = (list: (vscode.DocumentSymbol | vscode.SymbolInformation)[], prefix: string): void => {
    for (const s of list) {
      const here = prefix ? `${prefix}/${s.name}` : s.name;
      paths.push('children' in s ? here : `${s.containerName ? `${s.containerName}/` : ''}${s.name}`);
      if ('children' in s) walk(s.children, here);
    }
  };
  walk(symbols, '');
  return paths;
}

suite('Outline, definition and rename', () => {
  teardown(closeAllEditors);

  test('Should outline the tables with their chains nested inside', async () => {
    const editor = await openWorkspaceDocument('outline.rules', readFixture(ambientDefault));
    const symbols = await vscode.commands.executeCommand<
      (vscode.DocumentSymbol | vscode.SymbolInformation)[]
    >('vscode.executeDocumentSymbolProvider', editor.document.uri);
    assert.ok(symbols && symbols.length > 0, 'no document symbols');
    const paths = symbolPaths(symbols);
    for (const table of ['mangle', 'raw', 'nat']) {
      for (const chain of ['ISTIO_OUTPUT', 'ISTIO_PRERT']) {
        assert.ok(
          paths.some((p) => new RegExp(`(^|/)\\*?${table}/${chain}$`).test(p)),
          `no ${table}/${chain} in the outline:\n${paths.join('\n')}`,
        );
      }
    }
  });

  test('Should go from a -j ISTIO_PRERT jump in nat to the nat declaration of ISTIO_PRERT', async () => {
    const editor = await openWorkspaceDocument('definition.rules', readFixture(ambientDefault));
    const document = editor.document;
    const natStart = lineOf(document, '*nat');
    const jumpLine = lineOf(document, '-A PREROUTING -j ISTIO_PRERT', natStart);
    const declaration = lineOf(document, ':ISTIO_PRERT - [0:0]', natStart);
    const at = new vscode.Position(jumpLine, document.lineAt(jumpLine).text.indexOf('ISTIO_PRERT') + 2);
    const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      document.uri,
      at,
    );
    assert.ok(locations && locations.length > 0, 'no definition');
    const lines = locations.map((l) => ('targetRange' in l ? l.targetRange.start.line : l.range.start.line));
    assert.deepStrictEqual(lines, [declaration]);
  });

  test('Should rename ISTIO_PRERT in the nat table only, leaving the mangle and raw chains alone', async () => {
    const editor = await openWorkspaceDocument('rename.rules', readFixture(ambientDefault));
    const document = editor.document;
    const natStart = lineOf(document, '*nat');
    const natEnd = lineOf(document, 'COMMIT', natStart);
    const at = positionOf(document, ':ISTIO_PRERT - [0:0]', 'ISTIO_PRERT');
    const natAt = lineOf(document, ':ISTIO_PRERT - [0:0]', natStart);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      document.uri,
      new vscode.Position(natAt, at.character + 1),
      'ISTIO_INBOUND',
    );
    assert.ok(edit, 'no rename edit');
    const edits = edit.get(document.uri);
    // nat mentions ISTIO_PRERT four times: its declaration, the PREROUTING jump and two -A ISTIO_PRERT rules.
    assert.strictEqual(
      edits.length,
      4,
      edits.map((e) => `${e.range.start.line}:${e.range.start.character}`).join(' '),
    );
    for (const e of edits) {
      assert.ok(
        e.range.start.line > natStart && e.range.start.line < natEnd,
        `edit outside nat at line ${e.range.start.line}`,
      );
      assert.strictEqual(document.getText(e.range), 'ISTIO_PRERT');
    }
    assert.ok(await vscode.workspace.applyEdit(edit));
    const text = document.getText();
    assert.strictEqual((text.match(/ISTIO_INBOUND/g) ?? []).length, 4);
    // mangle and raw keep theirs: three mentions each (declaration, jump, one rule).
    assert.strictEqual((text.match(/ISTIO_PRERT/g) ?? []).length, 6);
  });
});
