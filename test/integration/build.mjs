// Compiles the integration suite (TypeScript) to CommonJS under out/test/integration/, file by file
// (no bundling: `vscode` and `mocha` are resolved at run time inside the extension host).
// Type checking is `npx tsc -p test --noEmit`; esbuild only strips types, so one red unit test elsewhere
// cannot stop the editor suite from being built.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outdir = join(root, 'out', 'test', 'integration');

const entryPoints = readdirSync(here)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(here, name));

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir,
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`integration suite built: ${entryPoints.length} files -> ${outdir}`);
