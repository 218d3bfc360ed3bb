/**
 * Navigation and editing features over a real LSP connection: the server runs as its own process on
 * stdio (test/helpers/lspClient.ts), so these requests go through the wire protocol, the document
 * cache and the registered handlers. The document is the rendered ambient default dump
 * (test/fixtures/istio/ambient/rendered, derived from Istio's goldens, Apache-2.0) with a few
 * hand-written lines appended in a second block.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CompletionList,
  DocumentHighlight,
  DocumentSymbol,
  FoldingRange,
  InlayHint,
  Location,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LspTestClient } from '../../helpers/lspClient';
import { applyTextEdits } from '../../../server/src/features/formatting';
import { parseDocument } from '../../../server/src/parser/parseDocument';

const fixture = join(
  __dirname,
  '..',
  '..',
  'fixtures',
  'istio',
  'ambient',
  'rendered',
  'default.iptables-nft-save.txt',
);

describe('Navigation and editing over a real LSP connection (stdio)', function () {
  this.timeout(30000);
  const uri = 'file:///pod.rules';
  const dump = readFileSync(fixture, 'utf8');
  const text = `${dump}*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p 6 --dport 22 -s 10.0.0.1 -j ACCEPT\nCOMMIT\n`;
  const lines = text.split('\n');
  const lineOf = (needle: string, from = 0): number =>
    lines.findIndex((l, i) => i >= from && l.startsWith(needle));
  const natLine = lineOf('*nat');
  const jumpLine = lineOf('-A OUTPUT -j ISTIO_OUTPUT', natLine);
  const jumpAt = { line: jumpLine, character: '-A OUTPUT -j ISTIO'.length };
  const doc = { textDocument: { uri } };
  let client: LspTestClient;

  before(async () => {
    assert.ok(natLine > 0 && jumpLine > natLine, 'nat block not found in the fixture');
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, text);
  });
  after(async () => {
    await client.shutdown();
  });

  it('Should return the outline with the three Istio tables and the hand-written filter block', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['*mangle', '*raw', '*nat', '*filter'],
    );
    const nat = symbols[2]!;
    assert.equal(nat.children?.find((c) => c.name === 'ISTIO_OUTPUT')?.detail, '6 rules');
  });

  it('Should find the Istio chains of every table with workspace/symbol', async () => {
    const symbols = await client.request<{ name: string; containerName?: string }[]>('workspace/symbol', {
      query: 'istio_out',
    });
    assert.deepEqual(
      symbols.map((s) => `${s.containerName} ${s.name}`),
      ['*mangle ISTIO_OUTPUT', '*raw ISTIO_OUTPUT', '*nat ISTIO_OUTPUT'],
    );
  });

  it('Should fold every table block', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', doc);
    assert.ok(ranges.some((r) => r.startLine === natLine && lines[r.endLine] === 'COMMIT'));
  });

  it('Should go to the nat ISTIO_OUTPUT declaration from the jump, not to the mangle or raw one', async () => {
    const locations = await client.request<Location[]>('textDocument/definition', {
      ...doc,
      position: jumpAt,
    });
    assert.deepEqual(
      locations.map((l) => l.range.start.line),
      [lineOf(':ISTIO_OUTPUT', natLine)],
    );
  });

  it('Should find the references and highlights of nat ISTIO_OUTPUT', async () => {
    const refs = await client.request<Location[]>('textDocument/references', {
      ...doc,
      position: jumpAt,
      context: { includeDeclaration: false },
    });
    assert.equal(refs.length, 7); // the jump and six -A ISTIO_OUTPUT rules
    const highlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', {
      ...doc,
      position: jumpAt,
    });
    assert.equal(highlights.length, 8);
  });

  it('Should rename nat ISTIO_OUTPUT and leave the mangle and raw chains of that name alone', async () => {
    const range = await client.request<Range | null>('textDocument/prepareRename', {
      ...doc,
      position: jumpAt,
    });
    assert.equal(range?.start.character, '-A OUTPUT -j '.length);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      ...doc,
      position: jumpAt,
      newName: 'POD_OUT',
    });
    const edits = edit.changes?.[uri] ?? [];
    assert.equal(edits.length, 8);
    const renamed = parseDocument(applyTextEdits(text, edits));
    const [mangle, raw, nat] = renamed.ruleset.tables;
    assert.ok(nat?.chains.has('POD_OUT') && !nat.chains.has('ISTIO_OUTPUT'));
    assert.ok(mangle?.chains.has('ISTIO_OUTPUT') && raw?.chains.has('ISTIO_OUTPUT'));
  });

  it('Should refuse a rename to a builtin chain name with an error response', async () => {
    await assert.rejects(
      client.request('textDocument/rename', { ...doc, position: jumpAt, newName: 'PREROUTING' }),
      /builtin/,
    );
  });

  it('Should complete targets after -j in nat, including REDIRECT and the declared chains', async () => {
    const line = lineOf('-A ISTIO_PRERT -s', natLine);
    const list = await client.request<CompletionList>('textDocument/completion', {
      ...doc,
      position: { line, character: lines[line]!.indexOf('-j ') + 3 },
    });
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('REDIRECT'));
    assert.ok(labels.includes('ISTIO_OUTPUT'));
  });

  it('Should format only the hand-written rule; the iptables-save dump is already canonical', async () => {
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      ...doc,
      options: { tabSize: 2, insertSpaces: true },
    });
    const ruleLine = lineOf('-A INPUT');
    assert.deepEqual(
      edits.map((e) => [e.range.start.line, e.newText]),
      [[ruleLine, '-A INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -j ACCEPT']],
    );
  });

  it('Should return no inlay hints for a dump without counters', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      ...doc,
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    });
    assert.deepEqual(hints, []);
  });

  it('Should answer iptables/expectedRuleSet with the Istio rule set of the detected generation', async () => {
    const result = await client.request<{ title: string; text: string } | null>('iptables/expectedRuleSet', {
      uri,
    });
    assert.ok(result);
    assert.ok(
      result.text.includes(
        '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001',
      ),
    );
  });

  it('Should refuse iptables/validateWithTool while the setting is off', async () => {
    const result = await client.request<{ ok: boolean; message?: string }>('iptables/validateWithTool', {
      uri,
      mode: 'test',
    });
    assert.equal(result.ok, false);
    assert.match(result.message ?? '', /off/);
  });

  it('Should publish lint diagnostics and counter hints for a -c dump with a shadowed rule', async () => {
    const counted = 'file:///counted.rules';
    const diagnostics = await client.open(
      counted,
      [
        '*filter', // 0
        ':INPUT ACCEPT [10:600]', // 1
        '[7:420] -A INPUT -s 10.0.0.0/8 -j ACCEPT', // 2
        '[0:0] -A INPUT -s 10.1.2.3/32 -p tcp -m tcp --dport 22 -j DROP', // 3
        'COMMIT', // 4
        '',
      ].join('\n'),
    );
    const shadowed = diagnostics.find((d) => d.code === 'lint.shadowed-rule');
    assert.equal(shadowed?.range.start.line, 3);
    assert.deepEqual(shadowed?.tags, [1]);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: counted },
      range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } },
    });
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.label]),
      [
        [1, '10 pkts · 600 B'],
        [2, '7 pkts · 420 B'],
        [3, '0 pkts · 0 B'],
      ],
    );
  });
});
