/**
 * Inputs for the property tests: the real dumps under test/fixtures, examples/ and the restore
 * corpus as seeds, and fast-check arbitraries that mutate them the ways hand edits, bad copies and
 * wrong files do (byte flips that break UTF-8, line deletions/duplications/swaps, truncation,
 * CRLF/LF mixes, NUL bytes, lone surrogates, tokens from the option tables in the wrong places).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { commands, genericOptions } from '../../server/src/netfilter/generic';
import { matchModules } from '../../server/src/netfilter/matches';
import { targetSpecs } from '../../server/src/netfilter/targets';
import { tables } from '../../server/src/netfilter/tables';
import type { OptionSpec } from '../../server/src/netfilter/spec';
import { ambientChains, sidecarChains } from '../../server/src/istio/constants';

const repositoryRoot = join(__dirname, '..', '..');

/** One seed document, named by its path so a counterexample says where it started. */
export interface SeedFile {
  readonly name: string;
  readonly text: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function readSeeds(dirs: readonly string[], keep: (path: string) => boolean): SeedFile[] {
  return dirs
    .flatMap((dir) => filesUnder(join(repositoryRoot, dir)))
    .filter(keep)
    .map((path) => ({ name: relative(repositoryRoot, path), text: readFileSync(path, 'utf8') }));
}

/** Every rule file we hold: Istio renderings and goldens, the kube-proxy dump, examples, the restore corpus. */
export const seedFiles: readonly SeedFile[] = readSeeds(
  ['test/fixtures', 'examples', 'test/corpus'],
  (path) => !/\.(md|json)$/.test(path),
);

/**
 * The files under test/fixtures that are real `iptables-save` / `ip6tables-save` output (the
 * `rendered/` dumps; see test/fixtures/SOURCES.md). `nft list ruleset` dumps and the Istio goldens
 * (restore input, not save output) are left out.
 */
export const savedDumps: readonly SeedFile[] = readSeeds(['test/fixtures'], (path) =>
  /\/rendered\/.*\.ip6?tables-(nft|legacy)-save\.txt$/.test(path),
);

function optionWords(option: OptionSpec): string[] {
  const words = [`--${option.name}`, ...(option.aliases ?? []).map((a) => `--${a}`)];
  if (option.short) words.push(`-${option.short}`);
  return [...words, ...(option.values ?? [])];
}

/**
 * Words the lexer and command parser react to: every command, generic option, match module,
 * target and option name of the knowledge base (server/src/netfilter), their enumerated values,
 * table and Istio chain names, and values of each kind, some valid and some not.
 */
export const tokenPool: readonly string[] = [
  ...new Set([
    ...commands.flatMap((c) => [`-${c.short}`, `--${c.name}`]),
    ...genericOptions.flatMap(optionWords),
    ...matchModules.flatMap((m) => [m.name, ...(m.aliases ?? []), ...m.options.flatMap(optionWords)]),
    ...targetSpecs.flatMap((t) => [t.name, ...t.options.flatMap(optionWords)]),
    ...tables.flatMap((t) => [t.name, `*${t.name}`, ...t.chains, `:${t.chains[0]}`]),
    ...Object.values(ambientChains),
    ...sidecarChains,
    ...[
      '-m',
      '-j',
      '-g',
      '!',
      '"',
      '""',
      '"a b"',
      '"unterminated',
      '\\',
      '\\"',
      "'",
      'COMMIT',
      '#',
      ':',
      '-',
      '--',
    ],
    ...['ACCEPT', 'DROP', 'RETURN', '[0:0]', '[1:2', '[-1:0]', '[18446744073709551616:0]'],
    ...['10.0.0.1', '10.0.0.0/8', '10.1.2.3/255.255.0.0', '::1', 'fd00::/8', '1.2.3.4-1.2.3.9', '300.1.1.1'],
    ...['15001', '15006', '0:65535', '1:2:3', '80,443', '65536', '0x539/0xfff', '0x111/0xfff', '0xffffffff1'],
    ...['eth0', 'eth+', 'lo', 'istioout', 'NEW,ESTABLISHED', 'SYN,ACK', 'echo-request', '1/sec', '0.5'],
  ]),
];

/**
 * Characters that break things in other tools: NUL, stray line breaks, a lone high and a lone low
 * surrogate (what a JS string holds after bad decoding), U+FFFD (what Node makes of invalid UTF-8),
 * a character outside the BMP (two UTF-16 units), quotes, backslash, tab, a non-breaking space.
 */
const hostileCharacters = [
  '\0',
  '\r',
  '\n',
  '\r\n',
  '\uD800',
  '\uDC00',
  '\uFFFD',
  '😀',
  '"',
  '\\',
  '\t',
  '\u00A0',
  ' ',
];

/**
 * One edit to a document. Positions are free naturals reduced modulo the current size when the
 * mutation is applied, so every generated value applies to every seed and shrinks towards 0.
 */
export type Mutation =
  | { readonly kind: 'flip-byte'; readonly at: number; readonly xor: number }
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly a: number; readonly b: number }
  | { readonly kind: 'insert-token'; readonly at: number; readonly token: string }
  | { readonly kind: 'replace-word'; readonly at: number; readonly token: string }
  | { readonly kind: 'insert-line'; readonly at: number; readonly tokens: readonly string[] }
  | { readonly kind: 'insert-character'; readonly at: number; readonly character: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'line-ending'; readonly at: number; readonly ending: '\r\n' | '\r' | '\n' };

