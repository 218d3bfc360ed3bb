import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { main } from '../../../server/src/cli';
import type { CliIo } from '../../../server/src/cli/io';
import { processIo } from '../../../server/src/cli/io';

const root = path.resolve(__dirname, '..', '..', '..');
const example = path.join(root, 'examples', 'ambient-dns-off.rules');

/** Runs the CLI in-process with captured output. */
async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readFile: processIo.readFile,
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-cli-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const withTypo = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  '-A INPUT -p tcp --dprot 22 -j ACCEPT',
  'COMMIT',
  '',
].join('\n');

describe('iptables-lens check', () => {
  it('Should exit 0 with no error or warning for the bundled ambient example', async () => {
    const { code, out, err } = await run(['check', example]);
    assert.strictEqual(err, '');
    const severities = out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(': ')[1].split(' ')[0]);
    assert.deepStrictEqual(
      severities.filter((s) => s === 'error' || s === 'warning'),
      [],
      out,
    );
    assert.strictEqual(code, 0);
  });

  it('Should print file:line:col: severity code message, 1-based, and exit 1', async () => {
    const file = tempFile('typo.rules', withTypo);
    const { code, out } = await run(['check', file]);
    assert.strictEqual(code, 1);
    const col = '-A INPUT -p tcp '.length + 1;
    assert.match(
      out,
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:${col}: error syntax\\.unknown-option .+$`,
        'm',
      ),
    );
  });

  it('Should emit LSP-shaped JSON with 0-based ranges', async () => {
    const file = tempFile('typo.rules', withTypo);
    const { code, out } = await run(['check', '--format', 'json', file]);
    assert.strictEqual(code, 1);
    const parsed = JSON.parse(out) as {
      file: string;
      diagnostics: {
        range: { start: { line: number; character: number } };
        severity: string;
        code: string;
        source: string;
      }[];
    }[];
    assert.strictEqual(parsed.length, 1);
    assert.strictEqual(parsed[0].file, file);
    const d = parsed[0].diagnostics.find((x) => x.code === 'syntax.unknown-option');
    assert.ok(d);
    assert.deepStrictEqual(d.range.start, { line: 2, character: '-A INPUT -p tcp '.length });
    assert.strictEqual(d.severity, 'error');
    assert.strictEqual(d.source, 'iptables-lens');
  });

  it('Should emit SARIF 2.1.0 with a rule per code and 1-based regions', async () => {
    const file = tempFile('typo.rules', withTypo);
    const { out } = await run(['check', '--format=sarif', file]);
    const sarif = JSON.parse(out);
    assert.strictEqual(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.strictEqual(run0.tool.driver.name, 'iptables-lens');
    assert.ok(run0.tool.driver.rules.some((r: { id: string }) => r.id === 'syntax.unknown-option'));
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === 'syntax.unknown-option');
    assert.strictEqual(result.level, 'error');
    assert.deepStrictEqual(result.locations[0].physicalLocation.region.startLine, 3);
    assert.deepStrictEqual(
      result.locations[0].physicalLocation.region.startColumn,
      '-A INPUT -p tcp '.length + 1,
    );
  });

  it('Should name the Istio rule set with --classify, in text and JSON', async () => {
    // istio-ambient.md §8.1: DNS rules with the 0x539 exclusion plus the raw CT pair → 1.24+, DNS on by default from 1.25.
    const dnsOn = path.join(root, 'examples', 'ambient-dns-on.rules');
    const text = await run(['check', '--classify', dnsOn]);
    assert.match(
      text.out,
      /ambient-dns-on\.rules: Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio 1\.25\+/,
    );
    const json = await run([
      'check',
      '--classify',
      '--format',
      'json',
      path.join(root, 'examples', 'ambient-ipv6.rules'),
    ]);
    assert.match(JSON.parse(json.out)[0].classification, /^Istio ambient in-pod rules, IPv6/);
  });

  it('Should read standard input when the file is -', async () => {
    const { code, out } = await run(['check', '-'], withTypo);
    assert.strictEqual(code, 1);
    assert.match(out, /^<stdin>:3:\d+: error syntax\.unknown-option/m);
  });

  it('Should honour --disable for a code', async () => {
    const { code, out } = await run(['check', '--disable', 'syntax.unknown-option', '-'], withTypo);
    assert.doesNotMatch(out, /syntax\.unknown-option/);
    assert.strictEqual(code, out.trim() === '' ? 0 : 1);
  });

  it('Should exit 2 with a message naming the file when it does not exist or is a directory', async () => {
    const missing = await run(['check', '/nonexistent/rules.v4']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /\/nonexistent\/rules\.v4: no such file/);
    const dir = await run(['check', os.tmpdir()]);
    assert.strictEqual(dir.code, 2);
    assert.match(dir.err, /is a directory/);
  });

  it('Should exit 2 on usage errors', async () => {
    assert.strictEqual((await run(['check'])).code, 2);
    assert.strictEqual((await run(['check', '--format', 'xml', example])).code, 2);
    assert.strictEqual((await run(['frobnicate'])).code, 2);
    assert.strictEqual((await run([])).code, 2);
  });

  it('Should report CRLF files with a message naming the line and not crash on binary junk', async () => {
    const crlf = await run(['check', '-'], withTypo.replace('--dprot', '--dport').replace(/\n/g, '\r\n'));
    assert.strictEqual(crlf.code, 1);
    assert.match(crlf.out, /^<stdin>:1:\d+: error syntax\.crlf /m);
    const junk = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)).toString('latin1');
    const result = await run(['check', '-'], junk);
    // Issue #9: input where no line is iptables syntax is refused with one clear line, exit 2.
    assert.strictEqual(result.code, 2, result.err);
    assert.match(result.err, /^iptables-lens check: <stdin>: does not look like an iptables-save file/);
    assert.strictEqual(result.out, '');
  });

  it('Should work as the bundled executable (dist/cli.js) with the documented exit codes', function () {
    const cli = path.join(root, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) this.skip(); // the bundle is checked by npm test after `npm run build`
    const ok = spawnSync(process.execPath, [cli, 'check', example], { encoding: 'utf8' });
    assert.strictEqual(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, [cli, 'check', '-'], { input: withTypo, encoding: 'utf8' });
    assert.strictEqual(bad.status, 1);
    const usage = spawnSync(process.execPath, [cli, 'check'], { encoding: 'utf8' });
    assert.strictEqual(usage.status, 2);
    assert.match(usage.stderr, /no FILE given/);
  });
});
