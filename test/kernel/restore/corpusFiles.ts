/**
 * The files the differential test feeds to the real tools and to our analysis: the hand-written
 * corpus (test/corpus/{valid,invalid}), the rendered Istio fixtures and the examples.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const corpusRoot = join(repoRoot, 'test', 'corpus');
export const expectedPath = join(corpusRoot, 'expected.json');

export interface CorpusFile {
  /** Path relative to the repository root, `/`-separated; the key in expected.json. */
  readonly id: string;
  readonly path: string;
  /** The corpus folder it sits in; undefined for fixtures and examples. */
  readonly expectation?: 'valid' | 'invalid';
}

function walk(dir: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      out.push(...walk(full, accept));
    } else if (accept(name)) {
      out.push(full);
    }
  }
  return out;
}

function toFile(path: string, expectation?: 'valid' | 'invalid'): CorpusFile {
  return { id: relative(repoRoot, path).split('\\').join('/'), path, expectation };
}

/** Every file of the differential test, in a stable order. */
export function differentialFiles(): CorpusFile[] {
  const isRules = (n: string): boolean => n.endsWith('.rules');
  const corpus = (['valid', 'invalid'] as const).flatMap((kind) =>
    walk(join(corpusRoot, kind), isRules).map((p) => toFile(p, kind)),
  );
  const fixtures = walk(join(repoRoot, 'test', 'fixtures', 'istio'), (n) => n.endsWith('.txt'))
    .filter((p) => p.split('/').includes('rendered'))
    .filter((p) => !p.includes('nft-list-ruleset'))
    .map((p) => toFile(p));
  const examples = walk(join(repoRoot, 'examples'), isRules).map((p) => toFile(p));
  return [...corpus, ...fixtures, ...examples];
}
