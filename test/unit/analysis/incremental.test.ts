import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseDocument, type ParsedDocument } from '../../../server/src/parser/parseDocument';
import { reparseLines } from '../../../server/src/parser/incremental';
import { analyze, type AnalysisOptions } from '../../../server/src/analysis/analyzer';
import type { Finding } from '../../../server/src/analysis/findings';
import { reanalyze } from '../../../server/src/analysis/incremental';
import { applyEdit, type Edit } from '../../helpers/textEdits';

const fixtures = path.resolve(__dirname, '..', '..', 'fixtures');
const read = (rel: string): string => fs.readFileSync(path.join(fixtures, rel), 'utf8');

/** A kube-proxy style node dump with Istio's in-pod rules (bench/gen-kube.mjs 50 3), and Istio's own rule sets. */
const corpus = [
  'kube/kube-50x3.rules',
  'istio/ambient/rendered/default.iptables-nft-save.txt',
  'istio/ambient/rendered/ingress.iptables-legacy-save.txt',
  'istio/sidecar/rendered/basic.iptables-nft-save.txt',
].map((name) => ({ name, text: read(name) }));

/** Above the size limit every fixture gets only syntax and Istio findings; without it, every check runs. */
const modes: readonly { name: string; options: AnalysisOptions }[] = [
  { name: 'above the size limit', options: { maxSizeForAnalysis: 1000 } },
  {
    name: 'above the size limit, with codes switched off',
    options: {
      maxSizeForAnalysis: 1000,
      disabledCodes: new Set(['syntax.unknown-option', 'istio.altered-rule']),
    },
  },
  { name: 'below the size limit', options: {} },
];

function arbitraryEdit(length: number): fc.Arbitrary<Edit> {
  const char = fc.constantFrom(...'aZ09-!"#: /.x\t');
  return fc.oneof(
    fc.record({ offset: fc.nat(length), deleteCount: fc.constant(0), insert: char }),
    fc.record({ offset: fc.nat(length - 1), deleteCount: fc.constant(1), insert: fc.constant('') }),
    fc.record({ offset: fc.nat(length - 1), deleteCount: fc.constant(1), insert: char }),
  );
}

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Findings as a multiset of their full content (code, span, message, severity, fixes, related). */
const asSet = (findings: readonly Finding[]): string[] => findings.map(json).sort();

function assertSortedByPosition(findings: readonly Finding[]): void {
  for (let i = 1; i < findings.length; i++) {
    const a = findings[i - 1]!.span;
    const b = findings[i]!.span;
    assert.ok(a.line < b.line || (a.line === b.line && a.start <= b.start), `finding ${i} is out of order`);
  }
}

