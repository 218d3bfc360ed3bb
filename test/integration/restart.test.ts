/**
 * Resilience: when the language-server process dies, the client starts a new one and diagnostics keep
 * coming. Runs last because it kills the server.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  describe,
  lines,
  openWorkspaceDocument,
  serverProcesses,
  waitForDiagnostics,
} from './helpers';

suite('Server restart', () => {
  teardown(closeAllEditors);

  test('Should start a new server after the running one is killed, and publish diagnostics from it', async () => {
    const editor = await openWorkspaceDocument(
      'restart.rules',
      lines(
        '*filter', //                              line 0
        ':INPUT ACCEPT [0:0]', //                  line 1
        '-A INPUT -p tcp --dport 22 -j ACCEPT', // line 2: valid
        'COMMIT', //                               line 3
      ),
    );
    const uri = editor.document.uri;
    const before = serverProcesses();
    assert.ok(before.length > 0, 'no server process to kill');
    for (const server of before) process.kill(server.pid, 'SIGKILL');

    // iptables 1.8.9 rejects --dport without -p tcp (`unknown option "--dport"`); only a live server can say so.
    await editor.edit((edit) => edit.insert(new vscode.Position(3, 0), '-A INPUT --dport 23 -j ACCEPT\n'));
    const diagnostics = await waitForDiagnostics(
      uri,
      (d) => d.some((x) => x.range.start.line === 3 && x.severity === vscode.DiagnosticSeverity.Error),
      'the error on the new line 3 from a restarted server',
      30_000,
    );
    assert.ok(
      diagnostics.some((d) => /--dport/.test(d.message)),
      diagnostics.map(describe).join('\n'),
    );
    const after = serverProcesses();
    const killed = new Set(before.map((s) => s.pid));
    assert.ok(
      after.length > 0 && after.every((s) => !killed.has(s.pid)),
      `server pids before ${[...killed]} after ${after.map((s) => s.pid)}`,
    );
  });
});
