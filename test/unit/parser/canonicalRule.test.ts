import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Rule } from '../../../server/src/model/rule';
import type { CommandLine } from '../../../server/src/model/syntax';
import { writeCanonicalRuleFacts } from '../../../server/src/parser/canonicalRule';
import { MAX_TOKEN_BYTES } from '../../../server/src/parser/lexer';
import { Problems } from '../../../server/src/parser/problems';
import { readCommandLine, type CommandBlock } from '../../../server/src/parser/readCommandLine';
import {
  FACTS_PER_LINE,
  MAX_KEPT_LINE_LENGTH,
  namesArePlain,
  writeRuleFacts,
} from '../../../server/src/parser/ruleFacts';
import { prng } from '../../helpers/prng';

// A differential test of the canonical-line reader (parser/canonicalRule.ts) against the full reading
// of a line as readChunkFacts (parser/readChunk.ts) does it. The only thing relied on is the contract:
// whenever writeCanonicalRuleFacts returns true, the full reading is clean and writeRuleFacts writes
// the same six integers. Declining a line is always allowed.

const TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;
const BLOCKS_V4: readonly CommandBlock[] = TABLES.map((table) => ({ table, family: 4, shortLived: true }));
const BLOCKS_V6: readonly CommandBlock[] = TABLES.map((table) => ({ table, family: 6, shortLived: true }));
const ALL_BLOCKS: readonly CommandBlock[] = [...BLOCKS_V4, ...BLOCKS_V6];

/**
 * The row readChunkFacts writes for `text` (one line, whose line break follows it) in `block`, or
 * undefined when it leaves the row empty (the line is not clean).
 */
function oracle(text: string, block: CommandBlock): Int32Array | undefined {
  const first = text.charCodeAt(0);
  if (first !== 0x2d /* - */ && first !== 0x5b /* [ */) return undefined;
  if (text.length >= MAX_KEPT_LINE_LENGTH) return undefined;
  if (text.includes('\u0000')) return undefined;
  const problems = new Problems();
  const read = readCommandLine(text, 0, block, problems);
  if (!read.ok || problems.list.length > 0) return undefined;
  const node = read.value;
  if (node.verb !== 'append' || !node.rule) return undefined;
  const line = node as CommandLine & { readonly rule: Rule };
  if (!namesArePlain(line, text)) return undefined;
  const facts = new Int32Array(FACTS_PER_LINE);
  writeRuleFacts(line, facts, 0);
  return facts;
}

/** A value no reader writes, so a row the fast reader leaves alone is recognised. */
const SENTINEL = 0x5eed_c0de;
/** The fast reader writes row 1 of three: rows 0 and 2 must stay untouched whatever it returns. */
const ROW = 1;

/** The row writeCanonicalRuleFacts writes for `text` in `block`, or undefined when it declines. */
function fast(text: string, block: CommandBlock): Int32Array | undefined {
  const facts = new Int32Array(3 * FACTS_PER_LINE).fill(SENTINEL);
  const accepted = writeCanonicalRuleFacts(text, block, facts, ROW);
  assert.strictEqual(typeof accepted, 'boolean', `returned ${String(accepted)} for ${JSON.stringify(text)}`);
  const row = facts.slice(ROW * FACTS_PER_LINE, (ROW + 1) * FACTS_PER_LINE);
  const others = [...facts.slice(0, ROW * FACTS_PER_LINE), ...facts.slice((ROW + 1) * FACTS_PER_LINE)];
  assert.ok(
    others.every((v) => v === SENTINEL),
    `wrote outside its row for ${JSON.stringify(text)} in ${block.table}/IPv${block.family}`,
  );
  if (!accepted) {
    assert.deepStrictEqual(
      Array.from(row),
      new Array<number>(FACTS_PER_LINE).fill(SENTINEL),
      `declined ${JSON.stringify(text)} in ${block.table}/IPv${block.family} but wrote its row`,
    );
    return undefined;
  }
  return row;
}

interface Violation {
  readonly line: string;
  readonly block: string;
  readonly fast: number[];
  /** The full reading's row, or why readChunkFacts writes none. */
  readonly full: number[] | string;
}

