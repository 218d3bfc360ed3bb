/**
 * Chain navigation through the providers with inline documents: outline, workspace symbols, folding,
 * definition, references, highlights and rename. Cursor positions are given as (line, column) into
 * the numbered lines.
 */
import * as assert from 'node:assert/strict';
import { DocumentHighlightKind, SymbolKind } from 'vscode-languageserver-types';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import {
  getDocumentSymbols,
  maxRuleSymbols,
  maxUserChainSymbols,
} from '../../../server/src/features/documentSymbols';
import { fuzzyMatches, getWorkspaceSymbols } from '../../../server/src/features/workspaceSymbols';
import { getFoldingRanges } from '../../../server/src/features/folding';
import { getDefinition } from '../../../server/src/features/definition';
import { getReferences } from '../../../server/src/features/references';
import { getDocumentHighlights } from '../../../server/src/features/documentHighlights';
import { getRenameEdits, prepareRename } from '../../../server/src/features/rename';
import { applyTextEdits } from '../../../server/src/features/formatting';
import { createLanguageService } from '../../../server/src/languageService';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const generator = path.join(__dirname, '..', '..', '..', 'bench', 'gen-kube.mjs');

const uri = 'file:///pod.rules';

const natDoc = [
  '*nat', // 0
  ':PREROUTING ACCEPT [0:0]', // 1
  ':INPUT ACCEPT [0:0]', // 2
  ':OUTPUT ACCEPT [0:0]', // 3
  ':POSTROUTING ACCEPT [0:0]', // 4
  ':ISTIO_OUTPUT - [0:0]', // 5
  ':ISTIO_PRERT - [0:0]', // 6
  '-A PREROUTING -j ISTIO_PRERT', // 7
  '-A OUTPUT -j ISTIO_OUTPUT', // 8
  '-A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 9
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001', // 10
  '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 11
  '-F ISTIO_PRERT', // 12
  'COMMIT', // 13
  '',
].join('\n');

describe('Document symbols', function () {
  it('Should nest tables, chains with policy and rule count, and rules named by target', function () {
    const symbols = getDocumentSymbols(parseDocument(natDoc));
    assert.equal(symbols.length, 1);
    const table = symbols[0]!;
    assert.equal(table.name, '*nat');
    const output = table.children?.find((c) => c.name === 'OUTPUT');
    assert.equal(output?.detail, 'policy ACCEPT · 1 rule');
    const istioOutput = table.children?.find((c) => c.name === 'ISTIO_OUTPUT');
    assert.equal(istioOutput?.kind, SymbolKind.Function);
    assert.equal(istioOutput?.detail, '2 rules');
    assert.deepEqual(
      istioOutput?.children?.map((r) => r.name.split(' ')[0]),
      ['ACCEPT', 'REDIRECT'],
    );
    assert.match(
      istioOutput?.children?.[1]?.name ?? '',
      /^REDIRECT 15001 · tcp ! -d 127\.0\.0\.1\/32 mark !0x539\/0xfff/,
    );
  });

  it('Should keep every rule range inside its chain range and every chain inside the table (breadcrumbs)', function () {
    const [table] = getDocumentSymbols(parseDocument(natDoc));
    for (const chain of table?.children ?? []) {
      assert.ok(
        chain.range.start.line >= table!.range.start.line && chain.range.end.line <= table!.range.end.line,
        chain.name,
      );
      for (const rule of chain.children ?? []) {
        assert.ok(
          rule.range.start.line >= chain.range.start.line && rule.range.end.line <= chain.range.end.line,
          rule.name,
        );
      }
    }
  });

  it('Should list chains without rule children once the file holds more rules than the outline limit', function () {
    const rules = Array.from(
      { length: maxRuleSymbols + 1 },
      (_, i) => `-A KUBE-SEP -s 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32 -j DROP`,
    );
    const doc = parseDocument(['*filter', ':KUBE-SEP - [0:0]', ...rules, 'COMMIT', ''].join('\n'));
    const [table] = getDocumentSymbols(doc);
    const chain = table?.children?.find((c) => c.name === 'KUBE-SEP');
    assert.equal(chain?.detail, `${maxRuleSymbols + 1} rules`);
    assert.equal(chain?.children, undefined);
    // The chain's range still runs from its declaration to its last rule (line 1 to the line before COMMIT).
    assert.equal(chain?.range.start.line, 1);
    assert.equal(chain?.range.end.line, maxRuleSymbols + 2);
  });

  it('Should list at most the user-chain limit per table, keep builtin and Istio chains, and count the rest', function () {
    const count = maxUserChainSymbols + 3;
    const declarations = Array.from({ length: count }, (_, i) => `:KUBE-SEP-${i} - [0:0]`);
    const text = ['*nat', ':PREROUTING ACCEPT [0:0]', ...declarations, ':ISTIO_PRERT - [0:0]', 'COMMIT', ''];
    const [table] = getDocumentSymbols(parseDocument(text.join('\n')));
    const names = table?.children?.map((c) => c.name) ?? [];
    assert.equal(names.filter((n) => n.startsWith('KUBE-SEP-')).length, maxUserChainSymbols);
    assert.ok(names.includes('PREROUTING'));
    assert.ok(names.includes('ISTIO_PRERT'), 'declared after the limit, still listed');
    assert.equal(table?.detail, '3 more chains not listed');
  });

  it('Should count the rules a -F left in the chain (none)', function () {
    const [table] = getDocumentSymbols(parseDocument(natDoc));
    assert.equal(table?.children?.find((c) => c.name === 'ISTIO_PRERT')?.detail, '0 rules');
  });
});

