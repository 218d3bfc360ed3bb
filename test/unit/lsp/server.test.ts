import * as assert from 'assert';
import { LspTestClient } from '../../helpers/lspClient';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';

/** Applies LSP text edits to a text (edits must not overlap). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offsetOf(e.range.start)) + e.newText + out.slice(offsetOf(e.range.end));
  return out;
}

const valid = [
  '*filter', // line 0
  ':INPUT ACCEPT [0:0]', // line 1
  ':FORWARD ACCEPT [0:0]', // line 2
  ':OUTPUT ACCEPT [0:0]', // line 3
  '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', // line 4
  'COMMIT', // line 5
  '',
].join('\n');

describe('Language server over a real LSP connection (stdio)', function () {
  this.timeout(30000);
  let client: LspTestClient;

  beforeEach(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  afterEach(async () => {
    await client.shutdown();
  });

  it('Should advertise incremental sync and quick fixes', () => {
    const caps = client.initializeResult!.capabilities;
    assert.deepStrictEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.ok(caps.codeActionProvider, 'codeActionProvider missing');
    assert.strictEqual(client.initializeResult!.serverInfo?.name, 'iptables-lens');
  });

  it('Should publish no diagnostic for a valid filter table', async () => {
    const diagnostics = await client.open('file:///valid.rules', valid);
    assert.deepStrictEqual(diagnostics, []);
  });

  it('Should put an unknown option error on the option token, 0-based, with source and code', async () => {
    const text = valid.replace('--dport 22', '--dprot 22');
    const diagnostics = await client.open('file:///typo.rules', text);
    const error = diagnostics.find((d) => d.severity === 1);
    assert.ok(error, `no error in ${JSON.stringify(diagnostics)}`);
    assert.strictEqual(error.source, 'iptables-lens');
    assert.strictEqual(error.code, 'syntax.unknown-option');
    const start = '-A INPUT -p tcp -m tcp '.length;
    assert.deepStrictEqual(error.range, {
      start: { line: 4, character: start },
      end: { line: 4, character: start + '--dprot'.length },
    });
  });

  it('Should follow incremental edits: fixing the typo clears the error', async () => {
    const uri = 'file:///incremental.rules';
    const typo = await client.open(uri, valid.replace('--dport', '--dprot'));
    assert.ok(typo.some((d) => d.code === 'syntax.unknown-option'));
    const start = '-A INPUT -p tcp -m tcp '.length;
    const fixed = await client.edit(
      uri,
      { start: { line: 4, character: start }, end: { line: 4, character: start + 7 } },
      '--dport',
    );
    assert.deepStrictEqual(fixed, []);
  });

  it('Should offer the CRLF quick fix, and applying it removes every diagnostic', async () => {
    const uri = 'file:///windows.rules';
    const crlf = valid.replace(/\n/g, '\r\n');
    const diagnostics = await client.open(uri, crlf);
    const crlfDiagnostic = diagnostics.find((d) => d.code === 'syntax.crlf');
    assert.ok(crlfDiagnostic, `no syntax.crlf in ${JSON.stringify(diagnostics)}`);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: crlfDiagnostic.range,
      context: { diagnostics: [crlfDiagnostic] },
    });
    const fix = actions.find((a) => a.kind === 'quickfix' && a.edit?.changes?.[uri]);
    assert.ok(fix, `no quick fix in ${JSON.stringify(actions)}`);
    const fixedText = applyEdits(crlf, fix.edit!.changes![uri]);
    assert.strictEqual(fixedText, valid);
    assert.deepStrictEqual(await client.change(uri, fixedText), []);
  });

  it('Should drop a diagnostic code the user switched off in the settings', async () => {
    const uri = 'file:///settings.rules';
    const before = await client.open(uri, valid.replace('--dport', '--dprot'));
    assert.ok(before.some((d) => d.code === 'syntax.unknown-option'));
    const after = await client.changeSettings(
      { diagnostics: { disabledCodes: ['syntax.unknown-option'] } },
      uri,
    );
    assert.ok(!after.some((d) => d.code === 'syntax.unknown-option'), JSON.stringify(after));
  });

  it('Should run only the syntax and Istio checks above the size limit, and say so on line 1', async () => {
    const uri = 'file:///limit.rules';
    const text = [
      '*mangle', //                                                                   line 0
      ':PREROUTING ACCEPT [0:0]',
      ':ISTIO_PRERT - [0:0]',
      // Ambient's mangle half without OUTPUT → ISTIO_OUTPUT: istio-ambient.md M2/M4 are missing.
      '-A PREROUTING -j ISTIO_PRERT',
      '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff',
      'COMMIT',
      '*filter',
      ':INPUT ACCEPT [0:0]',
      // REDIRECT in filter: iptables-restore --test accepts it, the kernel refuses it at commit
      // (netfilter.*, reference §9); the typo is a syntax error iptables-restore itself reports.
      '-A INPUT -p tcp -j REDIRECT --to-ports 15001', //                               line 8
      '-A INPUT -p tcp --dprot 22 -j ACCEPT', //                                         line 9
      'COMMIT',
      '',
    ].join('\n');
    const full = await client.open(uri, text);
    const codes = (list: Diagnostic[]): string[] => list.map((d) => String(d.code));
    assert.ok(codes(full).includes('netfilter.target-wrong-table'), JSON.stringify(full));
    assert.ok(codes(full).includes('syntax.unknown-option'));
    assert.ok(codes(full).includes('istio.missing-jump'));
    assert.ok(!codes(full).includes('analysis.size-limit'));

    const limited = await client.changeSettings({ diagnostics: { maxFileSizeForAnalysis: 10 } }, uri);
    assert.ok(
      !codes(limited).some((c) => c.startsWith('netfilter.') || c.startsWith('lint.')),
      JSON.stringify(limited),
    );
    assert.ok(codes(limited).includes('syntax.unknown-option'));
    assert.ok(codes(limited).includes('istio.missing-jump'), 'the Istio checks still run');
    const note = limited.find((d) => d.code === 'analysis.size-limit');
    assert.ok(note, 'a visible note says checks were skipped');
    assert.strictEqual(note.range.start.line, 0);
    assert.match(String(note.message), /maxFileSizeForAnalysis/);
  });

  it('Should keep serving after binary junk, a 100 KB line and an unterminated quote', async () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const hugeLine = '-A INPUT ' + '-s 10.0.0.1 '.repeat(9000) + '-j ACCEPT';
    const quote = '*filter\n-A INPUT -m comment --comment "oops -j ACCEPT\nCOMMIT\n';
    for (const [i, text] of [junk, `*filter\n${hugeLine}\nCOMMIT\n`, quote].entries()) {
      const diagnostics: Diagnostic[] = await client.open(`file:///bad-${i}.rules`, text);
      assert.ok(Array.isArray(diagnostics));
    }
    assert.deepStrictEqual(await client.open('file:///after.rules', valid), []);
    assert.strictEqual(client.process.exitCode, null, `server died:\n${client.log}`);
  });
});