/** Checks the contract on lines and keeps every break of it, so one run reports them all. */
class Contract {
  readonly violations: Violation[] = [];
  /** (line, block) pairs checked, and those the fast reader accepted. */
  checked = 0;
  accepted = 0;

  /** Checks `text` in `block`; returns whether the fast reader accepted it. */
  check(text: string, block: CommandBlock): boolean {
    assert.ok(!/[\r\n]/.test(text), `a line holds a line break: ${JSON.stringify(text)}`);
    this.checked++;
    const got = fast(text, block);
    if (!got) return false;
    this.accepted++;
    let want: Int32Array | string;
    try {
      want = oracle(text, block) ?? 'not clean';
    } catch (e) {
      // readChunkFacts would throw on the line: accepting it hides a failure.
      want = `the full reading throws ${String(e)}`;
    }
    if (typeof want === 'string' || !sameRow(got, want)) {
      this.violations.push({
        line: text,
        block: `${block.table}/IPv${block.family}`,
        fast: Array.from(got),
        full: typeof want === 'string' ? want : Array.from(want),
      });
    }
    return true;
  }

  checkAll(text: string, blocks: readonly CommandBlock[]): void {
    for (const block of blocks) this.check(text, block);
  }

  assertHolds(what: string): void {
    const shown = this.violations.slice(0, 10);
    assert.deepStrictEqual(
      shown,
      [],
      `${this.violations.length} of ${this.checked} ${what} break the contract, e.g.\n` +
        shown
          .map((v) => `  ${v.block}: ${JSON.stringify(v.line)}\n    fast ${v.fast}\n    full ${v.full}`)
          .join('\n'),
    );
  }
}

