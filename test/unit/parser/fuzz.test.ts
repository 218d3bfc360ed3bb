import * as assert from 'assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { prng } from '../../helpers/prng';

const vocabulary = [
  '*filter',
  '*nat',
  '*mangle',
  '* mangle',
  'COMMIT',
  ':INPUT ACCEPT [0:0]',
  ':A - [0:0]',
  ':B -',
  '-N',
  '-A',
  '-I',
  '-D',
  '-R',
  '-P',
  '-E',
  '-X',
  '-F',
  '-Z',
  '-L',
  '-S',
  '-C',
  'INPUT',
  'OUTPUT',
  'A',
  'B',
  '-j',
  '-g',
  'A',
  'B',
  'ACCEPT',
  'DROP',
  'RETURN',
  'REDIRECT',
  '--to-ports',
  '15001',
  'TPROXY',
  '--on-port',
  'MARK',
  '--set-mark',
  '0x539/0xfff',
  'CONNMARK',
  '--restore-mark',
  '-m',
  'mark',
  '--mark',
  'tcp',
  'udp',
  'multiport',
  '--dports',
  '1,2:3',
  '-p',
  '!',
  '! !',
  '-s',
  '10.0.0.1/33',
  '::1',
  '-d',
  'fd00::/8',
  '--dport',
  '--d',
  '--to-port',
  '"quoted arg"',
  '"open',
  '#',
  '[1:2]',
  '[',
  '-t',
  'nat',
  '-f',
  '-4',
  '-6',
  '--comment',
  'é',
  '\u0000',
  '\t',
  ' ',
  '--tcp-flags',
  'SYN,ACK',
  '-m',
  'set',
  '--match-set',
  'x',
  'dst',
  'conntrack',
  '--ctstate',
  'NEW,BOGUS',
  'owner',
  '--uid-owner',
  'root',
  'statistic',
  '--mode',
  'nth',
  '--every',
  '0',
  'LOG',
  '--log-prefix',
  'icmp',
  '--icmp-type',
  'any',
  'REJECT',
  '--reject-with',
];

function randomDocument(next: () => number): string {
  const kind = Math.floor(next() * 5);
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i++) {
    if (kind === 0) {
      // Byte soup: any UTF-16 code unit, lone surrogates included.
      let s = '';
      const n = Math.floor(next() * 80);
      for (let k = 0; k < n; k++) s += String.fromCharCode(Math.floor(next() * 0x10000));
      lines.push(s);
    } else {
      const n = Math.floor(next() * 14);
      const words: string[] = [];
      for (let k = 0; k < n; k++) words.push(vocabulary[Math.floor(next() * vocabulary.length)]!);
      lines.push(words.join(next() < 0.1 ? '\t' : ' '));
    }
  }
  if (kind === 2) return lines.join('\r\n');
  if (kind === 3)
    lines.push(`-A INPUT -m comment --comment ${'x'.repeat(20_000 + Math.floor(next() * 20_000))}`);
  if (kind === 4)
    lines.push(
      '*filter',
      ':A - [0:0]',
      ':B - [0:0]',
      '-A INPUT -j A',
      '-A A -j B',
      '-A B -j A',
      '-A B -g B',
      'COMMIT',
    );
  return lines.join(next() < 0.5 ? '\n' : '\r');
}

/** Lines as LSP numbers them (\n, \r\n and a lone \r end a line). */
function lspLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

describe('parser: never throws on junk (seeded fuzz)', () => {
  it('Should parse 1500 random documents without throwing and keep its invariants', () => {
    const next = prng(0x1a2b3c);
    for (let round = 0; round < 1500; round++) {
      const text = randomDocument(next);
      const doc = parseDocument(text);
      const lines = lspLines(text);
      assert.ok(
        !doc.problems.some((p) => p.code.startsWith('internal.')),
        `round ${round}: ${JSON.stringify(text.slice(0, 200))}`,
      );
      assert.strictEqual(doc.tree.lines.length, lines.length, `round ${round}`);
      doc.tree.lines.forEach((node, i) => assert.strictEqual(node.line, i));
      for (const p of doc.problems) {
        const len = lines[p.span.line]?.length;
        assert.ok(len !== undefined, `round ${round}: ${p.code} on line ${p.span.line} of ${lines.length}`);
        assert.ok(
          p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= len,
          `round ${round}: ${p.code} span ${JSON.stringify(p.span)} on a line of ${len}`,
        );
      }
      for (const rule of doc.ruleset.rules) assert.strictEqual(doc.ruleset.ruleAt(rule.line), rule);
    }
  });
});
