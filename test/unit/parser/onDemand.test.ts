import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../../server/src/analysis/analyzer';
import type { CommandLine } from '../../../server/src/model/syntax';
import {
  MAX_KEPT_LINE_LENGTH,
  OnDemandRuleLine,
  OnDemandStore,
  chainOperandOf,
  targetNameOf,
} from '../../../server/src/parser/onDemand';
import { parseDocument, type ParsedDocument } from '../../../server/src/parser/parseDocument';
import { Problems } from '../../../server/src/parser/problems';
import { readCommandLine } from '../../../server/src/parser/readCommandLine';
import { parsedJson } from '../../helpers/parsedJson';

const kubeText = fs.readFileSync(
  path.resolve(__dirname, '..', '..', 'fixtures', 'kube', 'kube-50x3.rules'),
  'utf8',
);

function keptLines(doc: ParsedDocument): OnDemandRuleLine[] {
  return doc.tree.lines.filter((n): n is OnDemandRuleLine => n instanceof OnDemandRuleLine);
}

function storeOf(doc: ParsedDocument): OnDemandStore {
  return keptLines(doc)[0]!.block.store;
}

describe('on-demand parse (ParseOptions.onDemand)', () => {
  it('Should keep every clean -A line of a node dump as a handle, and nothing else', () => {
    const doc = parseDocument(kubeText, { onDemand: true });
    const appends = kubeText.split('\n').filter((l) => l.startsWith('-A ')).length;
    assert.strictEqual(keptLines(doc).length, appends);
    assert.ok(doc.ruleset.rules.every((r) => r instanceof OnDemandRuleLine));
    // The model holds the handles themselves: one object per rule, whichever way it is reached.
    for (const node of keptLines(doc)) {
      assert.strictEqual(node.rule, node, 'a kept line is its own rule');
      assert.strictEqual(doc.ruleset.ruleAt(node.line), node);
    }
  });

  it('Should build the ruleset and run the checks above the size limit without re-reading rule lines', () => {
    const doc = parseDocument(kubeText, { onDemand: true });
    const store = storeOf(doc);
    assert.strictEqual(store.linesRead, 0, 'the parse itself re-read lines');
    assert.ok(doc.ruleset.callers.size > 100, 'the jump graph was built');
    const findings = analyze(doc, { maxSizeForAnalysis: 1 });
    assert.deepStrictEqual(findings, analyze(parseDocument(kubeText), { maxSizeForAnalysis: 1 }));
    // The Istio checks read the ISTIO_* chains and the builtin chains that jump to them: a few dozen
    // of the dump's 570 rules.
    const istioAndHooks = doc.ruleset.rules.filter((r) =>
      /^(ISTIO|PREROUTING|OUTPUT|INPUT|POSTROUTING)/.test(r.chain),
    );
    assert.ok(
      store.linesRead <= istioAndHooks.length,
      `${store.linesRead} lines re-read, more than the ${istioAndHooks.length} rules of Istio and builtin chains`,
    );
  });

  it('Should answer a hover-style read of one line by re-reading that line once', () => {
    const doc = parseDocument(kubeText, { onDemand: true });
    const node = keptLines(doc)[300]!;
    const before = storeOf(doc).linesRead;
    const eager = parseDocument(kubeText).tree.lines[node.line] as CommandLine;
    assert.deepStrictEqual(
      node.tokens.map((t) => [t.text, t.span]),
      eager.tokens.map((t) => [t.text, t.span]),
    );
    assert.strictEqual(node.rule.target?.name, eager.rule?.target?.name);
    assert.strictEqual(storeOf(doc).linesRead, before + 1, 'the second access re-read the line again');
  });

  it('Should tell whether a line has counters from its text, without re-reading it', () => {
    const doc = parseDocument(kubeText, { onDemand: true });
    assert.ok(keptLines(doc).every((n) => n.counters === undefined));
    assert.strictEqual(storeOf(doc).linesRead, 0);
    const counted = parseDocument(
      '*filter\n:INPUT ACCEPT [0:0]\n[3:180] -A INPUT -p tcp -j ACCEPT\nCOMMIT\n',
      {
        onDemand: true,
      },
    );
    const line = counted.tree.lines[2] as CommandLine;
    assert.ok(line instanceof OnDemandRuleLine);
    assert.deepStrictEqual([line.counters?.packets, line.counters?.bytes], [3n, 180n]);
  });

  it('Should keep a line of 32,768 characters or more whole, and give its spans as the full parse does', () => {
    // A rule spread over 200,000 characters of blanks: valid, only too long for iptables-restore,
    // and its target is written where two packed columns would overflow.
    const long = `-A INPUT${' '.repeat(100_000)}-p tcp${'\t'.repeat(100_000)}-j KEEP`;
    assert.ok(long.length >= MAX_KEPT_LINE_LENGTH);
    const text = `*filter\n:INPUT ACCEPT [0:0]\n:KEEP - [0:0]\n${long}\n-A INPUT -j KEEP\nCOMMIT\n`;
    const lazy = parseDocument(text, { onDemand: true });
    const full = parseDocument(text);
    assert.ok(!(lazy.tree.lines[3] instanceof OnDemandRuleLine), 'the long line is not a handle');
    assert.ok(lazy.tree.lines[4] instanceof OnDemandRuleLine, 'the short one is');
    for (const line of [3, 4]) {
      const [a, b] = [lazy, full].map((doc) => doc.tree.lines[line] as CommandLine);
      const operand = (node: CommandLine) => {
        const chain = chainOperandOf(node);
        return chain && { text: chain.text, span: chain.span };
      };
      assert.deepStrictEqual(operand(a!), operand(b!));
      assert.deepStrictEqual(targetNameOf(a!.rule!), targetNameOf(b!.rule!));
    }
    assert.deepStrictEqual(
      lazy.problems.map((p) => p.code),
      full.problems.map((p) => p.code),
    );
  });

  it('Should forget the oldest re-read line when its store is full, and read it again on the next use', () => {
    const text = '-A INPUT -s 10.0.0.1/32 -j ACCEPT';
    // Three handles on the same text, each as if it were on another line.
    const store = new OnDemandStore(text, 2);
    const block = { table: 'filter', family: 4 as const, store };
    const handles = [0, 1, 2].map((line) => {
      const read = readCommandLine(text, line, block, new Problems());
      assert.ok(read.ok && read.value.rule);
      return OnDemandRuleLine.fromRead(line, 0, block, { ...read.value, rule: read.value.rule });
    });
    const first = handles[0]!.rule.source;
    void handles[1]!.rule.source;
    assert.strictEqual(handles[0]!.rule.source, first, 'a remembered line is not read again');
    assert.strictEqual(store.linesRead, 2);
    void handles[2]!.rule.source; // evicts line 0, the oldest
    const again = handles[0]!.rule.source;
    assert.strictEqual(store.linesRead, 4);
    assert.notStrictEqual(again, first, 'line 0 was forgotten and read again');
    assert.deepStrictEqual(again, first);
  });

  it('Should keep an unknown jump target as kind unknown, with the problem, like the eager parse', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j NOWHERE\nCOMMIT\n';
    const doc = parseDocument(text, { onDemand: true });
    assert.strictEqual(doc.ruleset.rules[0]?.target?.kind, 'unknown');
    assert.deepStrictEqual(
      doc.problems.map((p) => p.code),
      ['syntax.undefined-target'],
    );
    assert.strictEqual(parsedJson(doc), parsedJson(parseDocument(text)));
  });

  it('Should keep lines with problems, and commands other than -A, as ordinary nodes', () => {
    const text =
      '*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A INPUT -p tcp --dport 99999 -j ACCEPT\n-I INPUT -j X\n-A INPUT -j X\nCOMMIT\n';
    const doc = parseDocument(text, { onDemand: true });
    const kinds = doc.tree.lines.map((n) => (n instanceof OnDemandRuleLine ? 'kept' : n.kind));
    assert.deepStrictEqual(kinds, [
      'table',
      'chain',
      'chain',
      'command',
      'command',
      'kept',
      'commit',
      'blank',
    ]);
    assert.strictEqual(parsedJson(doc), parsedJson(parseDocument(text)));
  });
});
