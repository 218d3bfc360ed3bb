/**
 * Records what the real iptables-restore tools say about every differential file into
 * test/corpus/expected.json. Run as root: `node --import tsx test/kernel/restore/record.ts`.
 * The differential test re-runs the tools and compares with this file, so drift (a new kernel, a
 * new iptables) shows up as a test failure instead of silently changing what we test against.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { backends, disposeOracle, oracleUnavailableReason, runRestore } from './oracle';
import { differentialFiles, expectedPath } from './corpusFiles';
import type { ExpectedFile, RecordedOutcome } from './expected';

function main(): void {
  const reason = oracleUnavailableReason();
  if (reason !== undefined) {
    console.error(`Cannot record: ${reason}.`);
    process.exit(1);
  }
  const files: Record<string, ExpectedFile> = {};
  for (const file of differentialFiles()) {
    const outcomes = backends.map((b) => runRestore(file.path, b));
    const recorded = (i: number): RecordedOutcome => {
      const o = outcomes[i];
      return o.accepted
        ? { exitCode: 0, accepted: true }
        : { exitCode: o.exitCode, accepted: false, line: o.line, lineKind: o.lineKind, message: o.message };
    };
    files[file.id] = { family: outcomes[0].family, nft: recorded(0), legacy: recorded(1) };
    const mark = (o: RecordedOutcome): string => (o.accepted ? 'ok' : `rejects@${o.line}`);
    console.log(`${file.id}: nft ${mark(files[file.id].nft)}, legacy ${mark(files[file.id].legacy)}`);
  }
  disposeOracle();
  const iptablesVersion = execFileSync('iptables-legacy', ['--version'], { encoding: 'utf8' }).trim();
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const doc = { recordedWith: { iptables: iptablesVersion, kernel }, files };
  writeFileSync(expectedPath, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`Wrote ${Object.keys(files).length} files to ${expectedPath}`);
}

main();
