/**
 * Differential test: every corpus file, rendered Istio fixture and example is loaded with the real
 * iptables-nft-restore and iptables-legacy-restore in a throw-away network namespace, and analysed
 * by us; the two must agree (see agreement.ts for the exact rule). The live tool results must also
 * equal test/corpus/expected.json, so a changed kernel or iptables shows up as drift.
 *
 * Run as root: `npx mocha test/kernel/restore/differential.test.ts`. Without root or without the
 * tools the suite is skipped with the reason.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../../server/src/analysis/analyzer';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { disagreements } from './agreement';
import { differentialFiles } from './corpusFiles';
import { readExpected, type RecordedOutcome } from './expected';
import { backends, disposeOracle, oracleUnavailableReason, runRestore, type Backend } from './oracle';

describe('Differential test against the real iptables-restore', function () {
  this.timeout(60_000);
  const unavailable = oracleUnavailableReason();
  const files = differentialFiles();
  const agreed: Record<Backend, number> = { nft: 0, legacy: 0 };
  let compared = 0;

  before(function () {
    if (unavailable !== undefined) {
      console.log(`    Skipping the differential test: ${unavailable}.`);
      this.skip();
    }
  });

  after(function () {
    disposeOracle();
    if (compared > 0) {
      console.log(
        `    Differential summary: ${compared} files × ${backends.length} backends — ` +
          backends.map((b) => `${b} agreed on ${agreed[b]}/${compared}`).join(', '),
      );
    }
  });

  it('Should hold at least 80 invalid corpus files', function () {
    assert.ok(files.filter((f) => f.expectation === 'invalid').length >= 80);
  });

  for (const file of files) {
    it(`Should agree with both backends on ${file.id}`, function () {
      const expected = readExpected().files[file.id];
      assert.ok(
        expected,
        `${file.id} is not in test/corpus/expected.json; run: node --import tsx test/kernel/restore/record.ts`,
      );
      const verdicts = backends.map((b) => runRestore(file.path, b));
      for (const v of verdicts) {
        const recorded: RecordedOutcome = expected[v.backend];
        assert.deepEqual(
          { accepted: v.accepted, line: v.line },
          { accepted: recorded.accepted, line: recorded.line },
          `${v.backend} no longer says what expected.json recorded (drift): ${v.stderr.trim()}`,
        );
      }
      if (file.expectation === 'valid') {
        assert.ok(
          verdicts.every((v) => v.accepted),
          'a valid/ corpus file must be accepted by both backends',
        );
      }
      if (file.expectation === 'invalid') {
        assert.ok(
          verdicts.some((v) => !v.accepted),
          'an invalid/ corpus file must be rejected by a backend',
        );
      }
      const text = readFileSync(file.path, 'utf8');
      const doc = parseDocument(text, { family: verdicts[0].family === 6 ? 'ipv6' : 'ipv4' });
      const findings = analyze(doc);
      compared++;
      const problems: string[] = [];
      for (const v of verdicts) {
        const mismatch = disagreements(doc, findings, v);
        if (mismatch.length === 0) {
          agreed[v.backend]++;
        }
        problems.push(...mismatch);
      }
      assert.deepEqual(problems, [], `${file.id}:\n  ${problems.join('\n  ')}`);
    });
  }
});
