/**
 * The formatter never changes meaning: each hand-written corpus file and its formatted text are
 * loaded into two throw-away network namespaces (`unshare -n`) with the real iptables-restore, and
 * the two `iptables-save` dumps must be identical (minus the `#` header/footer lines). Both backends
 * (nft and legacy) are checked. For files written only with `-A`/`-N`, every formatted `-A` line must
 * also appear verbatim in the dump: that is what "canonical form" means.
 *
 * Run as root: `npx mocha test/kernel/format/formatKernel.test.ts`. Skipped, with the reason, when not
 * root or when the tools are missing.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { applyTextEdits, formatDocument } from '../../../server/src/features/formatting';

const corpusDir = join(__dirname, 'corpus');
const backends = ['nft', 'legacy'] as const;
type Backend = (typeof backends)[number];

function unavailableReason(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'not running as root (loading rules needs CAP_NET_ADMIN in a new network namespace)';
  }
  for (const tool of [
    'unshare',
    'iptables-nft-restore',
    'iptables-legacy-restore',
    'ip6tables-nft-restore',
    'ip6tables-legacy-restore',
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return 'unshare -n is not permitted here';
  return undefined;
}

/** Loads `text` into a fresh network namespace and returns the dump without its comment lines. */
function loadAndSave(text: string, backend: Backend, family: 4 | 6): string {
  const prefix = family === 4 ? 'iptables' : 'ip6tables';
  const script = `${prefix}-${backend}-restore && ${prefix}-${backend}-save`;
  const result = spawnSync('unshare', ['-n', 'sh', '-c', script], { input: text, encoding: 'utf8' });
  assert.equal(
    result.status,
    0,
    `${prefix}-${backend}-restore rejected the text:\n${result.stderr}\n${text}`,
  );
  return result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

function format(text: string): string {
  return applyTextEdits(text, formatDocument(parseDocument(text)));
}

/** Files whose commands are only -A/-N and declarations: their -A lines must come out of the dump unchanged. */
function isSaveLayout(text: string): boolean {
  return !/^(\[\d+:\d+\]\s*)?(-[IDRFXEPZ]|--(insert|delete|replace|flush|delete-chain|rename-chain|policy|zero))\b/m.test(
    text,
  );
}

describe('Formatting keeps what the kernel loads (kernel equivalence)', function () {
  this.timeout(120_000);
  const reason = unavailableReason();
  const files = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.rules'))
    .sort();

  before(function () {
    if (reason !== undefined) {
      console.log(`    Skipping the formatter kernel test: ${reason}.`);
      this.skip();
    }
  });

  it('Should have at least 20 hand-written corpus files', function () {
    assert.ok(files.length >= 20, `only ${files.length} files in ${corpusDir}`);
  });

  for (const file of files) {
    const family = file.endsWith('.v6.rules') ? 6 : 4;
    const original = readFileSync(join(corpusDir, file), 'utf8');

    it(`Should change ${file} (it is not already canonical)`, function () {
      assert.notEqual(format(original), original);
    });

    it(`Should leave the formatted ${file} unchanged when formatted again`, function () {
      const once = format(original);
      assert.deepEqual(formatDocument(parseDocument(once)), []);
    });

    for (const backend of backends) {
      it(`Should load ${file} and its formatted text into identical ${backend} rule sets`, function () {
        const formatted = format(original);
        assert.equal(loadAndSave(formatted, backend, family), loadAndSave(original, backend, family));
      });
    }

    if (isSaveLayout(original)) {
      it(`Should print every -A line of formatted ${file} exactly as iptables-save does`, function () {
        const dump = new Set(loadAndSave(original, 'nft', family).split('\n'));
        const ruleLines = format(original)
          .split('\n')
          .map((l) => l.replace(/^\[\d+:\d+\] /, ''))
          .filter((l) => l.startsWith('-A '));
        const missing = ruleLines.filter((l) => !dump.has(l));
        assert.deepEqual(
          missing,
          [],
          `not in the dump:\n${[...dump].filter((l) => l.startsWith('-A')).join('\n')}`,
        );
      });
    }
  }
});