describe('Workspace symbols', function () {
  it('Should find chains across documents by a fuzzy query', function () {
    const other = ['*mangle', ':ISTIO_PRERT - [0:0]', 'COMMIT', ''].join('\n');
    const found = getWorkspaceSymbols(
      [
        { uri, doc: parseDocument(natDoc) },
        { uri: 'file:///other.rules', doc: parseDocument(other) },
      ],
      'istprt',
    );
    assert.deepEqual(
      found.map((s) => `${s.containerName} ${s.name} ${'uri' in s.location ? s.location.uri : ''}`),
      ['*nat ISTIO_PRERT file:///pod.rules', '*mangle ISTIO_PRERT file:///other.rules'],
    );
  });
});

describe('Workspace symbol matching', function () {
  it('Should match the query characters in order, ignoring case, in ASCII and other names alike', function () {
    assert.equal(fuzzyMatches('istprt', 'ISTIO_PRERT'), true);
    assert.equal(fuzzyMatches('ISTPRT', 'istio_prert'), true);
    assert.equal(fuzzyMatches('prtist', 'ISTIO_PRERT'), false);
    assert.equal(fuzzyMatches('', 'ANY'), true);
    assert.equal(fuzzyMatches('kube-svc-', 'KUBE-SVC-ÄÖ'), true);
    assert.equal(fuzzyMatches('äö', 'KUBE-SVC-ÄÖ'), true);
    assert.equal(fuzzyMatches('öä', 'KUBE-SVC-ÄÖ'), false);
    // Lowering 'İ' gives 'i' and a combining dot: the name is lowered whole, as String#toLowerCase does.
    assert.equal(fuzzyMatches('ix', 'CHAİN-X'), true);
  });
});

describe('Folding ranges', function () {
  it('Should fold each table block and each run of rules of one chain', function () {
    const doc = [
      '# dump', // 0
      '# second comment line', // 1
      '*filter', // 2
      ':INPUT ACCEPT [0:0]', // 3
      '-A INPUT -p tcp -j ACCEPT', // 4
      '-A INPUT -p udp -j ACCEPT', // 5
      '-A INPUT -p icmp -j ACCEPT', // 6
      '-A OUTPUT -j ACCEPT', // 7
      'COMMIT', // 8
      '',
    ].join('\n');
    const ranges = getFoldingRanges(parseDocument(doc)).map((r) => [r.startLine, r.endLine, r.kind ?? '']);
    assert.deepEqual(ranges, [
      [0, 1, 'comment'],
      [2, 8, ''],
      [4, 6, ''],
    ]);
  });
});

