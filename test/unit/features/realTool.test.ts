/**
 * Validation with the system's iptables-restore, run in a throw-away network namespace. The expected
 * messages and line numbers are iptables 1.8.9's own (reference iptables-format.md §1, §9). Skipped,
 * with the reason, when not root or when the tools are missing.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
