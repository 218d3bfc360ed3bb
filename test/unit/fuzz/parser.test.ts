/**
 * Property: the parser never throws, never reports an internal error, gives one node per editor line
 * and keeps every span inside the document, on mutated real dumps and on token soup.
 */
import fc from 'fast-check';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf, tokenSoup } from '../../helpers/fuzzInputs';
import { assertParsedDocument } from '../../helpers/fuzzInvariants';

describe('Fuzz: parseDocument', function () {
  it('Should parse every seed file cleanly before any mutation', function () {
    for (const seed of seedFiles) assertParsedDocument(parseDocument(seed.text));
  });

  it(`Should keep its promises on mutated real dumps${runLabel(9101)}`, function () {
    checkProperty(9101, mutatedCase(), (c) => assertParsedDocument(parseDocument(textOf(c))));
  });

  it(`Should keep its promises on lines of random option-table tokens${runLabel(9102)}`, function () {
    checkProperty(9102, tokenSoup, (text) => assertParsedDocument(parseDocument(text)));
  });

  it(`Should keep its promises on arbitrary strings, lone surrogates included${runLabel(9103)}`, function () {
    checkProperty(9103, fc.string({ unit: 'binary', maxLength: 400 }), (text) =>
      assertParsedDocument(parseDocument(text)),
    );
  });

  it(`Should keep its promises for either family forced by the caller${runLabel(9104)}`, function () {
    checkProperty(
      9104,
      fc.tuple(mutatedCase(), fc.constantFrom('ipv4' as const, 'ipv6' as const)),
      ([c, family]) => assertParsedDocument(parseDocument(textOf(c), { family })),
    );
  });
});
