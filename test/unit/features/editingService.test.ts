/**
 * The navigation and editing features through the language-service façade every front end uses
 * (LSP handlers, CLI), with one inline document: the façade must hand out the providers' results.
 */
import * as assert from 'node:assert/strict';
import { createLanguageService } from '../../../server/src/languageService';

const service = createLanguageService();
const uri = 'file:///svc.rules';
const text = [
  '*nat', // 0
  ':OUTPUT ACCEPT [0:0]', // 1
  ':ISTIO_OUTPUT - [0:0]', // 2
  '[9:540] -A OUTPUT -j ISTIO_OUTPUT', // 3
  '[0:0] -A ISTIO_OUTPUT -p 6 ! -d 127.0.0.1 -m mark ! --mark 1337/4095 -j REDIRECT --to-port 15001', // 4
  'COMMIT', // 5
  '',
].join('\n');
const jump = { line: 3, character: '[9:540] -A OUTPUT -j ISTIO'.length };

describe('Editing features through the language service', function () {
  const doc = service.parse(text);

  it('Should resolve the jump to its declaration and rename every occurrence', function () {
    assert.deepEqual(
      service.getDefinition(doc, uri, jump).map((l) => l.range.start.line),
      [2],
    );
    assert.equal(service.getReferences(doc, uri, jump, true).length, 3);
    assert.equal(service.getDocumentHighlights(doc, jump).length, 3);
    assert.ok(service.prepareRename(doc, jump));
    const result = service.getRenameEdits(doc, uri, jump, 'POD_OUTPUT');
    assert.ok('edit' in result && result.edit.changes?.[uri]?.length === 3);
  });

  it("Should format the hand-written REDIRECT to the form iptables-save prints for Istio's rule", function () {
    const edits = service.formatDocument(doc);
    assert.deepEqual(
      edits.map((e) => e.newText),
      [
        '[0:0] -A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001',
      ],
    );
  });

  it('Should give outline, folding, completion, a counter hint per chain and rule, and workspace symbols', function () {
    assert.equal(service.getDocumentSymbols(doc)[0]?.name, '*nat');
    assert.ok(service.getFoldingRanges(doc).some((r) => r.startLine === 0 && r.endLine === 5));
    assert.ok(service.getCompletions(doc, { line: 3, character: 0 }).items.some((i) => i.label === '-A'));
    const hints = service.getInlayHints(doc, {
      start: { line: 0, character: 0 },
      end: { line: 6, character: 0 },
    });
    assert.deepEqual(
      hints.map((h) => h.label),
      ['0 pkts · 0 B', '0 pkts · 0 B', '9 pkts · 540 B', '0 pkts · 0 B'],
    );
    assert.deepEqual(
      service.getWorkspaceSymbols([{ uri, doc }], 'istio').map((s) => s.name),
      ['ISTIO_OUTPUT'],
    );
  });
});
