#!/usr/bin/env node
// Second launcher of the ONE integration suite: @vscode/test-electron (desktop VS Code 1.100.3), for machines
// that can download VS Code. Same suite, same expectations as the code-server runner (run-ext-tests.js).
// Offline (npm registry + Debian only) the download fails within a second; we then say so and exit 2,
// pointing at the code-server launcher. On a headless Linux box run it under xvfb-run.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');

const repoRoot = path.resolve(__dirname, '..', '..');
const version = process.env.VSCODE_VERSION || '1.100.3';

async function main() {
  const extensionTestsPath = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(extensionTestsPath)) {
    console.error(`${extensionTestsPath} missing; build it with: node test/integration/build.mjs`);
    return 1;
  }
  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath) {
    try {
      vscodeExecutablePath = await downloadAndUnzipVSCode({
        version,
        cachePath: path.join(__dirname, '.vscode-test'),
        timeout: 20000,
      });
    } catch (error) {
      console.error(
        `@vscode/test-electron could not download VS Code ${version}: ${error.message}\n` +
          'This machine cannot reach the VS Code update server (no desktop VS Code exists on npm or in Debian).\n' +
          'Run the same suite in code-server instead:  node test/e2e/run-ext-tests.js\n' +
          'or point VSCODE_EXECUTABLE at an installed VS Code 1.100.x binary.',
      );
      return 2;
    }
  }
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-e2e-electron-'));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
  try {
    // runTests has no overall timeout of its own; the guard fails the run instead of hanging CI.
    const limit = Number(process.env.CS_TEST_TIMEOUT_MS || 420000);
    let timer;
    const guard = new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`no result within ${limit} ms`)), limit)),
    );
    timer.unref();
    await Promise.race([
      guard,
      runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath,
        extensionTestsEnv: {
          IPL_E2E_WORKSPACE: workspace,
          IPL_E2E_REPO: repoRoot,
          IPL_E2E_GREP: process.env.IPL_E2E_GREP || '',
        },
        launchArgs: [
          workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--user-data-dir',
          path.join(runDir, 'data'),
        ],
      }),
    ]);
    clearTimeout(timer);
    return 0;
  } catch (error) {
    console.error(`integration suite failed: ${error.message || error}`);
    return 1;
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
