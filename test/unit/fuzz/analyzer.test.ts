/**
 * Property: the analyzer (every netfilter, Istio and lint check) never reports an internal error
 * (a check that throws becomes `internal.check-failed`) and keeps every finding, related span and
 * quick-fix edit inside the document.
 */
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyze } from '../../../server/src/analysis/analyzer';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf, tokenSoup } from '../../helpers/fuzzInputs';
import { assertFindingInside, assertNoInternalFinding, editorLines } from '../../helpers/fuzzInvariants';

function assertAnalysis(text: string): void {
  const findings = analyze(parseDocument(text));
  assertNoInternalFinding(findings, 'the analyzer');
  const lines = editorLines(text);
  for (const f of findings) assertFindingInside(f, lines);
}

describe('Fuzz: analyze', function () {
  it('Should analyse every seed file without an internal error', function () {
    for (const seed of seedFiles) assertAnalysis(seed.text);
  });

  it(`Should keep its promises on mutated real dumps${runLabel(9201)}`, function () {
    checkProperty(9201, mutatedCase(), (c) => assertAnalysis(textOf(c)));
  });

  it(`Should keep its promises on lines of random option-table tokens${runLabel(9202)}`, function () {
    checkProperty(9202, tokenSoup, assertAnalysis);
  });
});
