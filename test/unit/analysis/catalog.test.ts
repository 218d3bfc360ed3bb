import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { codeCatalog, docsAnchor } from '../../../server/src/analysis/findings';

const docsDir = path.resolve(__dirname, '..', '..', '..', 'docs', 'diagnostics');

describe('Diagnostic code catalog', () => {
  const codes = Object.keys(codeCatalog) as (keyof typeof codeCatalog)[];

  it('Should use namespaced kebab-case codes', () => {
    for (const code of codes) assert.match(code, /^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/, code);
  });

  it('Should document every code under a heading in the page its docs field names', () => {
    for (const code of codes) {
      const [page, anchor] = codeCatalog[code].docs.split('#');
      assert.strictEqual(anchor, docsAnchor(code), `${code}: anchor`);
      const file = path.join(docsDir, page);
      assert.ok(fs.existsSync(file), `${code}: ${file} is missing`);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(
        new RegExp(`^##+ \`?${code.replace(/\./g, '\\.')}\`?\\s*$`, 'm').test(text),
        `${code}: no heading in ${page}`,
      );
    }
  });
});
