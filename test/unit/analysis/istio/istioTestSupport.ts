import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextEditData } from '../../../../server/src/model/span';
import { parseDocument } from '../../../../server/src/parser/parseDocument';
import type { Finding } from '../../../../server/src/analysis/findings';
import { analyze } from '../../../../server/src/analysis/analyzer';

/** test/fixtures/istio, where the rendered Istio dumps live (see test/fixtures/SOURCES.md). */
export const istioFixtureRoot = path.resolve(__dirname, '../../../fixtures/istio');

export function readFixture(relative: string): string {
  return fs.readFileSync(path.join(istioFixtureRoot, relative), 'utf8');
}

/** Every file under a fixture folder, relative to the istio fixture root, sorted. */
export function listFixtures(relativeDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(path.join(istioFixtureRoot, dir)).sort()) {
      const rel = path.join(dir, name);
      if (fs.statSync(path.join(istioFixtureRoot, rel)).isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk(relativeDir);
  return out;
}

/** The istio.* findings of a document. */
export function istioFindings(text: string): Finding[] {
  return analyze(parseDocument(text)).filter((f) => f.code.startsWith('istio.'));
}

/**
 * Applies LSP-style edits (all positions refer to the original text) to a string. Written here, not
 * imported, so the test does not trust the code it tests.
 */
export function applyEdits(text: string, edits: readonly TextEditData[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (line: number, character: number): number => {
    if (line >= lineStarts.length) return text.length;
    return Math.min((lineStarts[line] as number) + character, text.length);
  };
  const resolved = edits
    .map((e) => ({
      start: offset(e.range.start.line, e.range.start.character),
      end: offset(e.range.end.line, e.range.end.character),
      text: e.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Applies the first (preferred, if any) fix of a finding. */
export function applyFirstFix(text: string, f: Finding): string | undefined {
  const fix = f.fixes?.find((x) => x.isPreferred) ?? f.fixes?.[0];
  return fix ? applyEdits(text, fix.edits) : undefined;
}

/** `# 3` style summary of findings for failure messages. */
export function describeFindings(findings: readonly Finding[]): string {
  return (
    findings.map((f) => `  line ${f.span.line}: ${f.code} [${f.severity}] ${f.message}`).join('\n') ||
    '  (none)'
  );
}
