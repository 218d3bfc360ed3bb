/**
 * Entry of the ONE integration suite, loaded by both launchers (code-server via the URL payload,
 * @vscode/test-electron via extensionTestsPath). Runs inside the real Node extension host.
 * mocha is pinned to 11: mocha 12 is ESM-only and `require('mocha')` breaks in the extension host.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/**
 * Feature order, cheapest first; the server-restart test kills the server, so it runs last. Any test file
 * not listed still runs (after these), so a new file can never be silently left out.
 */
const preferredOrder = [
  'activation',
  'diagnostics',
  'hover',
  'quickFix',
  'navigation',
  'codeLens',
  'settings',
  'restart',
];

function testFilesInOrder(): string[] {
  const present = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js'));
  const rank = (name: string): number => {
    const index = preferredOrder.indexOf(name.replace(/\.test\.js$/, ''));
    return index < 0 ? preferredOrder.length : index;
  };
  return present.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Runs every compiled `*.test.js` next to this file; resolves on success, rejects on any failure. */
export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Generous per-test budget: the first test also pays for the extension's activation and the server start.
    timeout: 60_000,
    grep: process.env.IPL_E2E_GREP || undefined,
  });
  for (const name of testFilesInOrder()) mocha.addFile(path.join(__dirname, name));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        // CI reads this exact line; mocha's own summary has another shape.
        console.log(`${runner.stats?.passes ?? 0} passed, ${runner.stats?.failures ?? failures} failed`);
        if (failures > 0) reject(new Error(`${failures} integration tests failed`));
        else resolve();
      });
    } catch (error) {
      console.log('0 passed, 1 failed');
      reject(error);
    }
  });
}
