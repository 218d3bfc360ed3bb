/**
 * Headless Neovim 0.7.2 (Debian) as a second, independent LSP client: it starts `dist/server.js --stdio`
 * itself, so these tests prove the server speaks the protocol, not just VS Code's client library.
 * Expected facts: iptables 1.8.9 (`iptables-nft-restore --test`), Istio's ambient in-pod rules
 * (test/fixtures/istio/ambient/rendered, from istio/istio cni/pkg/iptables/testdata).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, runNvim, serverPath } from './runNvim';

const ambientDefault = fs.readFileSync(
  path.join(repoRoot, 'test/fixtures/istio/ambient/rendered/default.iptables-nft-save.txt'),
  'utf8',
);
const ambientLines = ambientDefault.split('\n');
/** N5 (istio-ambient.md §3.2): kubelet probes pass without capture. */
const probeAccept = '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT';
const inboundCapture =
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006';

function hoverValue(result: unknown): string {
  const contents = (result as { contents?: unknown } | null)?.contents;
  const one = (c: unknown): string =>
    typeof c === 'string' ? c : String((c as { value?: string })?.value ?? '');
  return Array.isArray(contents) ? contents.map(one).join('\n') : one(contents);
}

suite('Neovim as an LSP client over stdio', function () {
  this.timeout(90_000);

  suiteSetup(function () {
    if (!fs.existsSync(serverPath)) throw new Error(`${serverPath} is missing: run npm run build first`);
  });

  test('Should receive the unknown-option error exactly on --dport', async () => {
    // iptables-nft-restore v1.8.9 --test: `unknown option "--dport"`, Error occurred at line: 3
    const result = await runNvim(
      'unknown-option.rules',
      [
        '*filter', //                           line 0
        ':INPUT ACCEPT [0:0]', //               line 1
        '-A INPUT --dport 22 -j ACCEPT', //     line 2: --dport is columns 9..16
        'COMMIT', //                            line 3
        '',
      ].join('\n'),
    );
    assert.deepStrictEqual(result.errors, []);
    const errors = result.diagnostics.filter((d) => d.severity === 1);
    assert.strictEqual(errors.length, 1, JSON.stringify(result.diagnostics));
    assert.deepStrictEqual(
      [errors[0].lnum, errors[0].col, errors[0].end_lnum, errors[0].end_col],
      [2, 9, 2, 16],
    );
    assert.strictEqual(errors[0].source, 'iptables-lens');
    assert.match(errors[0].message, /--dport/);
  });

  test('Should answer hover on 0x539 with ztunnel\u2019s socket mark 1337', async () => {
    // A missing rule elsewhere guarantees at least one diagnostic, which is what the client waits for first.
    const text = ambientLines.filter((l) => l !== probeAccept).join('\n');
    const line = text.split('\n').indexOf(inboundCapture);
    const character = inboundCapture.indexOf('0x539') + 2;
    const result = await runNvim('hover.rules', text, [
      { method: 'textDocument/hover', position: { line, character } },
    ]);
    assert.deepStrictEqual(result.errors, []);
    const value = hoverValue(result.responses[0]);
    assert.match(value, /ztunnel/i, value);
    assert.match(value, /1337/, value);
  });

  test('Should go to the nat declaration of ISTIO_PRERT from the nat jump', async () => {
    const text = ambientLines.filter((l) => l !== probeAccept).join('\n');
    const all = text.split('\n');
    const nat = all.indexOf('*nat');
    const jump = all.indexOf('-A PREROUTING -j ISTIO_PRERT', nat);
    const declaration = all.indexOf(':ISTIO_PRERT - [0:0]', nat);
    const result = await runNvim('definition.rules', text, [
      {
        method: 'textDocument/definition',
        position: { line: jump, character: '-A PREROUTING -j '.length + 2 },
      },
    ]);
    assert.deepStrictEqual(result.errors, []);
    const response = result.responses[0] as unknown;
    const list = (Array.isArray(response) ? response : [response]) as {
      range?: { start: { line: number } };
      targetRange?: { start: { line: number } };
    }[];
    assert.deepStrictEqual(
      list.map((l) => (l.targetRange ?? l.range)?.start.line),
      [declaration],
    );
  });

  test('Should offer a quick fix that restores the deleted probe ACCEPT byte for byte', async () => {
    const text = ambientLines.filter((l) => l !== probeAccept).join('\n');
    const first = await runNvim('fix.rules', text);
    assert.deepStrictEqual(first.errors, []);
    const finding = first.diagnostics.find((d) => String(d.code ?? '').startsWith('istio.'));
    assert.ok(finding, `no istio.* diagnostic: ${JSON.stringify(first.diagnostics)}`);
    const result = await runNvim('fix.rules', text, [
      { method: 'textDocument/codeAction', diagnosticCode: String(finding.code), apply: true },
    ]);
    assert.deepStrictEqual(result.errors, []);
    assert.strictEqual(result.textAfterFix, ambientDefault);
  });
});
