/**
 * Properties of the formatter (features/formatting.ts over format/*): its edits stay inside the
 * document and do not overlap, the result re-parses without an internal error, formatting is
 * idempotent, and real iptables-save output is already canonical (parse → print is the identity),
 * also after whole lines of it are deleted, duplicated or swapped.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { formatDocument } from '../../../server/src/features/formatting';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import type { Mutation } from '../../helpers/fuzzInputs';
import { mutatedCase, savedDumps, textOf, tokenSoup } from '../../helpers/fuzzInputs';
import { applyEdits, assertParsedDocument } from '../../helpers/fuzzInvariants';

function format(text: string): string {
  return applyEdits(text, formatDocument(parseDocument(text)));
}

function assertIdempotent(text: string): void {
  const once = format(text);
  assertParsedDocument(parseDocument(once));
  assert.equal(format(once), once, 'formatting the formatted text changes it again');
}

/** Whole-line moves only: every line stays a line iptables-save printed. */
const lineShuffle: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
);

describe('Fuzz: formatter', function () {
  it('Should find the rendered iptables-save dumps under test/fixtures', function () {
    assert.ok(savedDumps.length >= 40, `only ${savedDumps.length} dumps`);
  });

  it('Should leave every real iptables-save dump unchanged', function () {
    for (const dump of savedDumps) assert.deepEqual(formatDocument(parseDocument(dump.text)), [], dump.name);
  });

  it(`Should be idempotent on mutated real dumps${runLabel(9401)}`, function () {
    checkProperty(9401, mutatedCase(), (c) => assertIdempotent(textOf(c)));
  });

  it(`Should be idempotent on lines of random option-table tokens${runLabel(9402)}`, function () {
    checkProperty(9402, tokenSoup, assertIdempotent);
  });

  it(`Should leave real dumps unchanged after whole lines are deleted, duplicated or swapped${runLabel(9403)}`, function () {
    const dumps = fc.record({
      seed: fc.constantFrom(...savedDumps.map((d) => d.name)),
      mutations: fc.array(lineShuffle, { minLength: 1, maxLength: 6 }),
    });
    checkProperty(9403, dumps, (c) => {
      const text = textOf(c);
      assert.deepEqual(formatDocument(parseDocument(text)), []);
    });
  });
});
