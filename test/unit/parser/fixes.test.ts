import * as assert from 'assert';
import type { TextEditData } from '../../../server/src/model/span';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { doc } from './helpers';

/** Applies LSP-style edits (line/character positions) to a text, last edit first. */
function applyEdits(text: string, edits: readonly TextEditData[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) =>
    p.line >= lineStarts.length ? text.length : lineStarts[p.line]! + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Applies the first fix of the first finding with `code` and returns the new text. */
function fix(text: string, code: string): string {
  const finding = parseDocument(text).problems.find((p) => p.code === code);
  assert.ok(finding, `${code} not reported`);
  assert.ok(finding.fixes && finding.fixes.length > 0, `${code} has no fix`);
  const fixed = applyEdits(text, finding.fixes[0]!.edits);
  assert.ok(
    !parseDocument(fixed).problems.some((p) => p.code === code),
    `${code} still reported after the fix`,
  );
  return fixed;
}

describe('parser: quick fixes', () => {
  it('Should convert every CRLF line ending to LF', () => {
    assert.strictEqual(
      fix('*filter\r\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n', 'syntax.crlf'),
      doc('*filter', '-A INPUT -j ACCEPT', 'COMMIT'),
    );
  });

  it('Should move an old-style negation before its option', () => {
    assert.strictEqual(
      fix(doc('*filter', '-A INPUT -p tcp --dport ! 22 -j ACCEPT', 'COMMIT'), 'syntax.old-negation'),
      doc('*filter', '-A INPUT -p tcp ! --dport 22 -j ACCEPT', 'COMMIT'),
    );
  });

  it('Should separate an interface glued to -i or -o, and read the glued word as iptables does', () => {
    assert.strictEqual(
      fix(doc('*filter', '-A INPUT ! -ieth0+ -j ACCEPT', 'COMMIT'), 'syntax.glued-value'),
      doc('*filter', '-A INPUT ! -i eth0+ -j ACCEPT', 'COMMIT'),
    );
    const rule = (line: string) => parseDocument(doc('*filter', line, 'COMMIT')).ruleset.rules[0]!;
    // The interface, the protocol, the address and the target are read from the whole word.
    assert.deepStrictEqual(rule('-A OUTPUT -oeth0 -j DROP').outInterface?.value, {
      name: '-oeth0',
      wildcard: false,
    });
    assert.deepStrictEqual(rule('-A OUTPUT -o eth0 -j DROP').outInterface?.value, {
      name: 'eth0',
      wildcard: false,
    });
    assert.strictEqual(rule('-A INPUT -jACCEPT').target?.name, '-jACCEPT');
    assert.strictEqual(rule('-A INPUT -gLOGDROP').target?.name, 'LOGDROP');
    // A clustered word (-f, then -p with its value) is read whole too, as iptables does.
    const clustered = parseDocument(doc('*filter', '-A INPUT -fptcp -j DROP', 'COMMIT')).problems;
    assert.deepStrictEqual(
      clustered.map((p) => p.message),
      ['unknown protocol "-fptcp" specified'],
    );
  });

  it('Should close an unterminated quote at the end of the line', () => {
    assert.strictEqual(
      fix(
        doc('*filter', '-A INPUT -m comment --comment "oops -j ACCEPT', 'COMMIT'),
        'syntax.unterminated-quote',
      ),
      doc('*filter', '-A INPUT -m comment --comment "oops -j ACCEPT"', 'COMMIT'),
    );
  });

  it('Should move an indented comment to column 0', () => {
    assert.strictEqual(
      fix(doc('*filter', '  \t# note', 'COMMIT'), 'syntax.comment-not-at-column-0'),
      doc('*filter', '# note', 'COMMIT'),
    );
  });

  it('Should move a trailing comment onto its own line above the rule', () => {
    assert.strictEqual(
      fix(doc('*filter', '-A INPUT -j ACCEPT   # allow all', 'COMMIT'), 'syntax.comment-not-at-column-0'),
      doc('*filter', '# allow all', '-A INPUT -j ACCEPT', 'COMMIT'),
    );
  });

  it('Should empty a whitespace-only line', () => {
    assert.strictEqual(
      fix(doc('*filter', ' \t', 'COMMIT'), 'syntax.whitespace-only-line'),
      doc('*filter', '', 'COMMIT'),
    );
  });

  it('Should add the final newline after COMMIT', () => {
    assert.strictEqual(fix('*filter\nCOMMIT', 'syntax.missing-final-newline'), '*filter\nCOMMIT\n');
  });

  it('Should add COMMIT before a nested table and at the end of an open block', () => {
    assert.strictEqual(
      fix(doc('*filter', '-A INPUT -j ACCEPT', '*nat', 'COMMIT'), 'syntax.nested-table'),
      doc('*filter', '-A INPUT -j ACCEPT', 'COMMIT', '*nat', 'COMMIT'),
    );
    assert.strictEqual(
      fix(doc('*filter', '-A INPUT -j ACCEPT'), 'syntax.missing-commit'),
      doc('*filter', '-A INPUT -j ACCEPT', 'COMMIT'),
    );
  });

  it('Should strip text after COMMIT, replace a user-chain policy with - and add a missing policy', () => {
    assert.strictEqual(fix(doc('*filter', 'COMMIT '), 'syntax.bad-commit'), doc('*filter', 'COMMIT'));
    assert.strictEqual(
      fix(doc('*filter', ':FOO ACCEPT [0:0]', 'COMMIT'), 'syntax.policy-on-user-chain'),
      doc('*filter', ':FOO - [0:0]', 'COMMIT'),
    );
    assert.strictEqual(
      fix(doc('*filter', ':FOO', 'COMMIT'), 'syntax.missing-policy'),
      doc('*filter', ':FOO - [0:0]', 'COMMIT'),
    );
  });
});