describe('incremental re-analysis (reanalyze)', () => {
  for (const mode of modes) {
    it(`Should find exactly what analyze finds on a full parse after random edits, ${mode.name}`, () => {
      let reused = 0;
      for (const { text } of corpus) {
        const previous = parseDocument(text);
        const previousFindings = analyze(previous, mode.options);
        fc.assert(
          fc.property(arbitraryEdit(text.length), (e) => {
            const { text: edited, change } = applyEdit(text, e);
            const doc = reparseLines(previous, edited, change);
            if (!doc) return;
            reused++;
            const found = reanalyze(previous, previousFindings, doc, mode.options);
            assertSortedByPosition(found);
            assert.deepStrictEqual(
              asSet(found),
              asSet(analyze(parseDocument(edited), mode.options)),
              json(e),
            );
          }),
          { seed: 1717, numRuns: 40 },
        );
      }
      assert.ok(reused > 40, `only ${reused} edits were re-parsed incrementally`);
    });
  }

  it('Should keep the syntax findings of untouched lines as the same objects above the size limit', () => {
    const text = [
      '*filter', //                                 0
      ':INPUT ACCEPT [0:0]', //                      1
      '-A INPUT -p tcp --dprot 22 -j ACCEPT', //     2  unknown option
      '-A INPUT -p tcp --dport 80 -j ACCEPT', //     3
      'COMMIT', //                                   4
      '',
    ].join('\n');
    const options = { maxSizeForAnalysis: 10 };
    const previous = parseDocument(text);
    const previousFindings = analyze(previous, options);
    const onLine2 = previousFindings.filter((f) => f.span.line === 2);
    assert.ok(onLine2.length > 0);
    const edited = text.replace('--dport 80', '--dport 8080');
    const doc = reparseLines(previous, edited, { firstLine: 3, oldLastLine: 3, newLastLine: 3 })!;
    const found = reanalyze(previous, previousFindings, doc, options);
    for (const f of onLine2) assert.ok(found.includes(f), `${f.code} on line 2 is reused`);
    assert.deepStrictEqual(asSet(found), asSet(analyze(parseDocument(edited), options)));
  });

  it("Should re-run the Istio checks above the size limit: a changed mark in Istio's rule is reported", () => {
    const text = read('istio/ambient/rendered/default.iptables-nft-save.txt');
    const options = { maxSizeForAnalysis: 1000 };
    const previous = parseDocument(text);
    const previousFindings = analyze(previous, options);
    const line = previous.tree.lines.findIndex(
      (n) => n.kind === 'command' && n.rule?.chain === 'ISTIO_OUTPUT' && /0x111\/0xfff/.test(json(n.rule)),
    );
    assert.ok(line >= 0, 'the fixture has the 0x111 mark rule in ISTIO_OUTPUT');
    const lines = text.split('\n');
    lines[line] = lines[line]!.replace('0x111/0xfff', '0x112/0xfff');
    const edited = lines.join('\n');
    const doc = reparseLines(previous, edited, { firstLine: line, oldLastLine: line, newLastLine: line });
    assert.ok(doc, 'the edit is local');
    const found = reanalyze(previous, previousFindings, doc, options);
    const expected = analyze(parseDocument(edited), options);
    assert.ok(
      expected.some((f) => f.code.startsWith('istio.') && !previousFindings.some((p) => json(p) === json(f))),
      'the full analysis reports a new Istio finding',
    );
    assert.deepStrictEqual(asSet(found), asSet(expected));
  });

  it('Should run the whole analysis for a document that was not re-parsed from the previous one', () => {
    const text = read('kube/kube-50x3.rules');
    const options = { maxSizeForAnalysis: 1000 };
    const previous = parseDocument(text);
    const unrelated: ParsedDocument = parseDocument(text.replace('COMMIT\n', 'COMMIT\n\n'));
    assert.deepStrictEqual(
      asSet(reanalyze(previous, analyze(previous, options), unrelated, options)),
      asSet(analyze(unrelated, options)),
    );
  });
});

describe('incremental re-analysis of edits the Istio checks do not read', () => {
  const text = read('kube/kube-50x3.rules');
  const previous = parseDocument(text);
  /** A kube-proxy endpoint rule: a user chain Istio's catalogue does not name. */
  const line = previous.tree.lines.findIndex((n) => n.kind === 'command' && n.rule?.target?.kind === 'DNAT');
  const lines = text.split('\n');
  lines[line] = lines[line]!.replace('--to-destination 10.', '--to-destination 11.');
  const edited = lines.join('\n');
  const change = { firstLine: line, oldLastLine: line, newLastLine: line };

  it('Should reuse the previous Istio findings when a kube-proxy rule is edited', () => {
    const options = { maxSizeForAnalysis: 1000 };
    const previousFindings = analyze(previous, options);
    const istio = previousFindings.filter((f) => f.code.startsWith('istio.'));
    assert.ok(istio.length > 0, 'the dump has Istio findings to reuse');
    const doc = reparseLines(previous, edited, change)!;
    const found = reanalyze(previous, previousFindings, doc, options);
    for (const f of istio) assert.ok(found.includes(f), `${f.code} is the same object`);
    assert.deepStrictEqual(asSet(found), asSet(analyze(parseDocument(edited), options)));
  });

  it('Should not reuse findings of a previous version that was below the size limit', () => {
    // The edit adds one character: the previous text is at the limit, the new one just above it.
    const grown = edited.replace('--to-destination 11.', '--to-destination 111.');
    const options = { maxSizeForAnalysis: text.length };
    const previousFindings = analyze(previous, options);
    assert.ok(
      !previousFindings.some((f) => f.code === 'analysis.size-limit'),
      'the previous version is below the limit',
    );
    const doc = reparseLines(previous, grown, change)!;
    assert.ok(doc);
    assert.deepStrictEqual(
      asSet(reanalyze(previous, previousFindings, doc, options)),
      asSet(analyze(parseDocument(grown), options)),
    );
  });
});
