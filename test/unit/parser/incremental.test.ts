import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { ChangedLines } from '../../../server/src/model/span';
import type { ChainModel } from '../../../server/src/model/ruleset';
import {
  parseDocument,
  type ParsedDocument,
  type ParseOptions,
} from '../../../server/src/parser/parseDocument';
import { reparseLines, reparseOrigin } from '../../../server/src/parser/incremental';
import { doc } from './helpers';
import { applyEdit, type Edit } from '../../helpers/textEdits';
import { exerciseFeatures, positionsIn } from '../../helpers/fuzzInvariants';
import { getDocumentSymbols } from '../../../server/src/features/documentSymbols';

const fixtures = path.resolve(__dirname, '..', '..', 'fixtures');
const read = (rel: string): string => fs.readFileSync(path.join(fixtures, rel), 'utf8');

/** Real dumps: a kube-proxy style node dump (bench/gen-kube.mjs 50 3) and Istio's rendered rule sets. */
const corpus: readonly { name: string; text: string }[] = [
  'kube/kube-50x3.rules',
  'istio/ambient/rendered/default.iptables-nft-save.txt',
  'istio/ambient/rendered/default_ipv6.ip6tables-legacy-save.txt',
  'istio/ambient/rendered/hostprobe.iptables-legacy-save.txt',
  'istio/sidecar/rendered/tproxy.iptables-nft-save.txt',
].map((name) => ({ name, text: read(name) }));

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/**
 * Everything a feature can read from a parse, as comparable data: every line node with its tokens,
 * rule, matches, target and spans; the tables with their chains (rules by line); the rules in order;
 * the callers map; both line lookups; the problems as a set; and every identity the model promises
 * (a chain's rule is the rule of its line's node, an edge points at the ruleset's own table and at a
 * rule of its chain), so a re-parse that left a stale object behind shows up.
 */
function canonical(parsed: ParsedDocument) {
  const rs = parsed.ruleset;
  const lines = parsed.tree.lines;
  const broken: string[] = [];
  const ruleOfLine = (line: number) => {
    const node = lines[line];
    return node?.kind === 'command' ? node.rule : undefined;
  };
  for (const r of rs.rules) if (ruleOfLine(r.line) !== r) broken.push(`rules[] L${r.line}`);
  for (let i = 0; i < lines.length; i++) {
    const own = ruleOfLine(i);
    if (own && rs.ruleAt(i) !== own) broken.push(`ruleAt L${i}`);
    const t = rs.tableAt(i);
    if (t && rs.tables[t.index] !== t) broken.push(`tableAt L${i}`);
  }
  for (const t of rs.tables)
    for (const c of t.chains.values())
      for (const r of c.rules) if (ruleOfLine(r.line) !== r) broken.push(`${c.name} L${r.line}`);
  for (const [key, edges] of rs.callers)
    for (const e of edges) {
      if (rs.tables[e.table.index] !== e.table) broken.push(`edge table ${key}`);
      if (!e.table.chains.get(e.from)?.rules.includes(e.rule))
        broken.push(`edge rule ${key} L${e.rule.line}`);
    }
  return {
    text: parsed.text,
    tree: json(parsed.tree),
    tables: rs.tables.map((t) =>
      json({ ...t, chains: [...t.chains].map(([n, c]) => [n, chainAsFeaturesSeeIt(c)]) }),
    ),
    rules: rs.rules.map((r) => r.line),
    callers: [...rs.callers].map(([key, edges]) => [
      key,
      edges.map((e) => [e.table.index, e.from, e.to, e.goto, e.rule.line]),
    ]),
    lookups: lines.map((_n, i) => [rs.ruleAt(i)?.line ?? -1, rs.tableAt(i)?.index ?? -1]),
    problems: parsed.problems.map(json).sort(),
    broken,
  };
}

/** A chain's ChainModel fields (not how the builder keeps them), its rules by line. */
function chainAsFeaturesSeeIt(c: ChainModel) {
  const { table, name, builtin, policy, policySpan, counters, declarationSpan, declarationLine } = c;
  const rules = c.rules.map((r) => r.line);
  return { table, name, builtin, policy, policySpan, counters, declarationSpan, declarationLine, rules };
}

/** Re-parses incrementally when possible, else in full, as the document cache does. */
function next(
  previous: ParsedDocument,
  e: Edit,
  options: ParseOptions = {},
): { parsed: ParsedDocument; incremental: boolean } {
  const { text, change } = applyEdit(previous.text, e);
  const quick = reparseLines(previous, text, change);
  return quick
    ? { parsed: quick, incremental: true }
    : { parsed: parseDocument(text, options), incremental: false };
}

