/**
 * Hostile documents built on purpose rather than drawn at random: 10,000 nested jumps, jump loops,
 * 100 KB lines, NUL bytes, a binary file opened by mistake, invalid UTF-8 and mixed line breaks.
 * Every stage (parser, analyzer, quick fixes, formatter, editor features, tracer) must finish —
 * the test finishing is the termination proof, each input being bounded — and keep its promises.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { analyze } from '../../../server/src/analysis/analyzer';
import type { Finding } from '../../../server/src/analysis/findings';
import { formatDocument } from '../../../server/src/features/formatting';
import { defaultSettings } from '../../../server/src/settings';
import { propertySeed } from '../../helpers/fuzzConfig';
import { packetSpecs } from '../../helpers/fuzzInputs';
import {
  applyEdits,
  assertFindingInside,
  assertNoInternalFinding,
  assertParsedDocument,
  editorLines,
  exerciseFeatures,
  fuzzUri,
  languageService,
} from '../../helpers/fuzzInvariants';

/** Runs every stage on one document and returns the analyzer's findings for further assertions. */
function exerciseEverything(text: string): Finding[] {
  const doc = parseDocument(text);
  assertParsedDocument(doc);
  const lines = editorLines(text);
  const findings = analyze(doc);
  assertNoInternalFinding(findings, 'the analyzer');
  for (const f of findings) assertFindingInside(f, lines);

  const diagnostics = languageService.getDiagnostics(doc, fuzzUri, defaultSettings);
  for (const action of languageService.getCodeActions(fuzzUri, diagnostics, diagnostics).slice(0, 10)) {
    const fixed = parseDocument(applyEdits(text, action.edit?.changes?.[fuzzUri] ?? []));
    assertParsedDocument(fixed);
  }

  const formatted = applyEdits(text, formatDocument(doc));
  assert.equal(
    applyEdits(formatted, formatDocument(parseDocument(formatted))),
    formatted,
    'formatting is idempotent',
  );

  const sampled = [0, 1, Math.floor(lines.length / 2), lines.length - 2, lines.length - 1].filter(
    (l) => l >= 0 && l < lines.length,
  );
  exerciseFeatures(
    doc,
    sampled.flatMap((line) =>
      [0, 3, 12, lines[line].length].map((c) => ({ line, character: Math.min(c, lines[line].length) })),
    ),
  );

  for (const packet of packetSpecs.slice(0, 3)) assert.ok(languageService.trace(doc, { packet }));
  for (const scenario of languageService.getTraceScenarios(doc))
    assert.ok(languageService.trace(doc, { scenario: scenario.name }));
  return findings;
}

function filterTable(chains: readonly string[], rules: readonly string[]): string {
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...chains.map((c) => `:${c} - [0:0]`),
    ...rules,
    'COMMIT',
    '',
  ].join('\n');
}

function codes(findings: readonly Finding[]): Set<string> {
  return new Set(findings.map((f) => f.code));
}

/** Deterministic bytes from fast-check's generator, seeded like the properties. */
function seededBytes(seed: number, length: number): Buffer {
  const [bytes] = fc.sample(fc.uint8Array({ minLength: length, maxLength: length }), {
    seed: propertySeed(seed),
    numRuns: 1,
  });
  return Buffer.from(bytes);
}

