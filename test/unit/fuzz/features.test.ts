/**
 * Property: the editor features (diagnostics and code actions, semantic tokens, document and
 * workspace symbols, folding, code lenses, inlay hints, hover, completion, definition, references,
 * highlights, rename) never throw on mutated dumps and answer with ranges inside the document.
 */
import fc from 'fast-check';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf, tokenSoup } from '../../helpers/fuzzInputs';
import { exerciseFeatures, positionsIn } from '../../helpers/fuzzInvariants';

/** Cursor positions per document: free naturals, reduced onto the document's lines and columns. */
const cursorSeeds = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 });

describe('Fuzz: editor features', function () {
  it('Should answer inside every seed file at the start of every line', function () {
    for (const seed of seedFiles) {
      const lineCount = seed.text.split(/\r\n|\r|\n/).length;
      const starts = Array.from({ length: Math.min(lineCount, 60) }, (_, line) => ({ line, character: 0 }));
      exerciseFeatures(parseDocument(seed.text), starts);
    }
  });

  it(`Should answer inside mutated real dumps at random positions${runLabel(9501)}`, function () {
    checkProperty(9501, fc.tuple(mutatedCase(), cursorSeeds), ([c, cursors]) => {
      const text = textOf(c);
      exerciseFeatures(parseDocument(text), positionsIn(text, cursors));
    });
  });

  it(`Should answer inside lines of random option-table tokens${runLabel(9502)}`, function () {
    checkProperty(9502, fc.tuple(tokenSoup, cursorSeeds), ([text, cursors]) => {
      exerciseFeatures(parseDocument(text), positionsIn(text, cursors));
    });
  });
});
