/**
 * Validation with the system's iptables-restore, run in a throw-away network namespace. The expected
 * messages and line numbers are iptables 1.8.9's own (reference iptables-format.md §1, §9). Skipped,
 * with the reason, when not root or when the tools are missing.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateWithRealTool } from '../../../server/src/validation/realTool';

function unavailable(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  for (const tool of ['unshare', 'iptables-nft-restore', 'iptables-legacy-restore']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

describe('Validate with the real tool', function () {
  this.timeout(30_000);
  before(function () {
    const reason = unavailable();
    if (reason) {
      console.log(`    Skipping real-tool validation: ${reason}.`);
      this.skip();
    }
  });

  it('Should accept a valid file', async function () {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    assert.deepEqual(await validateWithRealTool(text, { mode: 'test', tool: 'iptables-nft-restore' }), []);
  });

  it('Should place an unknown option on the line iptables-restore names', async function () {
    const text = [
      '*filter', // 0
      ':INPUT ACCEPT [0:0]', // 1
      '-A INPUT -p tcp --bogus 1 -j ACCEPT', // 2
      'COMMIT', // 3
      '',
    ].join('\n');
    const result = await validateWithRealTool(text, { mode: 'test', tool: 'iptables-nft-restore' });
    assert.ok(Array.isArray(result));
    assert.deepEqual(
      result.map((f) => [f.code, f.span.line, f.span.end]),
      [['lint.real-tool-error', 2, text.split('\n')[2]!.length]],
    );
    assert.match(result[0]!.message, /unknown option "--bogus"/);
  });

  it('Should catch REDIRECT in filter only with a real load, not with --test', async function () {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j REDIRECT --to-ports 1\nCOMMIT\n';
    assert.deepEqual(await validateWithRealTool(text, { mode: 'test', tool: 'iptables-nft-restore' }), []);
    const nft = await validateWithRealTool(text, { mode: 'load', tool: 'iptables-nft-restore' });
    assert.ok(Array.isArray(nft));
    assert.deepEqual(
      nft.map((f) => f.span.line),
      [2],
    );
    assert.match(nft[0]!.message, /RULE_APPEND failed/);
    const legacy = await validateWithRealTool(text, { mode: 'load', tool: 'iptables-legacy-restore' });
    assert.ok(Array.isArray(legacy));
    // legacy names the COMMIT line of the table the kernel refused.
    assert.deepEqual(
      legacy.map((f) => f.span.line),
      [3],
    );
  });

  it('Should say clearly when the tool is missing', async function () {
    const result = await validateWithRealTool('*filter\nCOMMIT\n', {
      mode: 'test',
      tool: 'iptables-lens-no-such-restore',
    });
    assert.ok(!Array.isArray(result));
    assert.match(result.error, /not installed/);
  });

  it('Should say clearly when unshare is missing', async function () {
    const result = await validateWithRealTool('*filter\nCOMMIT\n', {
      mode: 'test',
      unshareBinary: '/nonexistent/unshare',
    });
    assert.ok(!Array.isArray(result));
    assert.match(result.error, /not found/);
  });
});

describe('Validate with the real tool: clear messages when it cannot run', function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'ipl-nav-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in for unshare that fails the way util-linux does without the right to create namespaces. */
  function fakeUnshare(stderr: string, exitCode: number): string {
    const path = join(dir, `unshare-${exitCode}`);
    writeFileSync(path, `#!/bin/sh\ncat >/dev/null\necho '${stderr}' >&2\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('Should explain that creating a network namespace was refused', async function () {
    const unshareBinary = fakeUnshare('unshare: unshare failed: Operation not permitted', 1);
    const result = await validateWithRealTool('*filter\nCOMMIT\n', {
      mode: 'test',
      unshareBinary,
      asRoot: false,
    });
    assert.ok(!Array.isArray(result));
    assert.match(result.error, /network namespace was refused/);
  });

  it('Should explain missing privileges inside the namespace', async function () {
    // iptables-nft-restore's words without CAP_NET_ADMIN (reference iptables-format.md §9).
    const unshareBinary = fakeUnshare(
      'iptables-nft-restore: line 2 failed: Permission denied (you must be root).',
      1,
    );
    const result = await validateWithRealTool('*filter\nCOMMIT\n', { mode: 'test', unshareBinary });
    assert.ok(!Array.isArray(result));
    assert.match(result.error, /lacks privileges/);
  });
});