function sameRow(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ---------------------------------------------------------------------------------------------------
// Real lines

const testRoot = path.resolve(__dirname, '..', '..');
const kubePath = path.join(testRoot, 'fixtures', 'kube', 'kube-50x3.rules');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    // Every dump; not the notes (SOURCES.md) or the corpus' expected findings (expected.json).
    else if (!/\.(md|json)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function linesOf(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
}

/** Every distinct line of the dumps, with the blocks to read it in. */
function realLines(): Map<string, readonly CommandBlock[]> {
  const lines = new Map<string, readonly CommandBlock[]>();
  const add = (files: readonly string[], blocks: readonly CommandBlock[]): void => {
    for (const file of files) {
      for (const line of linesOf(file)) {
        if (lines.get(line) !== ALL_BLOCKS) lines.set(line, blocks);
      }
    }
  };
  add(filesUnder(path.join(testRoot, 'fixtures', 'kube')), BLOCKS_V4);
  add(filesUnder(path.join(testRoot, 'fixtures', 'istio')), ALL_BLOCKS);
  add(filesUnder(path.join(testRoot, 'corpus', 'valid')), ALL_BLOCKS);
  add(filesUnder(path.join(testRoot, 'corpus', 'invalid')), ALL_BLOCKS);
  return lines;
}

/** The kube-proxy dump's lines with the table block each belongs to. */
function kubeLinesInTheirBlocks(): { text: string; block: CommandBlock }[] {
  let block: CommandBlock = { table: 'filter', family: 4, shortLived: true };
  const out: { text: string; block: CommandBlock }[] = [];
  for (const text of linesOf(kubePath)) {
    if (text.startsWith('*')) block = { table: text.slice(1).trim(), family: 4, shortLived: true };
    out.push({ text, block });
  }
  return out;
}

// Lines of kube-50x3.rules, verbatim (the test checks they are in the file), all in its *nat block.
const KUBE_SHAPES = [
  '-A KUBE-SERVICES -d 10.96.0.0/32 -p tcp -m comment --comment "ns0/svc-0:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-ZYH733MNXBAKSQQD',
  '-A KUBE-SVC-ZYH733MNXBAKSQQD ! -s 10.244.0.0/16 -d 10.96.0.0/32 -p tcp -m comment --comment "ns0/svc-0:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
  '-A KUBE-SVC-ZYH733MNXBAKSQQD -m comment --comment "ns0/svc-0:http -> 10.244.0.0:8080" -m statistic --mode random --probability 0.33333333333 -j KUBE-SEP-JGNBSSAQ32FHDSGZ',
  '-A KUBE-SEP-JGNBSSAQ32FHDSGZ -s 10.244.0.0/32 -m comment --comment "ns0/svc-0:http" -j KUBE-MARK-MASQ',
  '-A KUBE-SEP-JGNBSSAQ32FHDSGZ -p tcp -m comment --comment "ns0/svc-0:http" -m tcp -j DNAT --to-destination 10.244.0.0:8080',
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
];
const KUBE_SERVICES_LINE = KUBE_SHAPES[0]!;
const NAT_V4: CommandBlock = { table: 'nat', family: 4, shortLived: true };
const NAT_V6: CommandBlock = { table: 'nat', family: 6, shortLived: true };

// ---------------------------------------------------------------------------------------------------
// Mutations

const TRICKY_VALUES: readonly string[] = [
  // ports
  '0',
  '1',
  '65535',
  '65536',
  '080',
  '-1',
  '1:2',
  '2:1',
  'http',
  '+5',
  ' ',
  ':',
  '1:',
  ':2',
  '1,2',
  // addresses
  '256.1.1.1',
  '1.2.3',
  '01.2.3.4',
  '1.2.3.4/33',
  '1.2.3.4/0',
  '1.2.3.4/08',
  '0.0.0.0/0',
  '1.2.3.4/255.255.255.0',
  '1.2.3.4/255.0.255.0',
  '::1',
  '::1/128',
  'fd00::/8',
  '1.2.3.4,5.6.7.8',
  'localhost',
  'example.com',
  '1.2.3.4/',
  '1.2.3.4/32/1',
  '1.2.3.4 ',
  '10.96.0.1/32',
  '10.96.0.1/24',
  // marks
  '0x0',
  '0xffffffff',
  '0x100000000',
  '0x4000/0x4000/1',
  '16384',
  '0x',
  '0xg',
  '0X4000',
  '0x4000/',
  '/0x4000',
  // probabilities
  '1.5',
  '0.5e0',
  '.5',
  'nan',
  '0x1',
  '0.50000000000',
  '0.000000000001',
  // NAT
  '1.2.3.4',
  '1.2.3.4:80',
  '1.2.3.4:0',
  '1.2.3.4:65536',
  '1.2.3.4-1.2.3.9:80-90',
  '1.2.3.4:90-80',
  '[::1]:80',
  ':80',
  '1.2.3.4:80/90',
  '1.2.3.4:',
  // module names
  'TCP',
  'tcp',
  'udp',
  'sctp',
  'comment',
  'comments',
  'statistic',
  'mark',
  'addrtype',
  'conntrack',
  'multiport',
  'nosuchmatch',
  // targets
  'ACCEPT',
  'accept',
  'DROP',
  'RETURN',
  'MARK',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'REJECT',
  'LOG',
  'QUEUE',
  'REDIRECT',
  'A-CHAIN-NAME-LONGER-THAN-28-CHARS',
  'K'.repeat(28),
  'K'.repeat(29),
  'KUBE-MARK-MASQ',
  'INPUT',
  '#X',
  '!X',
  'X!',
  '*',
  'é',
  // protocols
  '6',
  'icmp',
  'all',
  'udplite',
  'ipv6-icmp',
  // reject types
  'icmp-port-unreachable',
  'icmp-admin-prohibited',
  'icmp-host-prohibited',
  'icmp6-adm-prohibited',
  'icmp6-port-unreachable',
  'tcp-reset',
  'port-unreach',
  'icmp-bogus',
  // other option values
  'random',
  'nth',
  'LOCAL',
  'UNICAST',
  'RELATED,ESTABLISHED',
  'NEW,INVALID',
  'lo',
  'eth+',
  '+',
  'eth0.1',
  'eth:0',
  'eth/0',
  'a'.repeat(15),
  'a'.repeat(16),
  '--random-fully',
  '',
  '""',
  '!',
  '-',
  '--',
  '-x',
  '--x',
  '-j',
];

const COMMENT_VALUES: readonly string[] = [
  '"a\\"b"',
  '"a\\\\b"',
  '"a\\b"',
  '"a\\"',
  '"\\\\"',
  '"unterminated',
  '"',
  '""',
  'plain',
  'a"b c"d',
  '"a"b',
  '"café"',
  '"日本語"',
  '"emoji 😀"',
  '"x -j DROP"',
  '"# not a comment"',
  '"tab\there"',
  '"nul\u0000here"',
  '"' + 'a'.repeat(254) + '"',
  '"' + 'a'.repeat(255) + '"',
  '"' + 'a'.repeat(256) + '"',
  'a'.repeat(255),
  'a'.repeat(256),
  // 255 UTF-16 units, over 255 UTF-8 bytes
  '"' + 'é'.repeat(255) + '"',
  '"' + 'a'.repeat(254) + 'é"',
  // 254 UTF-16 units, exactly 255 UTF-8 bytes
  '"' + 'a'.repeat(253) + 'é"',
  '"' + '😀'.repeat(63) + '"',
  '"' + '😀'.repeat(64) + '"',
  '"' + 'a'.repeat(1021) + '"',
  '"' + 'a'.repeat(1023) + '"',
  '"' + 'a'.repeat(1024) + '"',
];

const ALIASES: Readonly<Record<string, readonly string[]>> = {
  '-A': ['--append', '--app'],
  '-s': ['--source', '--src'],
  '-d': ['--destination', '--dst'],
  '-p': ['--protocol', '--proto'],
  '-i': ['--in-interface'],
  '-o': ['--out-interface'],
  '-m': ['--match'],
  '-j': ['--jump'],
  '-g': ['--goto'],
  '--dport': ['--destination-port', '--dports'],
  '--sport': ['--source-port', '--sports'],
  '--to-destination': ['--to'],
  '--to-source': ['--to'],
  '--to-ports': ['--to-port'],
  '--set-xmark': ['--set-mark', '--or-mark', '--and-mark', '--xor-mark'],
  '--set-mark': ['--set-xmark'],
  '--mark': ['--set-mark'],
  '--dst-type': ['--src-type'],
  '--ctstate': ['--state', '--ctstatus'],
  '--probability': ['--every'],
  '--mode': ['--every'],
};

const GENERIC_OPTIONS: readonly (readonly string[])[] = [
  ['-f'],
  ['!', '-f'],
  ['-4'],
  ['-6'],
  ['-c', '1', '2'],
  ['-w'],
  ['-w', '5'],
  ['--set-counters', '1', '2'],
  ['-t', 'nat'],
  ['-t', 'filter'],
  ['-v'],
  ['-n'],
  ['-p', 'tcp'],
  ['-m', 'comment', '--comment', 'x'],
  ['-m', 'tcp'],
];

type Tokens = readonly string[];
/** Variants of `t` changed at position `i` (0..t.length). */
type TokenOp = (t: Tokens, i: number) => Tokens[];
/** Variants of the line `t` written out with its whitespace or surroundings changed at `i`. */
type TextOp = (t: Tokens, i: number) => string[];

function replaced(t: Tokens, i: number, ...values: string[]): Tokens {
  return [...t.slice(0, i), ...values, ...t.slice(i + 1)];
}

function spliced(t: Tokens, i: number, count: number, ...values: string[]): Tokens {
  return [...t.slice(0, i), ...values, ...t.slice(i + count)];
}

function inserted(t: Tokens, i: number, ...values: readonly string[]): Tokens {
  return [...t.slice(0, i), ...values, ...t.slice(i)];
}

function isOption(token: string): boolean {
  return token.length > 1 && token.startsWith('-') && !/^-\d/.test(token);
}

/** Where the option starting at `i` ends: the next option or `!`. */
function optionEnd(t: Tokens, i: number): number {
  let j = i + 1;
  while (j < t.length && !isOption(t[j]!) && t[j] !== '!') j++;
  return j;
}

function targetAt(t: Tokens): number {
  return t.findIndex((x) => x === '-j' || x === '-g');
}

/** Values the accepted lines give each option (`-m` and `-j` included), a few per option. */
const realValues = new Map<string, string[]>();
const REAL_VALUES_PER_OPTION = 12;

function learnValues(t: Tokens): void {
  for (let i = 1; i < t.length; i++) {
    const option = t[i - 1]!;
    const value = t[i]!;
    if (!isOption(option) || isOption(value) || value === '!') continue;
    const known = realValues.get(option) ?? [];
    if (known.length < REAL_VALUES_PER_OPTION && !known.includes(value)) known.push(value);
    realValues.set(option, known);
  }
}

const tokenOps: Readonly<Record<string, TokenOp>> = {
  value: (t, i) =>
    i === 0 || i >= t.length || isOption(t[i]!) ? [] : TRICKY_VALUES.map((v) => replaced(t, i, v)),
  // Another real line's value for the same option, or any option's: mostly lines the fast reader takes.
  realValue: (t, i) => {
    if (i === 0 || i >= t.length || isOption(t[i]!)) return [];
    const own = realValues.get(t[i - 1]!) ?? [];
    const other = [...realValues.values()][i % Math.max(1, realValues.size)] ?? [];
    return [...own, ...other.slice(0, 3)].filter((v) => v !== t[i]).map((v) => replaced(t, i, v));
  },
  comment: (t, i) => {
    if (i === 0 || i >= t.length) return [];
    if (t[i - 1] === '--comment') return COMMENT_VALUES.map((v) => replaced(t, i, v));
    // No comment at i: put one in front of the token there.
    return i === 2 ? COMMENT_VALUES.map((v) => inserted(t, i, '-m', 'comment', '--comment', v)) : [];
  },
  // The same value padded to the argv word limit (MAX_TOKEN_BYTES) and one past it: leading zeros
  // keep a number's value, so only the length decides.
  longWord: (t, i) => {
    if (i === 0 || i >= t.length) return [];
    const word = t[i]!;
    const quoted = word.length >= 2 && word.startsWith('"') && word.endsWith('"');
    const inner = quoted ? word.slice(1, -1) : word;
    return [MAX_TOKEN_BYTES, MAX_TOKEN_BYTES + 1]
      .filter((length) => length > inner.length)
      .map((length) => {
        const pad = length - inner.length;
        const padded = /^0x/i.test(inner)
          ? `${inner.slice(0, 2)}${'0'.repeat(pad)}${inner.slice(2)}`
          : /^[0-9]/.test(inner)
            ? `${'0'.repeat(pad)}${inner}`
            : `${inner}${'X'.repeat(pad)}`;
        return replaced(t, i, quoted ? `"${padded}"` : padded);
      });
  },
  delete: (t, i) => (i < t.length ? [[...t.slice(0, i), ...t.slice(i + 1)]] : []),
  duplicate: (t, i) => {
    if (i >= t.length || !isOption(t[i]!)) return [];
    const end = optionEnd(t, i);
    const group = t.slice(i, end);
    return [inserted(t, end, ...group), [...t, ...group]];
  },
  swap: (t, i) => (i + 1 < t.length ? [[...t.slice(0, i), t[i + 1]!, t[i]!, ...t.slice(i + 2)]] : []),
  bang: (t, i) => [inserted(t, i, '!')],
  letterCase: (t, i) => {
    if (i >= t.length) return [];
    return [t[i]!.toUpperCase(), t[i]!.toLowerCase()].filter((x) => x !== t[i]).map((x) => replaced(t, i, x));
  },
  abbreviate: (t, i) => {
    const token = t[i];
    if (token === undefined || !token.startsWith('--')) return [];
    const out: Tokens[] = [];
    for (let n = 3; n < token.length; n++) out.push(replaced(t, i, token.slice(0, n)));
    return out;
  },
  glue: (t, i) => {
    const token = t[i];
    if (token === undefined || i + 1 >= t.length || !isOption(token)) return [];
    const value = t[i + 1]!;
    const glued = token.startsWith('--') ? [`${token}=${value}`] : [`${token}${value}`, `${token}=${value}`];
    return glued.map((g) => [...t.slice(0, i), g, ...t.slice(i + 2)]);
  },
  alias: (t, i) => (ALIASES[t[i] ?? ''] ?? []).map((a) => replaced(t, i, a)),
  quote: (t, i) => {
    const token = t[i];
    if (token === undefined) return [inserted(t, i, '""')];
    if (token.startsWith('"')) {
      const bare = token.slice(1, -1);
      return [replaced(t, i, bare), replaced(t, i, `${bare}""`), replaced(t, i, token.slice(0, -1))];
    }
    return [
      replaced(t, i, `"${token}"`),
      replaced(t, i, `"${token.slice(0, 1)}"${token.slice(1)}`),
      replaced(t, i, `${token}""`),
      replaced(t, i, `"${token}`),
      inserted(t, i, '""'),
    ];
  },
  moveTarget: (t, i) => {
    const at = targetAt(t);
    if (at < 0 || i >= at || i < 2 || !(isOption(t[i]!) || t[i] === '!')) return [];
    const target = t.slice(at);
    return [[...t.slice(0, i), ...target, ...t.slice(i, at)]];
  },
  jumpTwice: (t, i) => {
    if (i === t.length)
      return [
        [...t, '-j', 'ACCEPT'],
        [...t, '-g', 'KUBE-MARK-MASQ'],
        [...t, '-j', 'MARK'],
      ];
    return i === 2 ? [inserted(t, i, '-j', 'RETURN'), inserted(t, i, '-j', 'KUBE-MARK-MASQ')] : [];
  },
  generic: (t, i) => {
    const at = targetAt(t);
    if (i !== 2 && i !== at && i !== t.length) return [];
    return GENERIC_OPTIONS.map((o) => inserted(t, i, ...o));
  },
  verb: (t, i) => {
    if (i !== 0 || t.length < 2) return [];
    const chain = t[1]!;
    const rest = t.slice(2);
    return [
      ['-I', chain, ...rest],
      ['-I', chain, '1', ...rest],
      ['-D', chain, ...rest],
      ['-R', chain, '1', ...rest],
      ['-C', chain, ...rest],
      ['-N', chain, ...rest],
      ['-N', chain],
      ['-X', chain],
      ['-F', chain],
      ['--append', chain, ...rest],
      ['--app', chain, ...rest],
      ['-a', chain, ...rest],
      ['-AI', chain, ...rest],
      [`-A${chain}`, ...rest],
      ['-A', '-A', chain, ...rest],
      ['-A', chain, chain, ...rest],
      ['-A', ...rest],
      ['-A'],
      ['-A', chain],
    ];
  },
};

const textOps: Readonly<Record<string, TextOp>> = {
  separator: (t, i) => {
    if (i === 0 || i >= t.length) return [];
    const joined = (sep: string): string => `${t.slice(0, i).join(' ')}${sep}${t.slice(i).join(' ')}`;
    return ['  ', '\t', ' \t', '\u000b', '\u000c', '\u00a0', '', '\u0000', '\u2003'].map(joined);
  },
  ends: (t, i) => {
    if (i !== 0) return [];
    const line = t.join(' ');
    return [
      `${line} `,
      `${line}\t`,
      `${line}  `,
      ` ${line}`,
      `\t${line}`,
      `${line}\u0000`,
      `${line} #`,
      `${line} # comment`,
      `[1:2] ${line}`,
      `[0:0] ${line}`,
      `[1:2]${line}`,
      `[1:2]  ${line}`,
      `[18446744073709551615:1] ${line}`,
      `[18446744073709551616:1] ${line}`,
      `[a:b] ${line}`,
      `[1:2 ${line}`,
      `[1:2] [3:4] ${line}`,
      `\ufeff${line}`,
    ];
  },
  size: (t, i) => {
    if (i !== 0) return [];
    const line = t.join(' ');
    // Blanks after the chain bring the line to a length around MAX_KEPT_LINE_LENGTH.
    const head = t.slice(0, 2).join(' ');
    const tail = t.slice(2).join(' ');
    const toLength = (length: number, blank: string): string => {
      const out = `${head}${blank.repeat(length - head.length - tail.length)}${tail}`;
      assert.strictEqual(out.length, length);
      return out;
    };
    const many = (count: number): string => `${line}${' -m mark --mark 1'.repeat(count)}`;
    const tokens = t.length;
    return [
      toLength(MAX_KEPT_LINE_LENGTH - 1, ' '),
      toLength(MAX_KEPT_LINE_LENGTH, ' '),
      toLength(MAX_KEPT_LINE_LENGTH + 1, '\t'),
      `${line}${' '.repeat(MAX_KEPT_LINE_LENGTH - line.length)}`,
      // Around the argv limit of iptables-restore (MAX_LINE_TOKENS in parser/lexer.ts).
      many(Math.floor((250 - tokens) / 4) - 1),
      many(Math.floor((250 - tokens) / 4)),
      many(Math.floor((250 - tokens) / 4) + 1),
      many(Math.floor((250 - tokens) / 4) + 2),
      `${t.slice(0, 2).join(' ')}${' -p tcp'.repeat(130)} ${t.slice(2).join(' ')}`,
    ];
  },
};

/** Shapes the systematic mutations run on at most (several hundred variants each). */
const MAX_SHAPES = 80;

/** Splits a canonical line into its tokens, keeping each quoted token as written. */
function splitCanonical(line: string): string[] {
  return line.match(/"(?:[^"\\]|\\.)*"|[^ ]+/g) ?? [];
}

/** Every variant the operators make of `t`, each operator at each position. */
function systematicVariants(t: Tokens, into: Set<string>): void {
  for (let i = 0; i <= t.length; i++) {
    for (const op of Object.values(tokenOps)) for (const v of op(t, i)) into.add(v.join(' '));
    for (const op of Object.values(textOps)) for (const v of op(t, i)) into.add(v);
  }
}

/** A variant of `t` made by a few random operators in a row, or undefined when none applied. */
function randomVariant(t: Tokens, random: () => number): string | undefined {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const ops = Object.values(tokenOps);
  let tokens = t;
  const steps = 1 + Math.floor(random() * 4);
  let applied = 0;
  for (let attempt = 0; applied < steps && attempt < 40; attempt++) {
    // Half the steps swap in real values, so combined changes still reach the fast reader's lines.
    const op = random() < 0.5 ? tokenOps.realValue! : pick(ops);
    const options = op(tokens, Math.floor(random() * (tokens.length + 1)));
    if (options.length === 0) continue;
    tokens = pick(options);
    applied++;
  }
  if (random() < 0.3) {
    for (let attempt = 0; attempt < 40; attempt++) {
      const options = pick(Object.values(textOps))(tokens, Math.floor(random() * (tokens.length + 1)));
      if (options.length > 0) return pick(options);
    }
  }
  return applied > 0 ? tokens.join(' ') : undefined;
}

/**
 * A line's shape: its options, modules and builtin targets, with every other value left out. The
 * systematic mutations run on one line per shape; the random ones on every accepted line.
 */
function shapeOf(t: Tokens): string {
  return t
    .map((x, i) => {
      const before = t[i - 1];
      if (isOption(x) || x === '!') return x;
      if (before === '-m' || before === '-p' || before === '--mode') return x;
      if ((before === '-j' || before === '-g') && /^[A-Z]+$/.test(x)) return x;
      return '_';
    })
    .join(' ');
}

/** The distinct real lines the fast reader accepts in some block, each written as it splits. */
function acceptedRealLines(): string[] {
  const out: string[] = [];
  for (const [line, blocks] of realLines()) {
    if (!blocks.some((b) => fast(line, b) !== undefined)) continue;
    if (splitCanonical(line).join(' ') === line) out.push(line);
  }
  return out;
}

describe('canonical rule reader (writeCanonicalRuleFacts)', () => {
  let accepted: string[] = [];

  before(() => {
    accepted = acceptedRealLines();
    for (const line of accepted) learnValues(splitCanonical(line));
  });

  it('Should agree with the full reading on every line of the fixtures and the corpus', () => {
    const contract = new Contract();
    const lines = realLines();
    assert.ok(lines.size > 1000, `only ${lines.size} distinct lines read`);
    for (const [line, blocks] of lines) contract.checkAll(line, blocks);
    contract.assertHolds('(line, block) pairs of the fixtures and the corpus');
  });

  it('Should accept nearly every clean line of a kube-proxy dump, read in its own table block', () => {
    let clean = 0;
    let taken = 0;
    const contract = new Contract();
    for (const { text, block } of kubeLinesInTheirBlocks()) {
      if (!oracle(text, block)) continue;
      clean++;
      if (contract.check(text, block)) taken++;
    }
    contract.assertHolds('kube-proxy lines');
    assert.ok(clean > 500, `only ${clean} clean lines in the kube dump`);
    assert.ok(taken >= 0.95 * clean, `accepted ${taken} of the ${clean} clean lines of kube-50x3.rules`);
  });

  it('Should accept the canonical kube-proxy shapes and write the rows of the full reading', () => {
    const kubeLines = linesOf(kubePath);
    for (const line of KUBE_SHAPES) {
      assert.ok(kubeLines.includes(line), `not a line of kube-50x3.rules: ${line}`);
      const want = oracle(line, NAT_V4);
      assert.ok(want, `the full reading finds ${JSON.stringify(line)} unclean`);
      assert.deepStrictEqual(
        Array.from(fast(line, NAT_V4) ?? []),
        Array.from(want),
        `row of ${JSON.stringify(line)} in nat/IPv4`,
      );
    }
  });

  it('Should never disagree with the full reading on systematic mutations of the accepted lines', function () {
    this.timeout(120_000);
    const byShape = new Map<string, Tokens>();
    for (const line of accepted) {
      const t = splitCanonical(line);
      const shape = shapeOf(t);
      if (!byShape.has(shape)) byShape.set(shape, t);
    }
    assert.ok(byShape.size >= 5, `only ${byShape.size} shapes accepted`);
    // At most MAX_SHAPES of them, spread over the fixtures, so the test stays quick as the fast reader
    // learns more shapes.
    const shapes = [...byShape.values()];
    const chosen =
      shapes.length <= MAX_SHAPES
        ? shapes
        : [...Array(MAX_SHAPES).keys()].map((k) => shapes[Math.floor((k * shapes.length) / MAX_SHAPES)]!);
    const variants = new Set<string>();
    for (const t of chosen) systematicVariants(t, variants);
    for (const line of accepted) variants.delete(line);
    assert.ok(variants.size > 1000, `only ${variants.size} variants`);
    const contract = new Contract();
    for (const v of variants) contract.checkAll(v, ALL_BLOCKS);
    contract.assertHolds('(variant, block) pairs');
  });

  it('Should never disagree with the full reading on random combinations of mutations', function () {
    this.timeout(120_000);
    const random = prng(0x1a2b3c4d);
    const bases = accepted.map(splitCanonical);
    assert.ok(bases.length > 0, 'the fast reader accepts no real line');
    const variants = new Set<string>();
    for (let n = 0; variants.size < 8000 && n < 80_000; n++) {
      const v = randomVariant(bases[n % bases.length]!, random);
      if (v !== undefined) variants.add(v);
    }
    const contract = new Contract();
    for (const v of variants) contract.checkAll(v, ALL_BLOCKS);
    contract.assertHolds('(random variant, block) pairs');
  });

  it('Should never disagree with the full reading on any --dport value', function () {
    this.timeout(120_000);
    const t = splitCanonical(KUBE_SERVICES_LINE);
    const at = t.indexOf('--dport') + 1;
    assert.strictEqual(t[at], '80');
    const contract = new Contract();
    for (let port = 0; port <= 65536; port++) {
      const line = replaced(t, at, String(port)).join(' ');
      contract.check(line, NAT_V4);
      contract.check(line, NAT_V6);
    }
    contract.assertHolds('ports');
  });

  it('Should never disagree with the full reading on any -d prefix length', () => {
    const t = splitCanonical(KUBE_SERVICES_LINE);
    const at = t.indexOf('-d') + 1;
    assert.strictEqual(t[at], '10.96.0.0/32');
    const contract = new Contract();
    for (const address of ['10.96.0.0', '10.96.0.1', '255.255.255.255', '0.0.0.0', '128.0.0.0']) {
      for (let length = 0; length <= 33; length++) {
        const value = `${address}/${length}`;
        const variants = [
          replaced(t, at, value),
          spliced(t, at - 1, 2, '!', '-d', value),
          spliced(t, at - 1, 2, '-s', value, '-d', t[at]!),
          spliced(t, at - 1, 2, '!', '-s', value, '-d', value),
          spliced(t, at - 1, 2, '-d', value.replace(/\/\d+$/, '')),
        ];
        for (const variant of variants) contract.checkAll(variant.join(' '), ALL_BLOCKS);
      }
    }
    contract.assertHolds('prefix lengths');
  });
});
