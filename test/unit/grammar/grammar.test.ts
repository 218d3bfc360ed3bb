import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import { loadGrammar, tokenizeText, type ScopedToken } from './textmate';

const repoRoot = path.resolve(__dirname, '../../..');
const fromRoot = (...parts: string[]): string => path.join(repoRoot, ...parts);

function listFiles(dir: string, keep: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, keep);
    return keep(entry.name) ? [full] : [];
  });
}

const isInvalid = (t: ScopedToken): boolean => t.scopes.some((s) => s.startsWith('invalid.'));

function describeTokens(tokens: readonly ScopedToken[]): string {
  return tokens
    .map((t) => `${t.line + 1}:${t.start} ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`)
    .join('\n');
}

/** Files that iptables-save wrote or iptables-restore accepted: not a single token may be scoped invalid. */
const validFiles = [
  ...listFiles(fromRoot('test/fixtures/istio'), (n) => /save\.txt$/.test(n)),
  fromRoot('test/fixtures/kube/kube-50x3.rules'),
  ...listFiles(fromRoot('test/corpus/valid'), (n) => n.endsWith('.rules')),
  ...listFiles(fromRoot('examples'), (n) => n.endsWith('.rules')),
];

/**
 * Invalid-corpus files rejected for a lexical reason: something the restore loop or its tokenizer
 * (iptables/iptables-restore.c, xtables-restore.c, xshared.c add_param_to_argv) refuses before any
 * extension sees the line. For these, the line the real tool reports (expected.json) must carry an
 * invalid scope, and no other line may. Files rejected for semantic reasons (kernel hooks, unknown
 * options, context such as COMMIT outside a table) are left to the language server.
 */
const lexicalInvalid: Readonly<Record<string, string>> = {
  'crlf-line-endings.rules': 'CR before every newline',
  'crlf-on-one-line.rules': 'CR before one newline',
  'indented-comment.rules': '"#" not in column 0',
  'trailing-comment.rules': '"#" after a rule',
  'whitespace-only-line.rules': 'spaces only',
  'tab-only-line.rules': 'a tab only',
  'commit-lowercase.rules': 'COMMIT must be exact',
  'commit-trailing-space.rules': 'COMMIT must be exact',
  'counters-unterminated.rules': '[packets:bytes] without "]"',
  'single-quoted-comment.rules': 'single quotes are not quotes',
  'closing-quote-ends-token.rules': 'a closing quote ends the word',
  'token-too-long.rules': 'a word over 1023 bytes',
  'double-negation.rules': '"! !"',
  'old-style-negation-dport.rules': '"!" after the option',
  'old-style-negation-source.rules': '"!" after the option',
  't-option-in-file.rules': '-t inside a restore file',
  'policy-missing.rules': 'chain declaration without a policy',
  'chain-name-too-long.rules': 'chain name over 28 characters',
  'new-chain-name-too-long.rules': 'chain name over 28 characters',
  'unknown-table.rules': 'a table the kernel does not have',
};

/**
 * Rejected by an extension's value parser or by a fixed rule of the command parser rather than by the
 * tokenizer, but visible in the line alone, so the grammar flags them too (same assertion).
 */
const valueInvalid: Readonly<Record<string, string>> = {
  'bad-ctstate.rules': 'a conntrack state libxt_conntrack does not know',
  'tcp-flags-bad-flag.rules': 'a TCP flag libxt_tcp does not know',
  'policy-reject.rules': 'a policy other than ACCEPT or DROP',
  'goto-builtin-target.rules': '-g to a target that is not a chain',
};

interface BackendResult {
  readonly accepted: boolean;
  readonly line?: number;
  readonly lineKind?: string;
}

interface ExpectedEntry {
  readonly nft: BackendResult;
  readonly legacy: BackendResult;
}

