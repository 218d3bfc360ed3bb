import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { suiteClient } from '../../helpers/lspClient';

const kube = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'kube', 'kube-50x3.rules'), 'utf8');
const lines = kube.split('\n');

/** Cursor positions on every kind of token: chain names, options, values, jump targets, Istio lines. */
function positions(): { line: number; character: number }[] {
  const picked: { line: number; character: number }[] = [];
  for (let line = 0; line < lines.length; line += 7) {
    const text = lines[line]!;
    for (const needle of ['-A ', '-j ', '--dport ', '-d ', '--comment ', ':']) {
      const at = text.indexOf(needle);
      if (at >= 0) picked.push({ line, character: at + needle.length + 1 });
    }
  }
  return picked;
}

/**
 * Above the size limit the server parses rules on demand (parser/onDemand.ts). Over a real LSP
 * connection, every editor feature must answer exactly as it does on the eagerly parsed document:
 * the same dump is opened twice, once under a size limit it exceeds and once under the default.
 */
describe('On-demand rules over a real LSP connection', function () {
  this.timeout(120000);
  const client = suiteClient();

  it('Should answer every request on a dump above the size limit as on the same dump below it', async () => {
    // Settings are pulled per document when it is first parsed.
    client().settings = { diagnostics: { maxFileSizeForAnalysis: 1000 } };
    const above = await client().open('file:///above.rules', kube);
    client().settings = {};
    const below = await client().open('file:///below.rules', kube);
    assert.ok(
      above.some((d) => d.code === 'analysis.size-limit'),
      'the first copy is above the limit',
    );
    assert.ok(!below.some((d) => d.code === 'analysis.size-limit'), 'the second copy is below it');

    const ask = async (uri: string): Promise<string> => {
      const doc = { textDocument: { uri } };
      const answers: unknown[] = [];
      for (const method of [
        'textDocument/documentSymbol',
        'textDocument/foldingRange',
        'textDocument/codeLens',
        'textDocument/semanticTokens/full',
      ])
        answers.push(await client().request(method, doc));
      answers.push(
        await client().request('textDocument/inlayHint', {
          ...doc,
          range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
        }),
      );
      for (const position of positions()) {
        for (const method of [
          'textDocument/hover',
          'textDocument/definition',
          'textDocument/references',
          'textDocument/documentHighlight',
          'textDocument/completion',
        ])
          answers.push(
            await client().request(method, { ...doc, position, context: { includeDeclaration: true } }),
          );
      }
      return JSON.stringify(answers).split(uri).join('URI');
    };
    const onDemand = await ask('file:///above.rules');
    const eager = await ask('file:///below.rules');
    assert.ok(onDemand.length > 100_000, 'the requests answered with content');
    assert.strictEqual(onDemand, eager);
  });
});
