// Starts a throw-away code-server 4.100.3 and a headless Debian chromium driven by
// playwright-core. Shared by the integration runner, the UI test, the .vsix smoke test and
// the sandbox. Recipe: /work/shared/reference/test-harness.md §3–§4.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

const harnessDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(harnessDir, '..', '..');
const defaultCodeServer = path.join(harnessDir, 'node_modules', '.bin', 'code-server');

/** Settings that keep the workbench quiet and offline: no welcome page, no trust prompt, no gallery calls. */
const quietUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Prefixes runner messages with the elapsed time so CI logs show where time goes. */
function createLogger(tag) {
  const started = Date.now();
  return (...args) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`[${tag} ${seconds}s] ${util.format(...args)}`);
  };
}

/** A per-run directory under the (per-run) TMPDIR; removed by the caller's cleanup. */
function makeRunDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ipl-e2e-${tag}-`));
}

/** Resolves when /healthz answers, rejects when the process exits first. Event-driven: one request per response. */
function waitForHealth(port, child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      error ? reject(error) : resolve();
    };
    const onExit = (code) => finish(new Error(`code-server exited with ${code} before it answered /healthz`));
    const timer = setTimeout(
      () => finish(new Error(`code-server did not answer /healthz within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.on('exit', onExit);
    const probe = () => {
      if (settled) return;
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
        res.resume();
        res.statusCode === 200 ? finish() : res.on('end', probe);
      });
      // Connection refused comes back at once while the server is still binding; retrying on the
      // error event is how we wait for the listening socket without a fixed delay.
      req.on('error', () => setImmediate(probe));
      req.on('timeout', () => req.destroy());
    };
    probe();
  });
}

/**
 * Starts code-server in its own process group (so the bootstrap-fork file watcher dies with it) with a
 * throw-away config, user-data and extensions dir under `runDir`.
 * @returns {{ port, url, stop(): Promise<void>, child, dataDir, extensionsDir, log(): string }}
 */
async function startCodeServer({
  port,
  runDir,
  folder,
  env = {},
  userSettings = {},
  codeServer,
  log = () => {},
  extraArgs = [],
}) {
  const bin = codeServer || process.env.CODE_SERVER || defaultCodeServer;
  if (!fs.existsSync(bin)) throw new Error(`code-server not found at ${bin}; run: bash test/e2e/install.sh`);
  const dataDir = path.join(runDir, 'data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  fs.writeFileSync(
    path.join(dataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietUserSettings, ...userSettings }, null, 2),
  );
  const logFile = path.join(runDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    '--config',
    configFile,
    '--user-data-dir',
    dataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  const child = spawn(bin, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return resolve();
      }
      // code-server normally exits on SIGTERM within a second; SIGKILL the group if it does not.
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000).unref();
    });
  try {
    await waitForHealth(port, child, 60000);
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- code-server log ---\n${readTail(logFile)}`);
  }
  log(`code-server up on http://127.0.0.1:${port}`);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop,
    child,
    dataDir,
    extensionsDir,
    log: () => readTail(logFile),
  };
}

function readTail(file, bytes = 6000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

/** Installs a .vsix into the code-server profile of `runDir` (synchronous CLI call, bounded by a timeout). */
function installVsix({ runDir, vsix, codeServer }) {
  const bin = codeServer || process.env.CODE_SERVER || defaultCodeServer;
  // --config keeps code-server from writing ~/.config/code-server/config.yaml.
  const configFile = path.join(runDir, 'install-config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const result = spawnSync(
    bin,
    [
      '--config',
      configFile,
      '--user-data-dir',
      path.join(runDir, 'data'),
      '--extensions-dir',
      path.join(runDir, 'extensions'),
      '--install-extension',
      vsix,
    ],
    { encoding: 'utf8', timeout: 120000, env: { ...process.env } },
  );
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/.test(output)) {
    throw new Error(`installing ${vsix} failed (rc ${result.status}):\n${output}`);
  }
  return output.trim();
}

/** Debian chromium, headless, with everything that would phone home switched off. */
async function launchBrowser() {
  const { chromium } = require(path.join(harnessDir, 'node_modules', 'playwright-core'));
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 60000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A page with generous navigation time: on a busy 2-core CI box the workbench HTML alone can take longer
 * than playwright's 30 s default. Also installs the smoke-test-driver patch below.
 */
async function newWorkbenchPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.setDefaultNavigationTimeout(120000);
  await enableSmokeTestDriver(page);
  return page;
}

/**
 * Newer VS Code builds ignore the URL payload unless the smoke-test driver is enabled; code-server's CLI
 * rejects that flag, so the option is injected where the workbench reads its configuration
 * (test-harness.md §5). Harmless on 4.100.3; installed so a version bump does not silently hang.
 */
async function enableSmokeTestDriver(page) {
  await page.addInitScript(() => {
    const get = Element.prototype.getAttribute;
    Element.prototype.getAttribute = function (name) {
      const value = get.call(this, name);
      if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value)
        return value;
      const config = JSON.parse(value);
      config.developmentOptions = { ...config.developmentOptions, enableSmokeTestDriver: true };
      return JSON.stringify(config);
    };
  });
}

/**
 * Copies extension-host console output (which arrives in the page as `%c INFO` messages) to our stdout,
 * so mocha's reporter and the suite's closing line appear in CI logs.
 */
function forwardExtensionHostConsole(page, sink = console.log) {
  page.on('console', async (message) => {
    const args = await Promise.all(message.args().map((a) => a.jsonValue().catch(() => '?')));
    if (
      typeof args[0] === 'string' &&
      /^%c\s+(INFO|WARN|ERR)/.test(args[0]) &&
      args.length > 2 &&
      !/^\[/.test(String(args[2]))
    ) {
      sink(util.format(...args.slice(2)).replace(/\s+$/, ''));
    }
  });
}

/** `vscode-remote://` URI of a path on the code-server machine, as the URL payload expects. */
function remoteUri(port, p) {
  return `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
}

/** Workbench URL opening `folder`, optionally with an extension-development/test payload. */
function workbenchUrl(port, { folder, payload }) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', path.resolve(folder));
  if (payload) params.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${params.toString()}`;
}

/** Rejects after `ms` with `message`; the timer is unref'd so it never keeps the process alive. */
function deadline(ms, message) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

module.exports = {
  harnessDir,
  repoRoot,
  createLogger,
  makeRunDir,
  startCodeServer,
  installVsix,
  launchBrowser,
  newWorkbenchPage,
  enableSmokeTestDriver,
  forwardExtensionHostConsole,
  remoteUri,
  workbenchUrl,
  deadline,
};