const token = fc.constantFrom(...tokenPool);

/** A mutation of any kind; byte flips and token edits come most often, as they reach the most code. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flip-byte' as const),
      at: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert-token' as const), at: fc.nat(), token }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace-word' as const), at: fc.nat(), token }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert-line' as const),
      at: fc.nat(),
      tokens: fc.array(token, { minLength: 1, maxLength: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert-character' as const),
      at: fc.nat(),
      character: fc.constantFrom(...hostileCharacters),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('line-ending' as const),
      at: fc.nat(),
      ending: fc.constantFrom('\r\n' as const, '\r' as const, '\n' as const),
    }),
  },
);

/** Splits on `\n` only, keeping any `\r`, so line edits preserve the other lines' endings byte for byte. */
function physicalLines(text: string): string[] {
  return text.split('\n');
}

/** Applies one mutation. Total: any text and any mutation give a text. */
export function applyMutation(text: string, m: Mutation): string {
  const lines = physicalLines(text);
  const lineAt = (n: number): number => n % lines.length;
  switch (m.kind) {
    case 'flip-byte': {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length === 0) return text;
      bytes[m.at % bytes.length] ^= m.xor;
      // Decoding replaces invalid sequences with U+FFFD, exactly as reading a broken file does.
      return bytes.toString('utf8');
    }
    case 'delete-line':
      lines.splice(lineAt(m.at), 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const i = lineAt(m.at);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 'swap-lines': {
      const a = lineAt(m.a);
      const b = lineAt(m.b);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
    case 'insert-token': {
      const boundaries = wordBoundaries(text);
      const at = boundaries[m.at % boundaries.length];
      return `${text.slice(0, at)} ${m.token} ${text.slice(at)}`;
    }
    case 'replace-word': {
      const words = wordSpans(text);
      if (words.length === 0) return m.token;
      const [start, end] = words[m.at % words.length];
      return text.slice(0, start) + m.token + text.slice(end);
    }
    case 'insert-line':
      lines.splice(m.at % (lines.length + 1), 0, m.tokens.join(' '));
      return lines.join('\n');
    case 'insert-character': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.character + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'line-ending': {
      const i = lineAt(m.at);
      if (i === lines.length - 1) return text;
      const content = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
      const rest = lines.slice(i + 1).join('\n');
      return [...lines.slice(0, i), content + m.ending + rest].join('\n');
    }
  }
}

function wordSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(/[^\s]+/g)) spans.push([match.index, match.index + match[0].length]);
  return spans;
}

function wordBoundaries(text: string): number[] {
  return [0, ...wordSpans(text).map(([, end]) => end)];
}

/** A seed document with its name, and the mutations to apply, kept apart so a failure prints both. */
export interface MutatedCase {
  readonly seed: string;
  readonly mutations: readonly Mutation[];
}

/** Draws a seed file and one to `maxMutations` mutations of it. */
export function mutatedCase(
  seeds: readonly SeedFile[] = seedFiles,
  maxMutations = 8,
): fc.Arbitrary<MutatedCase> {
  return fc.record({
    seed: fc.constantFrom(...seeds.map((s) => s.name)),
    mutations: fc.array(mutation, { minLength: 1, maxLength: maxMutations }),
  });
}

const seedTexts = new Map(seedFiles.map((s) => [s.name, s.text]));
for (const s of savedDumps) seedTexts.set(s.name, s.text);

/** The text of a generated case: its seed with every mutation applied in order. */
export function textOf(c: MutatedCase): string {
  let text = seedTexts.get(c.seed) ?? '';
  for (const m of c.mutations) text = applyMutation(text, m);
  return text;
}

/** Documents from random lines of pool tokens, for inputs no real file resembles. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.array(fc.oneof(token, fc.constantFrom(...hostileCharacters)), { maxLength: 14 }), {
    minLength: 1,
    maxLength: 30,
  })
  .map((lines) => lines.map((words) => words.join(' ')).join('\n'));

/** Packet specs for the tracer: valid ones of both families and broken ones. */
export const packetSpecs: readonly string[] = [
  'tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out',
  'tcp 10.0.0.9:40000 -> 10.244.0.5:8080 in',
  'udp 10.244.0.5:5353 -> 10.96.0.10:53 out uid=1337',
  'tcp 10.244.0.5:1 -> 10.244.0.5:15001 out mark=0x539',
  'tcp 169.254.7.127:1 -> 10.244.0.5:15021 in',
  'tcp [fd00:244::5]:1234 -> [fd00:96::a]:80 out',
  'udp [fd00:10::9]:53 -> [fd00:244::5]:53 in iif=eth0',
  'icmp 10.0.0.1 -> 10.0.0.2',
  'tcp 10.0.0.300:1 -> 10.0.0.2:80',
  'tcp 10.0.0.1:1 -> [::1]:80',
  'sctp 10.0.0.1:1 -> 10.0.0.2:80 sideways',
  'tcp 10.0.0.1:1 -> 10.0.0.2:80 mark=0x100000000',
  '\0\uD800 -> ',
];
