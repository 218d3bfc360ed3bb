import * as fs from 'fs';
import * as path from 'path';
import type { Dump } from './dumps';
import { insideComment, spreadRuleLines } from './dumpProbes';
import { LspSession } from './lspSession';
import { median, percentile } from './stats';

const diagnosticsSource = path.resolve(
  __dirname,
  '..',
  '..',
  'server',
  'src',
  'lsp',
  'registerDiagnostics.ts',
);

/** The server's re-check delay after a change, read from its source so a changed constant is seen. */
export interface Debounce {
  readonly name: string;
  readonly ms: number;
}

/** The first `const …debounce… = N` in registerDiagnostics.ts, or 0 ms when there is none. */
export function readDebounce(): Debounce {
  const source = fs.readFileSync(diagnosticsSource, 'utf8');
  const match = /const\s+(\w*[dD]ebounce\w*)\s*(?::\s*\w+\s*)?=\s*(\d+)/.exec(source);
  return match ? { name: match[1]!, ms: Number(match[2]) } : { name: '(none found)', ms: 0 };
}

export interface EditResult {
  readonly dump: Dump;
  readonly debounce: Debounce;
  readonly openMs: number;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly medianNetMs: number;
  readonly p90NetMs: number;
}

const waitMs = 5 * 60_000;

/**
 * One character typed in the middle of the file, `edits` times: at 15 different rule lines in the
 * middle 30 % of the file an `x` is inserted just inside the rule's comment quote (version n) and
 * deleted again (version n + 1), each as an incremental didChange with a range. Each sample is the
 * time from that didChange to the diagnostics for its version.
 */
export async function measureEdits(dump: Dump, edits: number): Promise<EditResult> {
  const text = fs.readFileSync(dump.file, 'utf8');
  const lines = text.split('\n');
  const uri = `file://${dump.file}`;
  const debounce = readDebounce();
  const session = new LspSession();
  try {
    await session.initialize();
    const opened = session.diagnosticsFor(uri, 1, waitMs);
    const sentAt = await session.open(uri, text);
    const openMs = (await opened) - sentAt;
    const editLines = spreadRuleLines(lines, Math.ceil(edits / 2), 0.35, 0.65).filter(
      (line) => insideComment(lines[line]!) !== undefined,
    );
    const samples: number[] = [];
    let version = 1;
    for (let i = 0; i < edits && editLines.length > 0; i++) {
      const line = editLines[Math.floor(i / 2) % editLines.length]!;
      const character = insideComment(lines[line]!)!;
      const insert = i % 2 === 0;
      version++;
      const published = session.diagnosticsFor(uri, version, waitMs);
      const at = { line, character };
      const editSentAt = insert
        ? await session.edit(uri, version, { start: at, end: at }, 'x')
        : await session.edit(uri, version, { start: at, end: { line, character: character + 1 } }, '');
      samples.push((await published) - editSentAt);
    }
    const medianMs = median(samples);
    const p90Ms = percentile(samples, 90);
    return {
      dump,
      debounce,
      openMs,
      samplesMs: samples,
      medianMs,
      p90Ms,
      medianNetMs: medianMs - debounce.ms,
      p90NetMs: p90Ms - debounce.ms,
    };
  } finally {
    await session.close();
  }
}
