#!/usr/bin/env node
// Runs the integration suite (test/integration, compiled to out/test/integration) inside the real Node
// extension host of code-server 4.100.3, driven by headless Debian chromium (test-harness.md §4).
// Exit code = the suite's result; the suite itself prints the closing line "N passed, N failed".
//
// Env (all optional):
//   EXT_DEV     extension folder loaded as the development extension   (default: repo root)
//   EXT_TESTS   the suite's CommonJS entry exporting run()               (default: out/test/integration/index.js)
//   WS          folder to open; copied to a throw-away dir first          (default: a fresh dir seeded from examples/)
//   PORT        code-server port                                          (default: 18080)
//   CS_TEST_TIMEOUT_MS  overall guard                                     (default: 600000)
//   IPL_E2E_GREP        mocha grep, forwarded to the suite
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const cs = require('./lib/codeServer');

const log = createLog();
const repoRoot = cs.repoRoot;
const extDev = path.resolve(process.env.EXT_DEV || repoRoot);
const extTests = path.resolve(
  process.env.EXT_TESTS || path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
);
const port = Number(process.env.PORT || 18080);
const timeoutMs = Number(process.env.CS_TEST_TIMEOUT_MS || 600000);

function createLog() {
  return cs.createLogger('cs-test');
}

/** A throw-away copy of the workspace, so tests may edit and save without touching the repo. */
function prepareWorkspace(runDir) {
  const ws = path.join(runDir, 'workspace');
  const source = process.env.WS ? path.resolve(process.env.WS) : path.join(repoRoot, 'examples');
  fs.mkdirSync(ws, { recursive: true });
  if (fs.existsSync(source)) fs.cpSync(source, ws, { recursive: true });
  return ws;
}

async function main() {
  if (!fs.existsSync(extTests))
    throw new Error(`${extTests} does not exist; build it with: node test/integration/build.mjs`);
  if (!fs.existsSync(path.join(extDev, 'dist', 'client.js'))) {
    log(
      `warning: ${path.join(extDev, 'dist', 'client.js')} is missing (npm run build); the extension cannot activate`,
    );
  }
  const runDir = cs.makeRunDir('it');
  const workspace = prepareWorkspace(runDir);
  const guard = cs.deadline(timeoutMs, `integration run exceeded ${timeoutMs} ms`);
  let server;
  let browser;
  try {
    server = await cs.startCodeServer({
      port,
      runDir,
      log,
      env: {
        IPL_E2E_WORKSPACE: workspace,
        IPL_E2E_REPO: repoRoot,
        IPL_E2E_GREP: process.env.IPL_E2E_GREP || '',
        // Per-run temp dir: code-server and the extension host leave sockets there.
        TMPDIR: runDir,
      },
    });
    browser = await cs.launchBrowser();
    const page = await cs.newWorkbenchPage(browser, { width: 1280, height: 800 });
    cs.forwardExtensionHostConsole(page);
    const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    const payload = [
      ['extensionDevelopmentPath', cs.remoteUri(port, extDev)],
      ['extensionTestsPath', cs.remoteUri(port, extTests)],
      ['skipWelcome', 'true'],
    ];
    await page.goto(cs.workbenchUrl(port, { folder: workspace, payload }));
    log('workbench loading, waiting for the suite');
    const code = await Promise.race([done, guard.promise]);
    log(`suite finished, exit ${code}`);
    return Number(code) || 0;
  } catch (error) {
    console.error(`[cs-test] ${error.stack || error}`);
    if (server) console.error(`--- code-server log (tail) ---\n${server.log()}`);
    return 1;
  } finally {
    guard.cancel();
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