describe('TextMate grammar (vscode-textmate + vscode-oniguruma, the engine VS Code uses)', () => {
  let grammar: vsctm.IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  describe('valid files', () => {
    it('Should find the Istio renderings, the kube-proxy dump and the valid corpus on disk', () => {
      assert.ok(validFiles.filter((f) => f.includes('/istio/')).length >= 40, 'Istio renderings missing');
      assert.ok(fs.existsSync(fromRoot('test/fixtures/kube/kube-50x3.rules')), 'kube dump missing');
      assert.ok(
        validFiles.some((f) => f.includes('ip6tables')),
        'no ip6tables dump',
      );
    });

    for (const file of validFiles) {
      it(`Should scope no token of ${path.relative(repoRoot, file)} as invalid`, () => {
        const tokens = tokenizeText(grammar, fs.readFileSync(file, 'utf8')).flat();
        assert.equal(describeTokens(tokens.filter(isInvalid)), '');
      });
    }
  });

  describe('lexically invalid corpus (test/corpus, real iptables-restore results)', () => {
    const corpusDir = fromRoot('test/corpus/invalid');
    const expectedPath = fromRoot('test/corpus/expected.json');

    it('Should find the invalid corpus and its recorded results', () => {
      assert.ok(
        fs.existsSync(expectedPath),
        `missing ${expectedPath}: the lexical checks below would prove nothing`,
      );
      for (const name of [...Object.keys(lexicalInvalid), ...Object.keys(valueInvalid)]) {
        assert.ok(fs.existsSync(path.join(corpusDir, name)), `missing corpus file ${name}`);
      }
    });

    const expected: Record<string, ExpectedEntry> = fs.existsSync(expectedPath)
      ? (JSON.parse(fs.readFileSync(expectedPath, 'utf8')) as { files: Record<string, ExpectedEntry> }).files
      : {};

    for (const [name, reason] of [...Object.entries(lexicalInvalid), ...Object.entries(valueInvalid)]) {
      it(`Should mark the line iptables-restore rejects in ${name} (${reason}) as invalid, and no other`, () => {
        const entry = expected[`test/corpus/invalid/${name}`];
        assert.ok(entry, `${name} has no recorded result`);
        assert.equal(entry.nft.accepted || entry.legacy.accepted, false, 'both backends must reject it');
        const text = fs.readFileSync(path.join(corpusDir, name), 'utf8');
        const lines = tokenizeText(grammar, text);
        const rawLines = text.split('\n');
        // A CR spoils every line it ends, though the tools stop at the first; all such lines must show it.
        const rejected = new Set<number>(rawLines.flatMap((l, i) => (l.endsWith('\r') ? [i] : [])));
        const reported = [entry.nft, entry.legacy].find((r) => r.lineKind === 'line' && r.line !== undefined);
        assert.ok(reported?.line, 'no backend reported the offending line');
        rejected.add(reported.line - 1);
        lines.forEach((tokens, i) => {
          const invalid = tokens.filter(isInvalid);
          if (rejected.has(i))
            assert.ok(invalid.length > 0, `line ${i + 1} has no invalid token:\n${describeTokens(tokens)}`);
          else assert.equal(describeTokens(invalid), '', `line ${i + 1} should be clean`);
        });
      });
    }
  });

  describe('line isolation', () => {
    const followers = [
      '-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT',
      ':ISTIO_PRERT - [0:0]',
      'COMMIT',
      '# Completed on Sat Nov 28 11:30:12 2026',
    ];
    const openers = [
      '-A X -m comment --comment "an unterminated quote',
      '-A X -m comment --comment "ends in a backslash \\',
      '-A X -j LOG --log-prefix "half',
      '*nat "',
      ':CHAIN - [0:0] "',
      '# a comment with "a quote',
      "-A X -m comment --comment 'single",
      '[1:2',
    ];
    for (const opener of openers) {
      it(`Should tokenize the lines after ${JSON.stringify(opener)} exactly as on their own`, () => {
        const together = tokenizeText(grammar, [opener, ...followers].join('\n')).slice(1);
        const alone = followers.map((line) => tokenizeText(grammar, line)[0]);
        assert.deepEqual(
          together.map((tokens) => tokens.map((t) => [t.start, t.end, t.scopes])),
          alone.map((tokens) => tokens.map((t) => [t.start, t.end, t.scopes])),
        );
      });
    }

    it('Should return to the root rule at the end of every line of every valid file', () => {
      for (const file of validFiles) {
        let stack = vsctm.INITIAL;
        fs.readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            stack = grammar.tokenizeLine(line, stack).ruleStack;
            assert.equal(stack.depth, 1, `${path.relative(repoRoot, file)}:${i + 1} leaves a rule open`);
          });
      }
    });
  });

  describe('CRLF', () => {
    it('Should mark the CR of a CRLF line as invalid and still scope the rest of the line', () => {
      const [table, rule] = tokenizeText(grammar, '*filter\r\n-A INPUT -j ACCEPT\r\n');
      assert.deepEqual(
        table.map((t) => [t.text, t.scopes[t.scopes.length - 1]]),
        [
          ['*', 'punctuation.definition.table.iptables'],
          ['filter', 'entity.name.section.table.iptables'],
          ['\r', 'invalid.illegal.crlf.iptables'],
        ],
      );
      const target = rule.find((t) => t.text === 'ACCEPT');
      assert.equal(target?.scopes[target.scopes.length - 1], 'constant.language.target.builtin.iptables');
      assert.ok(rule[rule.length - 1].scopes.includes('invalid.illegal.crlf.iptables'));
    });
  });
});
