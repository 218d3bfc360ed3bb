/**
 * Inputs the properties once failed on, kept as plain tests so each fix stays fixed whatever the
 * seeds explore later. Each mutated case is the counterexample fast-check printed, verbatim.
 */
import * as assert from 'node:assert/strict';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyze } from '../../../server/src/analysis/analyzer';
import type { MutatedCase } from '../../helpers/fuzzInputs';
import { textOf } from '../../helpers/fuzzInputs';
import {
  applyEdits,
  assertFindingInside,
  assertParsedDocument,
  editorLines,
} from '../../helpers/fuzzInvariants';
import { toLspTextEdit } from '../../../server/src/features/convert';
import { applyTextEdits, formatDocument } from '../../../server/src/features/formatting';

function assertFindingsInside(text: string): void {
  const lines = editorLines(text);
  for (const f of analyze(parseDocument(text))) assertFindingInside(f, lines);
}

describe('Fuzz regressions', function () {
  it('Should offer an Add COMMIT fix that ends the last line when the file has no final newline', function () {
    // 0: *filter
    // 1: :INPUT ACCEPT [0:0]
    // 2: -A INPUT -j ACCEPT        (no newline, no COMMIT: iptables-restore needs COMMIT to apply the table)
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT';
    const doc = parseDocument(text);
    assertParsedDocument(doc);
    const missing = doc.problems.find((p) => p.code === 'syntax.missing-commit');
    assert.ok(missing?.fixes?.[0], 'the missing COMMIT is reported with a fix');
    const fixed = applyEdits(text, missing.fixes[0].edits.map(toLspTextEdit));
    assert.equal(fixed, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
    assert.deepEqual(
      parseDocument(fixed)
        .problems.filter((p) => p.severity === 'error')
        .map((p) => p.code),
      [],
    );
  });

  it('Should keep the Add COMMIT fix inside a truncated corpus file (seed 9101)', function () {
    const c: MutatedCase = {
      seed: 'test/corpus/invalid/bad-port-range-reversed.rules',
      mutations: [
        { kind: 'replace-word', at: 1828714886, token: 'UNTRACKED' },
        { kind: 'flip-byte', at: 1147000331, xor: 180 },
        { kind: 'truncate', at: 754967952 },
      ],
    };
    assertParsedDocument(parseDocument(textOf(c)));
  });

  it('Should keep an Istio missing-rule fix inside a file whose last line is a rule without a newline (seed 9201)', function () {
    const c: MutatedCase = {
      seed: 'test/corpus/valid/istio-tproxy-mangle.rules',
      mutations: [
        { kind: 'replace-word', at: 1746389899, token: '--rateest2' },
        { kind: 'truncate', at: 598461227 },
        { kind: 'insert-character', at: 101055819, character: '\udc00' },
        { kind: 'line-ending', at: 1745691737, ending: '\n' },
        { kind: 'delete-line', at: 142456428 },
        { kind: 'duplicate-line', at: 44644174 },
        { kind: 'replace-word', at: 619535858, token: '--realm' },
      ],
    };
    assertFindingsInside(textOf(c));
  });

  it('Should end an Istio rewrite fix at the line end when a lone carriage return splits the line (seed 9201)', function () {
    const c: MutatedCase = {
      seed: 'test/fixtures/istio/ambient/rendered/hostprobe_ipv6.ip6tables-legacy-save.txt',
      mutations: [
        { kind: 'line-ending', at: 11, ending: '\n' },
        {
          kind: 'insert-line',
          at: 1158473687,
          tokens: [
            'connlimit',
            '--log-macdecode',
            '--gateway',
            '0xffffffff1',
            '--gid-owner',
            'cluster',
            '--chunk-types',
            '--ecn-tcp-cwr',
          ],
        },
        { kind: 'replace-word', at: 24, token: 'UNSPEC' },
        { kind: 'insert-character', at: 2147483618, character: '\r' },
        { kind: 'flip-byte', at: 1223987962, xor: 247 },
        { kind: 'insert-token', at: 16, token: '--to' },
        { kind: 'replace-word', at: 2007469394, token: '"unterminated' },
        { kind: 'replace-word', at: 160375720, token: '--fraglast' },
      ],
    };
    assertFindingsInside(textOf(c));
  });

  it('Should not offer to insert a jump into an Istio chain the table does not declare', function () {
    // 1: *nat
    // 6: :ISTIO_PRERT - [0:0]          (ISTIO_OUTPUT is not declared)
    // 7: -A PREROUTING -j ISTIO_PRERT
    // iptables-restore refuses `-j ISTIO_OUTPUT` here ("Couldn't load target"), so a fix inserting
    // the missing OUTPUT jump would only trade one problem for a restore error.
    const text = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      ':ISTIO_PRERT - [0:0]',
      '-A PREROUTING -j ISTIO_PRERT',
      '-A ISTIO_PRERT -p tcp -j REDIRECT --to-ports 15006',
      'COMMIT',
      '',
    ].join('\n');
    const jumps = analyze(parseDocument(text)).filter(
      (f) => f.code === 'istio.missing-jump' && f.message.includes('nat OUTPUT'),
    );
    assert.equal(jumps.length, 1, 'the missing OUTPUT jump is still reported');
    assert.equal(jumps[0].fixes, undefined);
  });

  it('Should not copy a malformed mark from a rejected line into an inserted Istio rule (seed 9302)', function () {
    // Line 8 became `--mark 0x539😀/0xfff` (iptables-restore: "Bad mark value"); the R4 rule the fix
    // inserts must not take that text as the file's ztunnel mark.
    const c: MutatedCase = {
      seed: 'test/corpus/valid/istio-dns-raw-ct-zone.rules',
      mutations: [
        { kind: 'insert-character', at: 162328488, character: '😀' },
        { kind: 'flip-byte', at: 1009676987, xor: 57 },
      ],
    };
    const text = textOf(c);
    const findings = analyze(parseDocument(text));
    const inserted = findings.flatMap((f) => f.fixes ?? []).flatMap((fix) => fix.edits.map((e) => e.newText));
    assert.ok(inserted.length > 0, 'some fix is offered');
    for (const newText of inserted)
      assert.ok(!newText.includes('😀'), `a fix writes ${JSON.stringify(newText)}`);
  });

  it('Should format the line after a lone carriage return at its own line number (seed 9401)', function () {
    // 0: *filter
    // 1: :INPUT ACCEPT [0:0]\r      (a lone CR: editors count a line break here)
    // 2: -A INPUT -s 10.0.0.1 -j ACCEPT
    // iptables-save prints a host address as 10.0.0.1/32 (iptables(8): a mask of /32 is the default).
    const text = '*filter\n:INPUT ACCEPT [0:0]\r-A INPUT -s 10.0.0.1 -j ACCEPT\nCOMMIT\n';
    const edits = formatDocument(parseDocument(text));
    assert.deepEqual(edits, [
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 30 } },
        newText: '-A INPUT -s 10.0.0.1/32 -j ACCEPT',
      },
    ]);
    assert.equal(applyTextEdits(text, edits), applyEdits(text, edits));
  });

  it('Should leave a rule alone whose unterminated quote swallowed the line break (seed 9401)', function () {
    // iptables-restore reads the line with its newline (fgets), so the open quote keeps that newline
    // in the comment; writing it back would split the rule over two lines.
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "oops -j DROP\nCOMMIT\n';
    assert.deepEqual(formatDocument(parseDocument(text)), []);
  });

  it('Should take the family from the addresses when the save header names no iptables tool (seed 9302)', function () {
    // 0: # Generated by -Z v1.8.9          (a header mangled by hand: it names no ip(6)tables tool)
    // 3: -A OUTPUT -d fd00::1/128 -j ACCEPT
    const text =
      '# Generated by -Z v1.8.9\n*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d fd00::1/128 -j ACCEPT\nCOMMIT\n';
    const doc = parseDocument(text);
    assert.deepEqual(
      doc.ruleset.tables.map((t) => t.family),
      ['ipv6'],
    );
    assert.deepEqual(
      doc.problems.map((p) => p.code),
      [],
    );
  });

  it('Should not add a syntax error with the Istio fix after the header of an IPv6 dump was mangled (seed 9302)', function () {
    const c: MutatedCase = {
      seed: 'test/fixtures/istio/ambient/rendered/ingress_ipv6.ip6tables-legacy-save.txt',
      mutations: [
        { kind: 'replace-word', at: 271689397, token: '--srh-psid' },
        { kind: 'replace-word', at: 575486013, token: '-Z' },
      ],
    };
    const text = textOf(c);
    const errors = (t: string): number =>
      parseDocument(t).problems.filter((p) => p.severity === 'error').length;
    const fixes = analyze(parseDocument(text)).flatMap((f) => f.fixes ?? []);
    assert.ok(fixes.length > 0, 'some fix is offered');
    for (const fix of fixes)
      assert.ok(errors(applyEdits(text, fix.edits.map(toLspTextEdit))) <= errors(text), fix.title);
  });
});
