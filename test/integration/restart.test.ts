/**
 * Resilience: when the language-server process dies, the client starts a new one and diagnostics keep
 * coming, and the user is warned once per crash burst, not once per crash. Runs last because it kills
 * the server.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  describe,
  extension,
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
    await extension().activate(); // resolves once the client has started its server
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
    assert.ok((await crashNotices()).includes(restartedNotice), 'the user is told about the crash');
  });

  test('Should not warn again when the restarted server dies too (one notice per crash burst)', async () => {
    const editor = await openWorkspaceDocument(
      'restart-again.rules',
      lines(
        '*filter', //              line 0
        ':INPUT ACCEPT [0:0]', //  line 1
        'COMMIT', //               line 2
      ),
    );
    await extension().activate(); // resolves once the client has started its server
    // Two crashes in a row; each time a live server must report the option that needs -p first.
    for (const [line, rule] of [
      [2, '-A INPUT --sport 24 -j ACCEPT'],
      [3, '-A INPUT --dport 25 -j ACCEPT'],
    ] as const) {
      const running = serverProcesses();
      assert.ok(running.length > 0, 'no server process to kill');
      for (const server of running) process.kill(server.pid, 'SIGKILL');
      await editor.edit((edit) => edit.insert(new vscode.Position(line, 0), `${rule}\n`));
      await waitForDiagnostics(
        editor.document.uri,
        (d) => d.some((x) => x.range.start.line === line && x.severity === vscode.DiagnosticSeverity.Error),
        `the error on the new line ${line} from a restarted server`,
        30_000,
      );
    }
    const notices = await crashNotices();
    assert.deepStrictEqual(
      notices.filter((n) => n === restartedNotice),
      [restartedNotice],
      'one warning for all crashes within the crash window',
    );
    assert.ok(!notices.some((n) => /crashed \d+ times/.test(n)), 'not given up after a few crashes');
  });
});

const restartedNotice = 'The iptables-lens language server stopped unexpectedly and was restarted.';

/** The crash notifications the extension has shown so far (an internal command of the extension). */
async function crashNotices(): Promise<string[]> {
  return (await vscode.commands.executeCommand<string[]>('iptablesLens.internal.crashNotices')) ?? [];
}
