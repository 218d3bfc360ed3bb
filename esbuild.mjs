// Bundles the extension client, the language server and the CLI into dist/.
// Runtime dependencies are inlined so the .vsix ships no node_modules.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  // The server's reading worker (server/src/lsp/workerReading.ts), loaded from next to server.js.
  { entryPoints: ['server/src/lsp/readingWorker.ts'], outfile: 'dist/readingWorker.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const build of builds) {
    const ctx = await esbuild.context({ ...common, ...build });
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((build) => esbuild.build({ ...common, ...build })));
}
