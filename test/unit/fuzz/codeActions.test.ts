/**
 * Property: every quick fix offered on a mutated dump applies cleanly (ranges inside the document,
 * no overlapping edits) and gives text that re-parses and re-analyses without an internal error;
 * a fix never leaves more syntax errors than it found.
 */
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyze } from '../../../server/src/analysis/analyzer';
import { defaultSettings } from '../../../server/src/settings';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import { mutatedCase, seedFiles, textOf } from '../../helpers/fuzzInputs';
import {
  applyEdits,
  assertNoInternalFinding,
  assertParsedDocument,
  fuzzUri,
  languageService,
} from '../../helpers/fuzzInvariants';

/** Enough actions per document to reach every kind of fix without spending the budget on one big file. */
const maxActionsPerDocument = 40;

function syntaxErrorCount(text: string): number {
  return parseDocument(text).problems.filter((p) => p.severity === 'error' && p.code.startsWith('syntax.'))
    .length;
}

/** Applies every offered action (single fixes and fix-alls) to the text, one at a time. */
function assertFixesApply(text: string, options: { compareSyntaxErrors: boolean }): void {
  const doc = parseDocument(text);
  const diagnostics: Diagnostic[] = languageService.getDiagnostics(doc, fuzzUri, defaultSettings);
  const actions = languageService
    .getCodeActions(fuzzUri, diagnostics, diagnostics)
    .slice(0, maxActionsPerDocument);
  const errorsBefore = options.compareSyntaxErrors ? syntaxErrorCount(text) : 0;
  for (const action of actions) {
    const fixed = applyEdits(text, action.edit?.changes?.[fuzzUri] ?? []);
    const reparsed = parseDocument(fixed);
    assertParsedDocument(reparsed);
    assertNoInternalFinding(analyze(reparsed), `the analyzer after "${action.title}"`);
    if (options.compareSyntaxErrors) {
      const after = syntaxErrorCount(fixed);
      assert.ok(
        after <= errorsBefore,
        `"${action.title}" left ${after} syntax errors where there were ${errorsBefore}`,
      );
    }
  }
}

describe('Fuzz: quick fixes', function () {
  it('Should apply every fix offered on the seed files and not add syntax errors', function () {
    for (const seed of seedFiles) assertFixesApply(seed.text, { compareSyntaxErrors: true });
  });

  it(`Should apply every fix offered on mutated real dumps to text that re-parses${runLabel(9301)}`, function () {
    checkProperty(9301, mutatedCase(), (c) => assertFixesApply(textOf(c), { compareSyntaxErrors: false }));
  });

  it(`Should not add syntax errors with any fix on lightly mutated dumps${runLabel(9302)}`, function () {
    checkProperty(9302, mutatedCase(seedFiles, 2), (c) =>
      assertFixesApply(textOf(c), { compareSyntaxErrors: true }),
    );
  });
});
