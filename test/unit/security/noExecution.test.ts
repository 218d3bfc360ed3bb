import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateWithRealTool } from '../../../server/src/validation/realTool';

/**
 * A stand-in for `unshare` that records what it was given: each argv entry on its own line, and
 * standard input byte for byte. Executed directly (execve), so a shell never sees the arguments.
 */
function recordingUnshare(dir: string): string {
  const script = path.join(dir, 'unshare');
  fs.writeFileSync(
    script,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${dir}/argv"\ncat > "${dir}/stdin"\n`,
    { mode: 0o755 },
  );
  return script;
}

describe('Validate with the real tool: file content is data, never a command', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-b-exec-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Should pass the document on standard input, unchanged, and run nothing written in it', async () => {
    const pwned = path.join(dir, 'pwned');
    const text = [
      '*filter', // 1
      `-A INPUT -m comment --comment "$(touch ${pwned})" -j ACCEPT`, // 2  command substitution
      `-A INPUT -m comment --comment "\`touch ${pwned}\`" -j ACCEPT`, // 3  backticks
      `-A INPUT -j ACCEPT; touch ${pwned} | touch ${pwned} && touch ${pwned}`, // 4  separators
      'COMMIT', // 5
      '',
    ].join('\n');
    const result = await validateWithRealTool(text, {
      mode: 'test',
      tool: 'iptables-restore',
      unshareBinary: recordingUnshare(dir),
      asRoot: true,
    });
    assert.deepStrictEqual(result, [], 'the stand-in exits 0, which means "accepted"');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'stdin'), 'utf8'), text);
    assert.strictEqual(fs.existsSync(pwned), false, 'no shell ran the text');
  });

  it('Should hand every argument over as one argv entry, metacharacters and all', async () => {
    const pwned = path.join(dir, 'pwned');
    await validateWithRealTool('*filter\nCOMMIT\n', {
      mode: 'load',
      tool: `iptables-restore; touch ${pwned}`,
      extraArgs: ['--noflush', `$(touch ${pwned})`],
      unshareBinary: recordingUnshare(dir),
      asRoot: true,
    });
    assert.deepStrictEqual(fs.readFileSync(path.join(dir, 'argv'), 'utf8').split('\n').slice(0, -1), [
      '-n',
      `iptables-restore; touch ${pwned}`,
      '--noflush',
      `$(touch ${pwned})`,
    ]);
    assert.strictEqual(fs.existsSync(pwned), false);
  });
});
