/**
 * Diagnostics in the Problems model (`vscode.languages.getDiagnostics`), at the ranges the rules of
 * iptables-restore and Istio's rule set imply. Expected facts: iptables 1.8.9 (`iptables-nft-restore --test`),
 * Istio's ambient in-pod rules (cni/pkg/iptables, rendered in test/fixtures/istio/ambient/rendered).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  codeOf,
  describe,
  lineOf,
  lines,
  openWorkspaceDocument,
  readFixture,
  waitForDiagnostics,
  withSwappedLines,
  withoutLine,
} from './helpers';

const ambientDefault = 'istio/ambient/rendered/default.iptables-nft-save.txt';
/** N6 (istio-ambient.md §3.2): inbound capture to ztunnel's plaintext port. */
const inboundCapture =
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006';
/** N11 and N12: the lo ACCEPT must precede the catch-all outbound REDIRECT. */
const loopbackAccept = '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -j ACCEPT';
const outboundCatchAll =
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001';

suite('Diagnostics in the Problems model', () => {
  teardown(closeAllEditors);

  test('Should put the unknown-option error exactly on --dport when no -p tcp loaded the tcp match', async () => {
    // iptables-nft-restore v1.8.9 --test: `unknown option "--dport"`, Error occurred at line: 3
    const editor = await openWorkspaceDocument(
      'unknown-option.rules',
      lines(
        '*filter', //                           line 0
        ':INPUT ACCEPT [0:0]', //               line 1
        '-A INPUT --dport 22 -j ACCEPT', //     line 2: --dport is columns 9..16
        'COMMIT', //                            line 3
      ),
    );
    const diagnostics = await waitForDiagnostics(
      editor.document.uri,
      (d) => d.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
      'an error',
    );
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.strictEqual(errors.length, 1, errors.map(describe).join('\n'));
    assert.deepStrictEqual(
      [
        errors[0].range.start.line,
        errors[0].range.start.character,
        errors[0].range.end.line,
        errors[0].range.end.character,
      ],
      [2, 9, 2, 16],
    );
    assert.match(errors[0].message, /--dport/);
    assert.match(codeOf(errors[0]), /^syntax\./);
  });

  test('Should place an error exactly in a dump the client sends in several pieces', async () => {
    // 81 KB of kube-proxy rules: more than the extension's client writes at once
    // (common/streamingMessageWriter.ts escapes 32 K characters at a time), with a comment whose
    // emoji ends the first piece and non-ASCII, quotes and a tab before the error, so a byte lost,
    // doubled or mis-escaped at a piece edge would move the error or drop it.
    const dump = readFixture('kube/kube-50x3.rules');
    const commentStart = dump.lastIndexOf('\n', 32_000) + 1;
    const comment = `# ${'x'.repeat(32 * 1024 - 3 - commentStart)}😀 é "quoted" \\ tab\t`;
    const lastCommit = dump.lastIndexOf('COMMIT\n');
    const text =
      dump.slice(0, commentStart) +
      `${comment}\n` +
      dump.slice(commentStart, lastCommit) +
      '-A OUTPUT --dport 22 -j ACCEPT\n' +
      dump.slice(lastCommit);
    assert.strictEqual(text.codePointAt(32 * 1024 - 1), 0x1f600, 'the emoji straddles the first piece edge');
    const editor = await openWorkspaceDocument('kube-in-pieces.rules', text);
    const diagnostics = await waitForDiagnostics(
      editor.document.uri,
      (d) => d.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
      'an error',
    );
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const errorLine = lineOf(editor.document, '-A OUTPUT --dport 22 -j ACCEPT');
    assert.strictEqual(errors.length, 1, errors.map(describe).join('\n'));
    // iptables-nft-restore v1.8.9 --test: `unknown option "--dport"` on that line; columns 10..17.
    assert.deepStrictEqual(
      [errors[0].range.start.line, errors[0].range.start.character, errors[0].range.end.character],
      [errorLine, 10, 17],
    );
  });

  test('Should show Istio diagnostics in the workspace-wide Problems list, not only per document', async () => {
    const text = withoutLine(readFixture(ambientDefault), inboundCapture);
    const editor = await openWorkspaceDocument('problems-missing-n6.rules', text);
    await waitForDiagnostics(
      editor.document.uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.')),
      'an istio.* diagnostic',
    );
    const everywhere = vscode.languages.getDiagnostics();
    const entry = everywhere.find(([uri]) => uri.toString() === editor.document.uri.toString());
    assert.ok(entry, 'the document is missing from the Problems model');
    assert.ok(entry[1].some((d) => codeOf(d).startsWith('istio.')));
  });

  test('Should raise an error inside the nat table when the inbound capture REDIRECT to 15006 is missing', async () => {
    const text = withoutLine(readFixture(ambientDefault), inboundCapture);
    const editor = await openWorkspaceDocument('missing-n6.rules', text);
    const document = editor.document;
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.') && x.severity === vscode.DiagnosticSeverity.Error),
      'an istio.* error',
    );
    const natStart = lineOf(document, '*nat');
    const natEnd = lineOf(document, 'COMMIT', natStart);
    const finding = diagnostics.find(
      (d) => codeOf(d).startsWith('istio.') && d.severity === vscode.DiagnosticSeverity.Error,
    );
    assert.ok(finding);
    assert.ok(
      finding.range.start.line >= natStart && finding.range.end.line <= natEnd,
      `expected the finding inside the nat block (lines ${natStart}..${natEnd}): ${describe(finding)}`,
    );
    // istio-ambient.md §11: the message states the consequence: inbound plaintext bypasses ztunnel.
    assert.match(finding.message, /15006|inbound/i);
  });

  test('Should flag the catch-all outbound REDIRECT when it comes before the lo ACCEPT', async () => {
    const text = withSwappedLines(readFixture(ambientDefault), loopbackAccept, outboundCatchAll);
    const editor = await openWorkspaceDocument('misordered-n11-n12.rules', text);
    const document = editor.document;
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.')),
      'an istio.* diagnostic',
    );
    const swapped = [lineOf(document, loopbackAccept), lineOf(document, outboundCatchAll)];
    assert.ok(
      diagnostics.some((d) => codeOf(d).startsWith('istio.') && swapped.includes(d.range.start.line)),
      `expected an istio.* finding on line ${swapped.join(' or ')}:\n${diagnostics.map(describe).join('\n')}`,
    );
  });

  test('Should clear errors and warnings once the file is back to Istio\u2019s own rules', async () => {
    const original = readFixture(ambientDefault);
    const editor = await openWorkspaceDocument('restored.rules', withoutLine(original, inboundCapture));
    const document = editor.document;
    await waitForDiagnostics(
      document.uri,
      (d) => d.some((x) => codeOf(x).startsWith('istio.')),
      'the missing-rule finding',
    );
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    await editor.edit((edit) => edit.replace(whole, original));
    const after = await waitForDiagnostics(
      document.uri,
      (d) => !d.some((x) => x.severity <= vscode.DiagnosticSeverity.Warning),
      'no errors or warnings',
    );
    assert.deepStrictEqual(
      after.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning),
      [],
    );
  });
});
