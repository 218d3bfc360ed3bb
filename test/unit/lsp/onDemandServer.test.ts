import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { suiteClient } from '../../helpers/lspClient';

const kube = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'kube', 'kube-50x3.rules'), 'utf8');
const lines = kube.split('\n');

/**
 * Cursor positions on every kind of token: chain names, options, values, jump targets, Istio lines;
 * `offset` lines further down (for the dump with lines inserted before it).
 */
function positions(offset = 0): { line: number; character: number }[] {
  const picked: { line: number; character: number }[] = [];
  for (let line = 0; line < lines.length; line += 7) {
    const text = lines[line]!;
    for (const needle of ['-A ', '-j ', '--dport ', '-d ', '--comment ', ':']) {
      const at = text.indexOf(needle);
      if (at >= 0) picked.push({ line: line + offset, character: at + needle.length + 1 });
    }
  }
  return picked;
}

/** Every answer the editor features give on `uri`, as one JSON text with the uri blanked out. */
async function askEverything(
  client: ReturnType<typeof suiteClient>,
  uri: string,
  lineCount: number,
  offset = 0,
): Promise<string> {
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
      range: { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } },
    }),
  );
  for (const position of positions(offset)) {
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

    const onDemand = await askEverything(client, 'file:///above.rules', lines.length);
    const eager = await askEverything(client, 'file:///below.rules', lines.length);
    assert.ok(onDemand.length > 100_000, 'the requests answered with content');
    assert.strictEqual(onDemand, eager);
  });

  it('Should answer the same on a dump over 1 MB that arrives in pieces as on one decoded whole', async () => {
    // Comment lines after the header push the dump past 1 MB, so the stdio reader hands it over in
    // pieces (lsp/jsonBody.ts), with a piece ending in the middle of the rules. The same dump with a
    // lone surrogate in one comment has no UTF-8 form: its body is decoded by JSON.parse, in one string.
    const padLines = 9_800;
    const padded = (marker: string): string =>
      [
        lines[0],
        ...Array.from({ length: padLines }, (_, i) => `# ${i} ${'p'.repeat(92)}`),
        `# ${marker}`,
        ...lines.slice(1),
      ].join('\n');
    const inPieces = padded('x');
    const whole = padded('\ud800');
    assert.ok(inPieces.length > 1_000_000 && inPieces.length - kube.length < 1_000_000);
    const lineCount = lines.length + padLines + 1;
    for (const [name, settings] of [
      ['on-demand', { diagnostics: { maxFileSizeForAnalysis: 1000 } }],
      ['eager', {}],
    ] as const) {
      const piecesUri = `file:///pieces-${name}.rules`;
      const wholeUri = `file:///whole-${name}.rules`;
      client().settings = settings;
      const piecesDiagnostics = await client().open(piecesUri, inPieces);
      const wholeDiagnostics = await client().open(wholeUri, whole);
      client().settings = {};
      assert.strictEqual(
        piecesDiagnostics.some((d) => d.code === 'analysis.size-limit'),
        name === 'on-demand',
      );
      assert.deepStrictEqual(piecesDiagnostics, wholeDiagnostics);
      const fromPieces = await askEverything(client, piecesUri, lineCount, padLines);
      const fromWhole = await askEverything(client, wholeUri, lineCount, padLines);
      assert.ok(fromPieces.length > 100_000, 'the requests answered with content');
      assert.strictEqual(fromPieces, fromWhole);
    }
  });
});
