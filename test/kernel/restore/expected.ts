/** Shape of test/corpus/expected.json, written by record.ts from the real tools. */
import { readFileSync } from 'node:fs';
import type { Family, ReportedLineKind } from './oracle';
import { expectedPath } from './corpusFiles';

export interface RecordedOutcome {
  readonly exitCode: number;
  readonly accepted: boolean;
  readonly line?: number;
  readonly lineKind?: ReportedLineKind;
  readonly message?: string;
}

export interface ExpectedFile {
  readonly family: Family;
  readonly nft: RecordedOutcome;
  readonly legacy: RecordedOutcome;
}

export interface ExpectedDocument {
  readonly recordedWith: { readonly iptables: string; readonly kernel: string };
  readonly files: Readonly<Record<string, ExpectedFile>>;
}

export function readExpected(): ExpectedDocument {
  return JSON.parse(readFileSync(expectedPath, 'utf8')) as ExpectedDocument;
}
