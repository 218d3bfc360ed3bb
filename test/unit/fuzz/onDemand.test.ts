/**
 * Property: an on-demand parse (rules kept as handles that re-read their line) is the same parse as
 * the eager one — same tree, problems, chains, rules and jump graph — every check finds the same and
 * every editor feature answers the same, on mutated real dumps and on token soup.
 */
import { strict as assert } from 'node:assert';
import { analyze } from '../../../server/src/analysis/analyzer';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import fc from 'fast-check';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf, tokenSoup } from '../../helpers/fuzzInputs';
import { exerciseFeatures, positionsIn } from '../../helpers/fuzzInvariants';
import { parsedJson } from '../../helpers/parsedJson';

function assertSameParse(text: string): void {
  const eager = parseDocument(text);
  const onDemand = parseDocument(text, { onDemand: true });
  assert.equal(parsedJson(onDemand), parsedJson(eager));
  // Findings are compared on fresh parses: the analysis reads the rules, and the eager parse above
  // has been serialised already (an on-demand rule that was read must not differ from one that was not).
  const fresh = parseDocument(text, { onDemand: true });
  assert.deepEqual(analyze(fresh), analyze(parseDocument(text)));
}

/** JSON with bigints, for answers that carry counters. */
function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

function assertSameAnswers(text: string, cursors: readonly [number, number][]): void {
  const positions = positionsIn(text, [...cursors]);
  const onDemand = exerciseFeatures(parseDocument(text, { onDemand: true }), positions);
  assert.equal(json(onDemand), json(exerciseFeatures(parseDocument(text), positions)));
}

const cursorSeeds = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 });

describe('Fuzz: on-demand parse', function () {
  it('Should equal the eager parse on every seed file', function () {
    for (const seed of seedFiles) assertSameParse(seed.text);
  });

  it(`Should equal the eager parse on mutated real dumps${runLabel(9111)}`, function () {
    checkProperty(9111, mutatedCase(), (c) => assertSameParse(textOf(c)));
  });

  it(`Should equal the eager parse on lines of random option-table tokens${runLabel(9112)}`, function () {
    checkProperty(9112, tokenSoup, (text) => assertSameParse(text));
  });

  it('Should give every editor feature the same answers on every seed file', function () {
    for (const seed of seedFiles) {
      const lineCount = seed.text.split(/\r\n|\r|\n/).length;
      assertSameAnswers(
        seed.text,
        Array.from({ length: Math.min(lineCount, 60) }, (_, line) => [line, 3] as [number, number]),
      );
    }
  });

  it(`Should give every editor feature the same answers on mutated real dumps${runLabel(9113)}`, function () {
    checkProperty(9113, fc.tuple(mutatedCase(), cursorSeeds), ([c, cursors]) =>
      assertSameAnswers(textOf(c), cursors),
    );
  });
});