describe('Definition, references and highlights of chains', function () {
  it('Should go from a -j operand to the chain declaration', function () {
    const locations = getDefinition(parseDocument(natDoc), uri, { line: 8, character: 16 });
    assert.deepEqual(
      locations.map((l) => l.range.start),
      [{ line: 5, character: 1 }],
    );
  });

  it('Should go from a -A chain operand to the declaration', function () {
    const locations = getDefinition(parseDocument(natDoc), uri, { line: 11, character: 5 });
    assert.deepEqual(
      locations.map((l) => l.range.start.line),
      [6],
    );
  });

  it('Should return nothing on a target that is not a chain', function () {
    assert.deepEqual(getDefinition(parseDocument(natDoc), uri, { line: 9, character: 55 }), []);
  });

  it('Should list every jump and command of a chain, with the declaration only when asked', function () {
    const doc = parseDocument(natDoc);
    const withDecl = getReferences(doc, uri, { line: 7, character: 20 }, true).map((l) => l.range.start.line);
    assert.deepEqual(withDecl, [6, 7, 11, 12]);
    const withoutDecl = getReferences(doc, uri, { line: 7, character: 20 }, false).map(
      (l) => l.range.start.line,
    );
    assert.deepEqual(withoutDecl, [7, 11, 12]);
  });

  it('Should highlight the declaration as a write and the uses as reads', function () {
    const highlights = getDocumentHighlights(parseDocument(natDoc), { line: 5, character: 3 });
    assert.deepEqual(
      highlights.map((h) => [h.range.start.line, h.kind]),
      [
        [5, DocumentHighlightKind.Write],
        [8, DocumentHighlightKind.Read],
        [9, DocumentHighlightKind.Read],
        [10, DocumentHighlightKind.Read],
      ],
    );
  });

  it('Should keep chains of two table blocks apart', function () {
    const doc = [
      '*nat', // 0
      ':X - [0:0]', // 1
      '-A OUTPUT -j X', // 2
      'COMMIT', // 3
      '*mangle', // 4
      ':X - [0:0]', // 5
      '-A OUTPUT -j X', // 6
      'COMMIT', // 7
      '',
    ].join('\n');
    const refs = getReferences(parseDocument(doc), uri, { line: 6, character: 13 }, true).map(
      (l) => l.range.start.line,
    );
    assert.deepEqual(refs, [5, 6]);
  });

  it('Should return both places a line writes the same chain (a rule that jumps into its own chain)', function () {
    const doc = ['*filter', ':X - [0:0]', '-A X -p tcp -j X', 'COMMIT', ''].join('\n');
    const refs = getReferences(parseDocument(doc), uri, { line: 1, character: 2 }, true).map(
      (l) => `${l.range.start.line}:${l.range.start.character}`,
    );
    assert.deepEqual(refs, ['1:1', '2:3', '2:15']);
  });

  it('Should prepare the chain indexes and the outline in steps on a node dump, then answer from them', function () {
    this.timeout(60_000);
    const dump = execFileSync(process.execPath, [generator, '1000', '3'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const lines = dump.split('\n');
    const at = lines.findIndex((l) => / -j KUBE-SVC-/.test(l));
    const position = { line: at, character: lines[at]!.length - 2 };
    const service = createLanguageService();
    for (const onDemand of [false, true]) {
      const prepared = parseDocument(dump, { onDemand });
      for (const feature of ['chainOccurrences', 'definition', 'documentSymbols'] as const) {
        let steps = 0;
        for (const _ of service.prepare(prepared, feature)) steps++;
        // 15,000 lines and 4,000 nat chains: the indexes step every 4,096 lines, the outline every 2,048 chains.
        assert.ok(steps >= (feature === 'documentSymbols' ? 1 : 3), `${feature} yields (${steps} steps)`);
        assert.ok(service.prepare(prepared, feature).next().done, `${feature} is kept once prepared`);
      }
      // The same answers as a parse whose features build their indexes on first use.
      const fresh = parseDocument(dump, { onDemand });
      assert.deepEqual(
        service.getReferences(prepared, uri, position, true),
        service.getReferences(fresh, uri, position, true),
      );
      assert.deepEqual(
        service.getDefinition(prepared, uri, position),
        service.getDefinition(fresh, uri, position),
      );
      assert.deepEqual(service.getDocumentSymbols(prepared), service.getDocumentSymbols(fresh));
      assert.ok(service.getReferences(prepared, uri, position, true).length >= 3);
    }
  });
});

describe('Rename of a user chain', function () {
  it('Should offer the chain name range and refuse builtin chains and verdicts', function () {
    const doc = parseDocument(natDoc);
    assert.deepEqual(prepareRename(doc, { line: 8, character: 15 }), {
      start: { line: 8, character: 13 },
      end: { line: 8, character: 25 },
    });
    assert.equal(prepareRename(doc, { line: 8, character: 4 }), null);
    assert.equal(prepareRename(doc, { line: 9, character: 55 }), null);
  });

  it('Should rename the declaration, every jump and every command operand, and the result re-parses the same', function () {
    const doc = parseDocument(natDoc);
    const result = getRenameEdits(doc, uri, { line: 7, character: 20 }, 'ISTIO_INBOUND');
    assert.ok('edit' in result, JSON.stringify(result));
    const edits = result.edit.changes?.[uri] ?? [];
    assert.equal(edits.length, 4);
    const renamed = parseDocument(applyTextEdits(natDoc, edits));
    const nat = renamed.ruleset.tables[0]!;
    assert.ok(nat.chains.has('ISTIO_INBOUND'));
    assert.ok(!nat.chains.has('ISTIO_PRERT'));
    assert.equal(nat.chains.get('PREROUTING')?.rules[0]?.target?.name, 'ISTIO_INBOUND');
    assert.equal(renamed.problems.length, parseDocument(natDoc).problems.length);
  });

  it('Should refuse a name longer than 28 characters', function () {
    const result = getRenameEdits(parseDocument(natDoc), uri, { line: 7, character: 20 }, 'A'.repeat(29));
    assert.ok('error' in result);
    assert.match(result.error, /28/);
  });

  it('Should refuse builtin chain names, target names and a name the table already uses', function () {
    const doc = parseDocument(natDoc);
    for (const name of ['OUTPUT', 'ACCEPT', 'REDIRECT', 'ISTIO_OUTPUT']) {
      const result = getRenameEdits(doc, uri, { line: 7, character: 20 }, name);
      assert.ok('error' in result, name);
    }
  });
});