/** A random one-character edit: insert, delete or replace, with characters that matter to the grammar. */
function arbitraryEdit(length: number): fc.Arbitrary<Edit> {
  const char = fc.constantFrom(...'aZ09-!"#: []/.,\t*\n\\x', '\u0000');
  return fc.oneof(
    fc.record({ offset: fc.nat(length), deleteCount: fc.constant(0), insert: char }),
    fc.record({
      offset: fc.nat(Math.max(0, length - 1)),
      deleteCount: fc.constant(1),
      insert: fc.constant(''),
    }),
    fc.record({ offset: fc.nat(Math.max(0, length - 1)), deleteCount: fc.constant(1), insert: char }),
  );
}

function lineStart(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at;
}

describe('incremental re-parse (reparseLines)', () => {
  const kube = parseDocument(read('kube/kube-50x3.rules'));

  for (const options of [{}, { onDemand: true }] as const) {
    const mode = options.onDemand ? ' (rules kept on demand)' : '';
    it(`Should give the same parse as a full parse for random one-character edits on real dumps${mode}`, () => {
      for (const { name, text } of corpus) {
        const base = parseDocument(text, options);
        const before = canonical(base);
        let incremental = 0;
        let runs = 0;
        fc.assert(
          fc.property(arbitraryEdit(text.length), (e) => {
            runs++;
            const { text: edited } = applyEdit(text, e);
            const result = next(base, e, options);
            if (!result.incremental) return;
            incremental++;
            assert.deepStrictEqual(canonical(result.parsed), canonical(parseDocument(edited)), json(e));
          }),
          { seed: 8081, numRuns: 50 },
        );
        // The previous document is never changed, whatever the re-parses did.
        assert.deepStrictEqual(canonical(base), before, `${name}: the previous parse was modified`);
        // Most random characters land in rules and comments: the shortcut must actually be taken.
        assert.ok(incremental > runs / 4, `${name}: only ${incremental} of ${runs} edits were incremental`);
      }
    });

    it(`Should give the same parse as a full parse after a chain of edits, each re-parsed from the last${mode}`, () => {
      const text = read('kube/kube-50x3.rules');
      fc.assert(
        fc.property(fc.array(arbitraryEdit(text.length - 200), { minLength: 2, maxLength: 8 }), (edits) => {
          let current = parseDocument(text, options);
          for (const e of edits) current = next(current, e, options).parsed;
          assert.deepStrictEqual(canonical(current), canonical(parseDocument(current.text)));
        }),
        { seed: 4242, numRuns: 30 },
      );
    });
  }

  it('Should let every editor feature answer on a re-parse as on a fresh parse, with the caches of earlier versions warm', () => {
    const text = read('kube/kube-50x3.rules');
    const json = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let reparsed = 0;
    fc.assert(
      fc.property(
        fc.array(arbitraryEdit(text.length - 200), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }),
        (edits, cursors) => {
          for (const options of [{}, { onDemand: true }]) {
            let current = parseDocument(text, options);
            const editedLines = new Set<number>();
            for (const e of edits) {
              // Features run on every version, so per-document caches exist when the next one is made.
              exerciseFeatures(current, positionsIn(current.text, cursors));
              const step = next(current, e, options);
              if (step.incremental) reparsed++;
              editedLines.add(current.text.slice(0, e.offset).split('\n').length - 1);
              current = step.parsed;
            }
            // Random cursors, and every fourth column of the edited lines, where stale spans would show.
            const lines = current.text.split('\n');
            const positions = positionsIn(current.text, cursors);
            for (const line of editedLines)
              for (let character = 0; character <= (lines[line]?.length ?? 0); character += 4)
                positions.push({ line, character });
            assert.strictEqual(
              json(exerciseFeatures(current, positions)),
              json(exerciseFeatures(parseDocument(current.text, options), positions)),
            );
          }
        },
      ),
      { seed: 5151, numRuns: 10 },
    );
    assert.ok(reparsed > 6, `only ${reparsed} edits took the incremental path`);
  });

  it('Should give the same rule-less outline on a re-parse as on a fresh parse, with the earlier outlines cached', () => {
    // maxRules 0: the outline a node dump gets (chains only), which a re-parse may take over.
    const text = read('kube/kube-50x3.rules');
    const lines = text.split('\n');
    // Edits at the end of lines too, where a chain's last rule moves its range's last column.
    const lineEnds = fc.nat(lines.length - 3).map((line) => lineStart(text, line) + lines[line]!.length - 1);
    const edit = fc.oneof(
      arbitraryEdit(text.length - 200),
      fc.record({ offset: lineEnds, deleteCount: fc.constant(0), insert: fc.constant('x') }),
    );
    let reused = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        for (const options of [{}, { onDemand: true }]) {
          let current = parseDocument(text, options);
          for (const e of edits) {
            getDocumentSymbols(current, 0);
            const step = next(current, e, options);
            current = step.parsed;
            if (step.incremental) reused++;
          }
          assert.deepStrictEqual(
            getDocumentSymbols(current, 0),
            getDocumentSymbols(parseDocument(current.text), 0),
          );
        }
      }),
      { seed: 6161, numRuns: 60 },
    );
    assert.ok(reused > 30, `only ${reused} incremental steps`);
  });

  it('Should re-read a typed character inside a rule and share every other line with the previous parse', () => {
    const text = kube.text;
    // A DNAT rule of a service endpoint chain in the nat table.
    const line = kube.tree.lines.findIndex((n) => n.kind === 'command' && n.rule?.target?.kind === 'DNAT');
    const at = lineStart(text, line) + text.slice(lineStart(text, line)).indexOf('--to-destination');
    const result = reparseLines(kube, text.slice(0, at) + ' ' + text.slice(at), {
      firstLine: line,
      oldLastLine: line,
      newLastLine: line,
    });
    assert.ok(result, 'the edit is local');
    const oldRule = kube.ruleset.ruleAt(line)!;
    const newRule = result.ruleset.ruleAt(line)!;
    assert.notStrictEqual(newRule, oldRule);
    assert.strictEqual(newRule.span.end, oldRule.span.end + 1);
    for (let i = 0; i < kube.tree.lines.length; i++)
      if (i !== line) assert.strictEqual(result.tree.lines[i], kube.tree.lines[i], `line ${i} is shared`);
    // The previous chain still holds the previous rule: nothing was mutated in place.
    const oldChain = kube.ruleset.tableAt(line)!.chains.get(oldRule.chain)!;
    assert.ok(oldChain.rules.includes(oldRule) && !oldChain.rules.includes(newRule));
    assert.ok(result.ruleset.tableAt(line)!.chains.get(newRule.chain)!.rules.includes(newRule));
    assert.deepStrictEqual(reparseOrigin(result)?.changedLines, new Set([line]));
  });

  it("Should link a re-parse to the version it came from, and drop that version's own link", () => {
    const text = doc(
      '*filter', //                                  0
      '-A INPUT -p tcp --dport 22 -j ACCEPT', //     1
      'COMMIT', //                                   2
    );
    const v1 = parseDocument(text);
    const change = { firstLine: 1, oldLastLine: 1, newLastLine: 1 };
    const v2 = reparseLines(v1, text.replace('22', '23'), change)!;
    assert.strictEqual(reparseOrigin(v2)?.previous, v1);
    const v3 = reparseLines(v2, text.replace('22', '24'), change)!;
    assert.strictEqual(reparseOrigin(v3)?.previous, v2);
    // v3 keeps v2 alive, and v2 no longer keeps v1: a run of edits holds one earlier version.
    assert.strictEqual(reparseOrigin(v2), undefined);
    assert.strictEqual(reparseOrigin(v1), undefined);
  });

  it('Should replace the problems of an edited rule and keep those of the other lines', () => {
    const text = doc(
      '*filter', //                                   0
      ':INPUT ACCEPT [0:0]', //                        1
      '-A INPUT -p tcp --dport 22 -j ACCEPT', //       2
      '-A INPUT -p tcp --dprot 80 -j ACCEPT', //       3  unknown option
      'COMMIT', //                                     4
    );
    const broken = parseDocument(text);
    assert.ok(broken.problems.some((p) => p.span.line === 3));
    const fixed = text.replace('--dprot', '--dport');
    const result = reparseLines(broken, fixed, { firstLine: 3, oldLastLine: 3, newLastLine: 3 });
    assert.ok(result);
    assert.deepStrictEqual(canonical(result), canonical(parseDocument(fixed)));
    const rebroken = reparseLines(result, text.replace('--dport 22', '--dport 22x'), {
      firstLine: 2,
      oldLastLine: 3,
      newLastLine: 3,
    });
    assert.ok(rebroken);
    assert.deepStrictEqual(
      canonical(rebroken),
      canonical(parseDocument(text.replace('--dport 22', '--dport 22x'))),
    );
  });

  it('Should re-read an edited comment line and a blank line that becomes a comment', () => {
    const text = doc(
      '# Generated by iptables-save v1.8.9', //  0
      '*filter', //                               1
      '# allow ssh', //                           2
      '', //                                      3
      '-A INPUT -p tcp --dport 22 -j ACCEPT', //  4
      'COMMIT', //                                5
    );
    const parsed = parseDocument(text);
    const edited = text.replace('# allow ssh\n\n', '# allow SSH\n# from anywhere\n');
    const result = reparseLines(parsed, edited, { firstLine: 2, oldLastLine: 3, newLastLine: 3 });
    assert.ok(result);
    assert.deepStrictEqual(canonical(result), canonical(parseDocument(edited)));
    assert.strictEqual(result.ruleset, parsed.ruleset, 'comments leave the ruleset as it was');
  });

  describe('falls back to a full parse (returns undefined)', () => {
    const text = doc(
      '*nat', //                                         0
      ':PREROUTING ACCEPT [0:0]', //                     1
      ':KUBE-SVC-A - [0:0]', //                          2
      ':KUBE-SEP-A - [0:0]', //                          3
      ':KUBE-SEP-B - [0:0]', //                          4
      '-A PREROUTING -j KUBE-SVC-A', //                  5
      '-A KUBE-SVC-A -j KUBE-SEP-A', //                  6
      '-A KUBE-SEP-A -p tcp -j DNAT --to-destination 10.0.0.1:80', // 7
      'COMMIT', //                                       8
    );
    const parsed = parseDocument(text);
    const sameLines = (line: number): ChangedLines => ({
      firstLine: line,
      oldLastLine: line,
      newLastLine: line,
    });

    it('Should fall back when the edit adds a line (every later span would move)', () => {
      const edited = text.replace('-A KUBE-SVC-A -j KUBE-SEP-A\n', '-A KUBE-SVC-A -j KUBE-SEP-A\n\n');
      assert.strictEqual(
        reparseLines(parsed, edited, { firstLine: 6, oldLastLine: 6, newLastLine: 7 }),
        undefined,
      );
    });

    it('Should fall back when a rule jumps to another chain (the jump graph changes)', () => {
      const edited = text.replace('-j KUBE-SEP-A\n', '-j KUBE-SEP-B\n');
      assert.strictEqual(reparseLines(parsed, edited, sameLines(6)), undefined);
    });

    it('Should fall back when a rule moves to another chain', () => {
      const edited = text.replace('-A KUBE-SEP-A -p tcp', '-A KUBE-SEP-B -p tcp');
      assert.strictEqual(reparseLines(parsed, edited, sameLines(7)), undefined);
    });

    it('Should fall back when a rule line becomes a comment', () => {
      const edited = text.replace('-A KUBE-SEP-A -p tcp', '#A KUBE-SEP-A -p tcp');
      assert.strictEqual(reparseLines(parsed, edited, sameLines(7)), undefined);
    });

    it('Should fall back when a chain declaration is edited', () => {
      const edited = text.replace(':KUBE-SEP-B - [0:0]', ':KUBE-SEP-C - [0:0]');
      assert.strictEqual(reparseLines(parsed, edited, sameLines(4)), undefined);
    });

    it('Should fall back when the new rule jumps to a chain no line declares', () => {
      const withGoto = text.replace('-A KUBE-SVC-A -j KUBE-SEP-A', '-A KUBE-SVC-A -j ACCEPT');
      const base = parseDocument(withGoto);
      const edited = withGoto.replace('-A KUBE-SVC-A -j ACCEPT', '-A KUBE-SVC-A -j ACCEPTX');
      assert.strictEqual(reparseLines(base, edited, sameLines(6)), undefined);
    });

    it('Should fall back in a block that deletes rules by specification (rule text has effects there)', () => {
      const withDelete = text.replace(
        'COMMIT',
        '-D KUBE-SEP-A -p tcp -j DNAT --to-destination 10.0.0.1:80\nCOMMIT',
      );
      const base = parseDocument(withDelete);
      const edited = withDelete.replace(
        '--to-destination 10.0.0.1:80\n-D',
        '--to-destination 10.0.0.2:80\n-D',
      );
      assert.strictEqual(reparseLines(base, edited, sameLines(7)), undefined);
    });

    it('Should fall back on a file with CRLF line ends', () => {
      const crlf = text.replace(/\n/g, '\r\n');
      const base = parseDocument(crlf);
      const edited = crlf.replace('10.0.0.1:80', '10.0.0.9:80');
      assert.strictEqual(reparseLines(base, edited, sameLines(7)), undefined);
    });

    it('Should fall back when the change does not match the text (wrong line count in the range)', () => {
      const edited = text.replace('-A KUBE-SVC-A -j KUBE-SEP-A\n', '-A KUBE-SVC-A\n-j KUBE-SEP-A\n');
      assert.strictEqual(reparseLines(parsed, edited, sameLines(6)), undefined);
    });
  });
});
