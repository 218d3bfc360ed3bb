import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from '../../../server/src/parser/parseDocument';

/**
 * Differential test against the real tools: test/corpus/expected.json records what
 * iptables-nft-restore and iptables-legacy-restore 1.8.9 said about each corpus file (a real
 * load into a throw-away netns). Failures the command-line parser produces — as opposed to the
 * kernel's commit-time checks, which netfilter.* covers — must be errors of ours on the same line.
 */
const repo = path.resolve(__dirname, '..', '..', '..');
const expected = JSON.parse(fs.readFileSync(path.join(repo, 'test', 'corpus', 'expected.json'), 'utf8')) as {
  files: Record<string, { family: 4 | 6; nft: Outcome; legacy: Outcome }>;
};

interface Outcome {
  readonly accepted: boolean;
  readonly line?: number;
  readonly message?: string;
}

/** Messages of commit-time (kernel) failures and of the placement checks netfilter.* owns. */
function isKernelLevel(o: Outcome): boolean {
  const m = o.message ?? '';
  return (
    /RULE_APPEND failed|Too many links|is not intended for filtering|Can't use -[io] with|^line \d+ failed$/.test(
      m,
    ) &&
    !/Bad rule|Index of|No chain\/target\/match|Bad built-in chain|Chain already exists|Bad policy/.test(m)
  );
}

describe('parser: differential against the recorded real-tool corpus', () => {
  for (const [file, outcome] of Object.entries(expected.files)) {
    const text = fs.readFileSync(path.join(repo, file), 'utf8');
    // The corpus records which tool loaded the file; the parser is told the same.
    const parse = () => parseDocument(text, { family: outcome.family === 6 ? 'ipv6' : 'ipv4' });
    if (outcome.nft.accepted) {
      it(`Should report no error for ${file}, which iptables-nft-restore accepts`, () => {
        const doc = parse();
        const errors = doc.problems.filter((p) => p.severity === 'error');
        assert.deepStrictEqual(
          errors.map((p) => `${p.code}@${p.span.line + 1}`),
          [],
        );
      });
      continue;
    }
    if (isKernelLevel(outcome.nft) || outcome.nft.line === undefined) continue;
    // The tools print 1-based lines; `COMMIT expected` names the line after the file.
    it(`Should report an error for ${file} where nft said "${outcome.nft.message}"`, () => {
      const doc = parse();
      const errors = doc.problems.filter((p) => p.severity === 'error');
      assert.ok(errors.length > 0, 'no error reported');
      if (/COMMIT expected/.test(outcome.nft.message ?? '')) {
        assert.ok(errors.some((p) => p.code === 'syntax.missing-commit'));
        return;
      }
      // CRLF is one finding for the whole file (the tool fails on the first line it cannot read).
      if (/\r/.test(text)) {
        assert.ok(errors.some((p) => p.code === 'syntax.crlf'));
        return;
      }
      // nft reports an undefined jump at COMMIT; legacy (and we) on the rule.
      const toolLines = [outcome.nft.line!, outcome.legacy.line].filter((l) => l !== undefined);
      const lines = errors.map((p) => p.span.line + 1);
      assert.ok(
        toolLines.some((l) => lines.includes(l)),
        `errors on lines ${lines.join(',')}, tools on ${toolLines.join(',')}`,
      );
    });
  }
});
