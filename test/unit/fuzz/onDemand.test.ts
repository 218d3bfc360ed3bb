/**
 * Property: an on-demand parse (rules kept as handles that re-read their line) is the same parse as
 * the eager one — same tree, problems, chains, rules and jump graph — and every check finds the same,
 * on mutated real dumps and on token soup.
 */
import { strict as assert } from 'node:assert';
import { analyze } from '../../../server/src/analysis/analyzer';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf, tokenSoup } from '../../helpers/fuzzInputs';
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
});