describe('Fuzz: extreme documents', function () {
  this.timeout(120_000);

  it('Should follow 10,000 nested jumps (INPUT → C0 → … → C9999) and flag the depth nf_tables refuses', function () {
    const n = 10_000;
    const chains = Array.from({ length: n }, (_, i) => `C${i}`);
    const rules = [
      '-A INPUT -j C0',
      ...chains.slice(0, -1).map((c, i) => `-A ${c} -j C${i + 1}`),
      `-A C${n - 1} -j ACCEPT`,
    ];
    const findings = exerciseEverything(filterTable(chains, rules));
    // tables.ts nftMaxJumpDepth: 15 nested user chains load with iptables-nft-restore, a 16th fails.
    assert.ok(codes(findings).has('netfilter.jump-too-deep'));
    assert.ok(!codes(findings).has('netfilter.jump-loop'));
  });

  it('Should stop at a chain that jumps to itself and flag the loop', function () {
    const findings = exerciseEverything(filterTable(['C0'], ['-A INPUT -j C0', '-A C0 -j C0']));
    // The kernel refuses a ruleset with a loop reachable from a builtin chain (ELOOP at commit).
    assert.ok(codes(findings).has('netfilter.jump-loop'));
  });

  it('Should stop at a loop of 1,000 chains closed by a goto and flag it', function () {
    const n = 1_000;
    const chains = Array.from({ length: n }, (_, i) => `L${i}`);
    const rules = [
      '-A OUTPUT -j L0',
      ...chains.slice(0, -1).map((c, i) => `-A ${c} -j L${i + 1}`),
      `-A L${n - 1} -g L0`,
    ];
    assert.ok(codes(exerciseEverything(filterTable(chains, rules))).has('netfilter.jump-loop'));
  });

  it('Should stop at many small loops that share chains (a jump to each of two chains that jump to each other)', function () {
    const chains = Array.from({ length: 200 }, (_, i) => `P${i}`);
    const rules = chains.flatMap((c, i) => [
      `-A INPUT -j ${c}`,
      `-A ${c} -j P${(i + 1) % 200}`,
      `-A ${c} -j P${(i + 199) % 200}`,
    ]);
    assert.ok(codes(exerciseEverything(filterTable(chains, rules))).has('netfilter.jump-loop'));
  });

  it('Should handle 100 KB lines: one token, many addresses, a comment, an open quote', function () {
    const big = 100 * 1024;
    const lines = [
      `-A INPUT -j ${'A'.repeat(big)}`,
      `-A INPUT ${'-s 10.0.0.1 '.repeat(big / 12)}-j ACCEPT`,
      `# ${'x'.repeat(big)}`,
      `-A INPUT -m comment --comment "${'y'.repeat(big)}`,
      `-A INPUT -s ${Array.from({ length: big / 12 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join(',')} -j DROP`,
    ];
    for (const line of lines) exerciseEverything(filterTable([], [line]));
  });

  it('Should handle a file of NUL bytes and NULs inside rules', function () {
    exerciseEverything('\0'.repeat(64 * 1024));
    exerciseEverything(filterTable([], ['-A INPUT -s 10.0.0.1\0 -j ACCEPT', '-A INPUT\0-j DROP', '\0']));
  });

  it('Should handle a binary file opened by mistake (64 KB of seeded random bytes read as UTF-8)', function () {
    const bytes = seededBytes(9701, 64 * 1024);
    exerciseEverything(bytes.toString('utf8'));
    exerciseEverything(bytes.toString('latin1'));
  });

  it('Should handle invalid UTF-16: lone surrogates in names, values and comments', function () {
    exerciseEverything(
      filterTable(
        ['\uD800X', 'Y\uDC00'],
        [
          '-A INPUT -j \uD800X',
          '-A \uD800X -m comment --comment "\uDC00\uD800" -j Y\uDC00',
          '-A INPUT -s 10.0.0.\uD800 -i et\uDC00h0 -j ACCEPT',
          '# \uDBFF',
        ],
      ),
    );
  });

  it('Should handle every mix of line breaks: CRLF, lone CR, LF, and 10,000 empty CRLF lines', function () {
    const rules = ['-A INPUT -j ACCEPT', '-A OUTPUT -j DROP'];
    const lf = filterTable([], rules);
    exerciseEverything(lf.replace(/\n/g, '\r\n'));
    exerciseEverything(lf.replace(/\n/g, '\r'));
    exerciseEverything(
      lf
        .split('\n')
        .map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\r' : '\n'))
        .join(''),
    );
    exerciseEverything('\r\n'.repeat(10_000));
    exerciseEverything('\r'.repeat(10_000) + lf);
  });

  it('Should handle 1,000 tables opened and committed in a row and 1,000 never committed', function () {
    exerciseEverything('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n'.repeat(1_000));
    exerciseEverything('*nat\n'.repeat(1_000));
  });
});
