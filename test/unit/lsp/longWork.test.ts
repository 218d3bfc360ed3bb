import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { LspTestClient } from '../../helpers/lspClient';

const generator = path.join(__dirname, '..', '..', '..', 'bench', 'gen-kube.mjs');

/**
 * A whole-node dump of a big cluster (450,000 lines, 49 MB) takes seconds to parse on any machine: the server must
 * keep answering other documents meanwhile and show progress for the long work.
 */
describe('Long work on a 450,000-line dump over a real LSP connection', function () {
  this.timeout(300_000);
  let client: LspTestClient;
  let dump: string;

  before(async () => {
    dump = execFileSync(process.execPath, [generator, '30000', '3'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    client = new LspTestClient();
    await client.initialize();
  });
  after(async () => {
    await client.shutdown();
  });

  it('Should answer a hover on another file before the dump is checked, and report progress', async () => {
    const small = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    await client.open('file:///small.rules', small);
    const events: string[] = [];
    const bigChecked = client.open('file:///node-dump.rules', dump).then((d) => {
      events.push('dump checked');
      return d;
    });
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: 'file:///small.rules' },
      position: { line: 2, character: 18 }, // on --dport
    });
    events.push('hover answered');
    assert.match(hover?.contents.value ?? '', /port/i);
    const diagnostics = await bigChecked;
    assert.deepStrictEqual(events, ['hover answered', 'dump checked']);
    // The dump is 49 MB, above the default 5 MB limit: the note says which checks ran.
    assert.ok(diagnostics.some((d) => d.code === 'analysis.size-limit'));

    const parsing = client.progress.filter(
      (p) => p.value.kind === 'begin' && /parsing node-dump\.rules/.test(p.value.title ?? ''),
    );
    assert.strictEqual(parsing.length, 1, JSON.stringify(client.progress.slice(0, 5)));
    const token = parsing[0]!.token;
    const ofParse = client.progress.filter((p) => p.token === token).map((p) => p.value);
    assert.strictEqual(ofParse.at(-1)?.kind, 'end', 'the progress ends');
    const percentages = ofParse.map((v) => v.percentage).filter((p): p is number => p !== undefined);
    assert.deepStrictEqual(
      percentages,
      [...percentages].sort((a, b) => a - b),
      'percentages never go back',
    );
    assert.deepStrictEqual(percentages, [...new Set(percentages)], 'no report repeats the last percentage');
  });

  it('Should answer a hover while the first references request indexes the dump', async () => {
    const lines = dump.split('\n');
    // The last service jump of KUBE-SERVICES: its chain is declared once, named by its own rules and
    // jumped to once; counted on the text, not by the server.
    let at = lines.length - 1;
    while (at > 0 && !/^-A KUBE-SERVICES .* -j KUBE-SVC-/.test(lines[at]!)) at--;
    const name = /-j (KUBE-SVC-\S+)/.exec(lines[at]!)![1]!;
    const written = lines.filter(
      (l) => l === `:${name} - [0:0]` || l.startsWith(`-A ${name} `) || l.endsWith(` -j ${name}`),
    );
    const doc = { textDocument: { uri: 'file:///node-dump.rules' } };
    const position = { line: at, character: lines[at]!.length - 2 };

    // Indexing every chain name of 450,000 lines takes far longer than a hover's few event-loop turns.
    const order: string[] = [];
    const references = client
      .request<{ range: { start: { line: number } } }[]>('textDocument/references', {
        ...doc,
        position,
        context: { includeDeclaration: true },
      })
      .then((answer) => {
        order.push('references answered');
        return answer;
      });
    await client.request('textDocument/hover', {
      textDocument: { uri: 'file:///small.rules' },
      position: { line: 2, character: 18 },
    });
    order.push('hover answered');
    const found = await references;
    assert.deepStrictEqual(order, ['hover answered', 'references answered']);
    assert.deepStrictEqual(
      found.map((r) => lines[r.range.start.line]),
      written,
      `${name} is written on ${written.length} lines`,
    );

    // Definition and the outline prepare their own indexes the same way, then answer from them.
    const definition = await client.request<{ range: { start: { line: number } } }[]>(
      'textDocument/definition',
      { ...doc, position },
    );
    assert.deepStrictEqual(
      definition.map((d) => lines[d.range.start.line]),
      [`:${name} - [0:0]`],
    );
    const outline = await client.request<{ name: string }[]>('textDocument/documentSymbol', doc);
    assert.deepStrictEqual(
      outline.map((t) => t.name),
      lines.filter((l) => l.startsWith('*')),
    );
  });
});
