import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createLanguageService } from '../../../server/src/languageService';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { wholeDocumentTokens } from '../../../server/src/lsp/registerSemanticTokens';

const kubeDir = path.join(__dirname, '..', '..', 'fixtures', 'kube');

describe('Whole-document semantic tokens built in slices', function () {
  const service = createLanguageService();

  for (const file of fs.readdirSync(kubeDir).filter((f) => f.endsWith('.rules'))) {
    it(`Should encode ${file} exactly as the one-pass encoder does`, function () {
      const doc = parseDocument(fs.readFileSync(path.join(kubeDir, file), 'utf8'));
      // 100 lines per slice: the 795-line fixture spans eight slices.
      const steps = wholeDocumentTokens(service, doc, 100);
      let step = steps.next();
      let slices = 0;
      for (; !step.done; step = steps.next()) slices++;
      assert.deepStrictEqual(step.value.data, service.getSemanticTokens(doc).data);
      // The fixture must span several slices, or the rebasing of line deltas is not exercised.
      assert.ok(slices >= 2, `${file} has ${doc.tree.lines.length} lines: only ${slices} slice(s)`);
    });
  }
});
