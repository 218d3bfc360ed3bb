import * as assert from 'assert';
import { tokenizeLine, MAX_LINE_TOKENS, MAX_TOKEN_BYTES } from '../../../server/src/parser/lexer';

// Expected values follow iptables 1.8.9's add_param_to_argv (iptables/xshared.c) and were checked
// with `unshare -n iptables-nft-restore` (reference iptables-format.md §2).
const texts = (line: string) => tokenizeLine(line, 0).tokens.map((t) => t.text);

describe('lexer: iptables-restore argv splitting', () => {
  it('Should split on spaces and tabs and collapse runs of them', () => {
    assert.deepStrictEqual(texts('-A\tINPUT   -j  ACCEPT'), ['-A', 'INPUT', '-j', 'ACCEPT']);
  });

  it('Should keep spaces inside double quotes and drop the quotes', () => {
    assert.deepStrictEqual(texts('--comment "a b c"'), ['--comment', 'a b c']);
  });

  it('Should treat single quotes as ordinary characters', () => {
    // --comment 'a b' is two tokens and fails with "Bad argument `b''".
    assert.deepStrictEqual(texts("--comment 'a b'"), ['--comment', "'a", "b'"]);
  });

  it('Should end the token at a closing quote even when letters follow', () => {
    assert.deepStrictEqual(texts('ab"c d"ef'), ['abc d', 'ef']);
  });

  it('Should unescape backslash-quote and backslash-backslash inside quotes', () => {
    assert.deepStrictEqual(texts('"it\\\'s \\"q\\" \\\\"'), ['it\'s "q" \\']);
  });

  it('Should keep a backslash outside quotes literally', () => {
    assert.deepStrictEqual(texts('a\\b'), ['a\\b']);
  });

  it('Should produce an empty argument for an empty pair of quotes', () => {
    assert.deepStrictEqual(texts('--comment "" -j ACCEPT'), ['--comment', '', '-j', 'ACCEPT']);
  });

  it('Should let an unterminated quote swallow the rest of the line including the newline', () => {
    const r = tokenizeLine('--comment "oops -j ACCEPT', 0, 0, true);
    assert.deepStrictEqual(
      r.tokens.map((t) => t.text),
      ['--comment', 'oops -j ACCEPT\n'],
    );
    assert.strictEqual(r.tokens[1]!.unterminated, true);
    assert.deepStrictEqual(
      r.problems.map((p) => p.code),
      ['syntax.unterminated-quote'],
    );
    // The fix closes the quote at the end of the line.
    assert.strictEqual(r.problems[0]!.fixes![0]!.edits[0]!.newText, '"');
    assert.strictEqual(r.problems[0]!.fixes![0]!.edits[0]!.range.start.character, 25);
  });

  it('Should give spans in UTF-16 columns of the raw text, quotes included', () => {
    const r = tokenizeLine('-A é "x y"', 3);
    assert.deepStrictEqual(
      r.tokens.map((t) => [t.span.line, t.span.start, t.span.end, t.quoted]),
      [
        [3, 0, 2, false],
        [3, 3, 4, false],
        [3, 5, 10, true],
      ],
    );
  });

  it('Should start after a counters prefix when asked to', () => {
    const r = tokenizeLine('[1:2] -A INPUT', 0, 5);
    assert.deepStrictEqual(
      r.tokens.map((t) => [t.text, t.span.start]),
      [
        ['-A', 6],
        ['INPUT', 9],
      ],
    );
  });

  it('Should accept a 1023-byte argument and refuse a 1024-byte one', () => {
    assert.strictEqual(MAX_TOKEN_BYTES, 1023);
    assert.deepStrictEqual(tokenizeLine('a'.repeat(1023), 0).problems, []);
    assert.deepStrictEqual(
      tokenizeLine('a'.repeat(1024), 0).problems.map((p) => p.code),
      ['syntax.token-too-long'],
    );
  });

  it('Should count argument length in UTF-8 bytes (512 × é is 1024 bytes)', () => {
    assert.deepStrictEqual(
      tokenizeLine('é'.repeat(511), 0).problems.map((p) => p.code),
      [],
    );
    assert.deepStrictEqual(
      tokenizeLine('é'.repeat(512), 0).problems.map((p) => p.code),
      ['syntax.token-too-long'],
    );
  });

  it('Should accept 251 arguments on a line and refuse 252 (argv also holds the program, -t and the table)', () => {
    assert.strictEqual(MAX_LINE_TOKENS, 251);
    const line = (n: number) => Array.from({ length: n }, () => '-v').join(' ');
    assert.deepStrictEqual(tokenizeLine(line(251), 0).problems, []);
    const over = tokenizeLine(line(252), 0).problems;
    assert.deepStrictEqual(
      over.map((p) => [p.code, p.span.start]),
      [['syntax.too-many-arguments', 251 * 3]],
    );
  });

  it('Should tokenize a 100 KB line', () => {
    const line = `-A INPUT -m comment --comment ${'x'.repeat(100_000)}`;
    const r = tokenizeLine(line, 0);
    assert.strictEqual(r.tokens.length, 6);
    assert.strictEqual(r.tokens[5]!.text.length, 100_000);
  });
});
