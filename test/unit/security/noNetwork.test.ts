import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const dist = path.resolve(__dirname, '..', '..', '..', 'dist');
const bundles = ['client.js', 'server.js', 'readingWorker.js', 'cli.js'];

/** Node modules that reach the network. */
const networkModules = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns'];
/** Browser-style network APIs that Node 20 also has as globals. */
const networkGlobals = [/\bfetch\(/, /\bXMLHttpRequest\b/, /\bnew WebSocket\(/, /\bEventSource\(/];

/**
 * Which bundled module may load which sensitive Node module, and why. Everything else is refused:
 * a new dependency that opens sockets or starts processes makes this test fail until it is reviewed.
 */
const allowed: Readonly<Record<string, readonly string[]>> = {
  // The JSON-RPC transports: IPC between VS Code and the server runs over a pipe/socket.
  net: [
    'node_modules/vscode-jsonrpc/lib/node/main.js',
    // Wraps the inherited stdin descriptor (fd 0) to read it into one buffer; it opens no connection.
    'server/src/lsp/stdinChunks.ts',
  ],
  child_process: [
    // The client starts the bundled server (and may kill its process tree on exit).
    'node_modules/vscode-languageclient/lib/node/main.js',
    'node_modules/vscode-languageclient/lib/node/processes.js',
    // Helpers to locate globally installed modules; only run when called, and we never call them.
    'node_modules/vscode-languageserver/lib/node/files.js',
    // The opt-in "validate with iptables-restore" (trusted workspaces only, no shell).
    'server/src/validation/realTool.ts',
  ],
};

/** Splits an esbuild bundle at its `// <source path>` markers into (source, code) sections. */
function sections(bundle: string): { source: string; code: string }[] {
  const marker = /^\/\/ ((?:node_modules|server|client|common)\/\S+)$/gm;
  const found: { source: string; code: string }[] = [];
  let last = { source: '<bundle prelude>', start: 0 };
  for (const m of bundle.matchAll(marker)) {
    found.push({ source: last.source, code: bundle.slice(last.start, m.index) });
    last = { source: m[1], start: m.index ?? 0 };
  }
  found.push({ source: last.source, code: bundle.slice(last.start) });
  return found;
}

function requiredModules(code: string): string[] {
  return [...code.matchAll(/require\(["'](?:node:)?([\w/]+)["']\)/g)].map((m) => m[1]);
}

describe('Nothing in the shipped bundles talks to the network', () => {
  for (const name of bundles) {
    it(`Should load no network module and use no network API in dist/${name}, apart from the reviewed transports`, function () {
      const file = path.join(dist, name);
      if (!fs.existsSync(file)) this.skip(); // built by `npm run build`; checked whenever it exists
      const bundle = fs.readFileSync(file, 'utf8');
      const parts = sections(bundle);
      assert.ok(parts.length > 1, 'the bundle carries esbuild source markers');
      const violations: string[] = [];
      for (const { source, code } of parts) {
        for (const mod of requiredModules(code)) {
          const sensitive = networkModules.includes(mod) || mod === 'child_process';
          if (sensitive && !(allowed[mod] ?? []).includes(source))
            violations.push(`${source} requires ${mod}`);
        }
        for (const api of networkGlobals) if (api.test(code)) violations.push(`${source} uses ${api.source}`);
      }
      assert.deepStrictEqual(violations, []);
    });
  }

  it('Should find a forbidden require when one is planted (the scan itself works)', () => {
    const planted = '// server/src/evil.ts\nconst h = require("node:https");\n// common/x.ts\nfetch(url);\n';
    const parts = sections(planted);
    assert.deepStrictEqual(
      parts.map((p) => [p.source, requiredModules(p.code)]),
      [
        ['<bundle prelude>', []],
        ['server/src/evil.ts', ['https']],
        ['common/x.ts', []],
      ],
    );
    assert.ok(networkGlobals[0].test(parts[2].code));
  });
});
