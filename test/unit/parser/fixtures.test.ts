import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from '../../../server/src/parser/parseDocument';

const root = path.resolve(__dirname, '..', '..', 'fixtures', 'istio');

/** Every real iptables-save / ip6tables-save rendering under test/fixtures/istio (nft list output excluded). */
function renderedDumps(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...renderedDumps(full));
    else if (
      full.includes(`${path.sep}rendered${path.sep}`) &&
      /tables-(nft|legacy)-save\.txt$/.test(entry.name)
    )
      out.push(full);
  }
  return out.sort();
}

describe('parser: every rendered Istio dump', () => {
  const files = renderedDumps(root);

  it('Should find the rendered dumps', () => {
    assert.ok(files.length >= 40, `only ${files.length} dumps found`);
  });

  for (const file of files) {
    const name = path.relative(root, file);
    it(`Should parse ${name} with zero problems and every rule in a declared chain`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const doc = parseDocument(text);
      assert.deepStrictEqual(
        doc.problems.map((p) => `${p.code}@${p.span.line + 1}: ${p.message}`),
        [],
      );
      // iptables-save prints one -A line per rule: the model holds exactly those, in their chains.
      const appendLines = text.split('\n').filter((l) => l.startsWith('-A ')).length;
      const inChains = doc.ruleset.tables.reduce(
        (n, t) => n + [...t.chains.values()].reduce((m, c) => m + c.rules.length, 0),
        0,
      );
      assert.strictEqual(inChains, appendLines);
      assert.strictEqual(doc.ruleset.rules.length, appendLines);
      // One table block per *table line.
      assert.strictEqual(doc.ruleset.tables.length, text.split('\n').filter((l) => l.startsWith('*')).length);
    });
  }

  it('Should give ip6tables dumps the ipv6 family (from the save header)', () => {
    const v6 = files.filter((f) => f.includes('ip6tables'));
    assert.ok(v6.length > 0);
    for (const f of v6) {
      const doc = parseDocument(fs.readFileSync(f, 'utf8'));
      assert.strictEqual(doc.tree.family, 'ipv6', f);
      assert.ok(
        doc.ruleset.tables.every((t) => t.family === 'ipv6'),
        f,
      );
    }
  });
});
