import type { Finding, FindingCode } from '../analysis/findings';
import type { Rule } from '../model/rule';
import type { ChainModel, JumpEdge, Ruleset, TableModel } from '../model/ruleset';
import type { ChangedLines } from '../model/span';
import type { CommandLine, LineNode, TableLine } from '../model/syntax';
import { rejectTypesV4, rejectTypesV6 } from '../netfilter/targets';
import { MAX_LINE_BYTES, type ParsedDocument, type ParseOptions } from './parseDocument';
import { parseComment } from './parseLine';
import { readCommandLine } from './readCommandLine';
import { Problems } from './problems';
import { familyOfRules } from './buildRuleset';
import { CallersMap, type Callers } from './callersMap';
import {
  lineStartsOf,
  lineTextOf,
  rememberLineSource,
  rememberLineStarts,
  stringLineSource,
  textLengthOf,
  type LineSource,
} from './lineStarts';

/**
 * Problems a line can carry that do not come from reading that line alone: the ruleset builder's
 * verdicts on the block state (undeclared chain, renames, deletes) and the document-level problems
 * that the parser anchors on some line (missing COMMIT on the block's last line, CRLF on the first
 * CRLF line). A changed line carrying one of these is re-parsed with the whole document.
 */
const contextualCodes: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'syntax.missing-commit',
  'syntax.missing-final-newline',
  'syntax.crlf',
  'syntax.undeclared-chain',
  'syntax.rule-not-found',
  'syntax.rename-then-use',
  'syntax.rename-new-chain',
  'syntax.duplicate-chain',
  'syntax.policy-on-user-chain',
  'syntax.builtin-chain-operation',
  'syntax.chain-in-use',
  'internal.parser-failed',
]);

/**
 * For a re-parsed ruleset: the ruleset of the full parse it descends from, and the rules that replaced
 * that parse's rules since (by line). The root's line lookups and callers stay valid for every other line.
 */
const lineages = new WeakMap<Ruleset, { root: Ruleset; rulesByLine: ReadonlyMap<number, Rule> }>();

/**
 * For a document made by reparseLines: the document it was made from and the lines it re-read. The
 * previous document is held strongly, so the findings cached for it are still there when the new
 * version is analysed; the previous document's own origin is dropped then, so a run of edits keeps
 * one earlier version alive, not all of them.
 */
const origins = new WeakMap<ParsedDocument, ReparseOrigin>();

/** Per syntax tree: table blocks (by index) holding -E or -D by specification, whose effects depend on rule text. */
const textSensitiveBlocks = new WeakMap<readonly LineNode[], Map<number, boolean>>();

/** Where a re-parsed document came from (see {@link reparseOrigin}). */
export interface ReparseOrigin {
  readonly previous: ParsedDocument;
  /** Lines whose text changed; every other line's nodes, rules and problems are the previous ones. */
  readonly changedLines: ReadonlySet<number>;
}

/**
 * The document `doc` was re-parsed from by {@link reparseLines}, and the lines that changed; undefined
 * for a document from a full parse. Lets the analysis reuse the previous findings for the other lines.
 */
export function reparseOrigin(doc: ParsedDocument): ReparseOrigin | undefined {
  return origins.get(doc);
}

/** A rule the edit replaced, and the table block it lives in. */
interface RuleSwap {
  readonly table: TableModel;
  readonly before: Rule;
  readonly after: Rule;
}

/**
 * Re-reads only the lines an edit touched and returns a new ParsedDocument that shares every
 * unchanged object with `previous` (whose objects are never mutated: other features may still hold
 * them). Returns undefined when the edit is not local, and the caller parses the whole text:
 *
 * - the line count changes (spans carry absolute line numbers, so every later span would move), or
 *   the edit reaches the last line, or the document has CRLF line ends;
 * - a changed line is not, before and after, either a blank/plain comment line or an `-A` command of
 *   a declared chain whose rule stays in the same chain with the same jump/goto target (so chains,
 *   the jump graph and the callers map keep their shape);
 * - the block renames chains or deletes rules by specification (both depend on rule text), or the
 *   new rule would change the block's inferred family or draw a problem that the block's end pass
 *   reports (undefined target, address of the other family, foreign REJECT type, -f in IPv6).
 *
 * `options` must be the options `previous` was parsed with. The result equals a full
 * `parseDocument(newText, options)` up to the order of `problems` (the test compares them as sets).
 * Never throws.
 */
export function reparseLines(
  previous: ParsedDocument,
  newText: string | LineSource,
  change: ChangedLines,
  options: ParseOptions = {},
): ParsedDocument | undefined {
  try {
    const source = typeof newText === 'string' ? stringLineSource(newText) : newText;
    return new LineReparser(previous, source, change, options).run();
  } catch {
    // Any surprise means the shortcut does not apply; the full parse never throws and takes over.
    return undefined;
  }
}

class LineReparser {
  private readonly lines: readonly LineNode[];
  private readonly replacedNodes = new Map<number, LineNode>();
  private readonly newProblems: Finding[] = [];
  private readonly swaps: RuleSwap[] = [];

  constructor(
    private readonly previous: ParsedDocument,
    private readonly source: LineSource,
    private readonly change: ChangedLines,
    private readonly options: ParseOptions,
  ) {
    this.lines = previous.tree.lines;
  }

  run(): ParsedDocument | undefined {
    const { firstLine, oldLastLine, newLastLine } = this.change;
    const lastLine = this.lines.length - 1;
    if (newLastLine !== oldLastLine || firstLine < 0 || firstLine > oldLastLine) return undefined;
    // The last line decides missingFinalNewline; edits there are rare enough to parse in full.
    if (oldLastLine >= lastLine || this.previous.tree.crlfLines.length > 0) return undefined;
    const oldStarts = lineStartsOf(this.previous);
    const newLines = this.changedLineTexts(oldStarts);
    if (!newLines) return undefined;
    const changed = new Set<number>();
    for (let i = firstLine; i <= oldLastLine; i++) {
      const text = newLines[i - firstLine]!;
      if (text === this.oldLineText(i)) continue;
      if (!this.reparseLine(i, text)) return undefined;
      changed.add(i);
    }
    const problems = this.mergedProblems(changed);
    if (!problems) return undefined;
    const ruleset = this.swaps.length > 0 ? this.swapRules() : this.previous.ruleset;
    if (!ruleset) return undefined;
    const lines = this.lines.slice();
    for (const [i, node] of this.replacedNodes) lines[i] = node;
    const source = this.source;
    const parsed: ParsedDocument = {
      // Built on first use: the diagnostics of an edit read lines, never the whole 16 MB text.
      get text(): string {
        return source.text();
      },
      tree: { ...this.previous.tree, lines },
      ruleset,
      problems,
    };
    rememberLineStarts(parsed, this.shiftedStarts(oldStarts, newLines));
    rememberLineSource(parsed, source);
    origins.set(parsed, { previous: this.previous, changedLines: changed });
    origins.delete(this.previous);
    const sensitive = textSensitiveBlocks.get(this.lines);
    if (sensitive) textSensitiveBlocks.set(lines, sensitive);
    return parsed;
  }

  /**
   * The new text of lines firstLine..oldLastLine, or undefined when the new text does not have the
   * same lines there (the caller's range was wrong: the line count or the length does not add up)
   * or introduces a carriage return.
   */
  private changedLineTexts(oldStarts: Int32Array): string[] | undefined {
    const { firstLine, oldLastLine } = this.change;
    if (this.source.lineCount !== oldStarts.length - 1) return undefined;
    const texts: string[] = [];
    let lengthChange = 0;
    for (let i = firstLine; i <= oldLastLine; i++) {
      // Concatenating then slicing copies the line: a slice of a bigger string would keep that string
      // alive for as long as a node parsed from the line lives.
      const text = `${this.source.line(i)}\n`.slice(0, -1);
      if (text.includes('\r')) return undefined;
      lengthChange += text.length - (oldStarts[i + 1]! - 1 - oldStarts[i]!);
      texts.push(text);
    }
    return this.source.length === textLengthOf(this.previous) + lengthChange ? texts : undefined;
  }

  private oldLineText(i: number): string | undefined {
    return lineTextOf(this.previous, i);
  }

  /** Line starts of the new text: unchanged before the edit, shifted by the length change after it. */
  private shiftedStarts(oldStarts: Int32Array, newLines: readonly string[]): Int32Array {
    const starts = oldStarts.slice();
    const { firstLine, oldLastLine } = this.change;
    let at = starts[firstLine]!;
    for (let i = firstLine; i <= oldLastLine; i++) {
      starts[i] = at;
      at += newLines[i - firstLine]!.length + 1;
    }
    const delta = this.source.length - textLengthOf(this.previous);
    for (let i = oldLastLine + 1; i < starts.length; i++) starts[i]! += delta;
    return starts;
  }

  /** Re-reads one changed line; false when the line is not one this shortcut can handle. */
  private reparseLine(i: number, text: string): boolean {
    // NUL bytes and over-long lines draw problems the document parser words; leave them to it.
    if (text.includes('\u0000') || text.length > MAX_LINE_BYTES / 3) return false;
    const old = this.lines[i]!;
    if (old.kind === 'blank' || (old.kind === 'comment' && old.commentKind !== 'header')) {
      // Blank and comment lines feed nothing but the tree, except `# Generated by` headers (family).
      if (text.length === 0) {
        this.replacedNodes.set(i, { kind: 'blank', line: i });
        return true;
      }
      if (text[0] !== '#') return false;
      const node = parseComment(text, i);
      if (node.commentKind === 'header') return false;
      this.replacedNodes.set(i, node);
      return true;
    }
    if (old.kind === 'command') return this.reparseCommand(old, i, text);
    return false;
  }

  private reparseCommand(old: CommandLine, i: number, text: string): boolean {
    if (!isPlainCommandText(text)) return false;
    const table = this.previous.ruleset.tableAt(i);
    const tableLine = table && this.lines[table.line];
    if (!table || tableLine?.kind !== 'table' || this.isTextSensitive(table)) return false;
    const problems = new Problems();
    const read = readCommandLine(
      text,
      i,
      { table: table.name, family: this.parseFamily(tableLine) },
      problems,
    );
    if (!read.ok) return false;
    const node = read.value;
    const before = old.rule;
    const after = node.rule;
    if (!before || !after || old.verb !== 'append' || node.verb !== 'append') return false;
    if (old.chainToken?.text !== node.chainToken?.text || !sameJump(before, after)) return false;
    const chain = table.chains.get(before.chain);
    if (!chain || !chain.rules.includes(before)) return false;
    if (!this.ruleIsProblemFree(after, table)) return false;
    for (const p of problems.list) this.newProblems.push(p);
    this.replacedNodes.set(i, node);
    this.swaps.push({ table, before, after });
    return true;
  }

  /**
   * Whether the block's end pass would report nothing about the new rule: its jump resolves to a
   * declared user chain and its addresses, REJECT type and -f fit the block's family.
   */
  private ruleIsProblemFree(rule: Rule, table: TableModel): boolean {
    const target = rule.target;
    if (target?.kind === 'chain') {
      const to = table.chains.get(target.name);
      if (!to || to.builtin) return false;
    }
    const want = table.family === 'ipv6' ? 6 : 4;
    if (rule.familyOnly !== undefined && rule.familyOnly !== want) return true;
    for (const list of [rule.source, rule.destination])
      for (const a of list?.value ?? []) if (a.hostname === undefined && a.family !== want) return false;
    if (target?.kind === 'REJECT' && target.rejectWith !== undefined) {
      const own = want === 6 ? rejectTypesV6 : rejectTypesV4;
      const written = target.options.find((o) => o.name === 'reject-with')?.args[0];
      if (written && own[written.text] === undefined) return false;
    }
    return !(want === 6 && rule.fragment);
  }

  /**
   * The family the parser seeds hostnames and REJECT types with in this block: the caller's option,
   * else the `# Generated by` header just before the block, else the document's first header.
   */
  private parseFamily(tableLine: TableLine): 4 | 6 {
    return (this.options.family ?? this.headerFamilies(tableLine.line).forParse) === 'ipv6' ? 6 : 4;
  }

  /** Header families as the document parser tracks them when it reaches the `*table` line at `line`. */
  private headerFamilies(line: number): {
    block: 'ipv4' | 'ipv6' | undefined;
    forParse: 'ipv4' | 'ipv6' | undefined;
  } {
    let documentFamily: 'ipv4' | 'ipv6' | undefined;
    let headerFamily: 'ipv4' | 'ipv6' | undefined;
    for (let i = 0; i < line; i++) {
      const node = this.lines[i]!;
      if (node.kind === 'table') headerFamily = undefined;
      else if (node.kind === 'comment' && node.commentKind === 'header' && node.tool) {
        headerFamily = node.tool.startsWith('ip6tables') ? 'ipv6' : 'ipv4';
        documentFamily ??= headerFamily;
      }
    }
    return { block: headerFamily, forParse: headerFamily ?? documentFamily };
  }

  /** Blocks that rename chains or delete rules by specification: there a rule's text has effects elsewhere. */
  private isTextSensitive(table: TableModel): boolean {
    let cache = textSensitiveBlocks.get(this.lines);
    if (!cache) {
      cache = new Map();
      textSensitiveBlocks.set(this.lines, cache);
    }
    const known = cache.get(table.index);
    if (known !== undefined) return known;
    let sensitive = false;
    for (let i = table.line; i <= table.endLine && !sensitive; i++) {
      const node = this.lines[i]!;
      if (node.kind !== 'command') continue;
      sensitive =
        node.verb === 'rename-chain' ||
        (node.verb === 'delete' && node.rule !== undefined && node.operands.length === 0);
    }
    cache.set(table.index, sensitive);
    return sensitive;
  }

  /**
   * The previous problems minus those on changed lines, plus the changed lines' new problems; the
   * previous list itself when neither exists (the common keystroke in a valid rule). Undefined if a
   * problem on a changed line needs the whole document.
   */
  private mergedProblems(changed: ReadonlySet<number>): readonly Finding[] | undefined {
    const old = this.previous.problems;
    let dropped = 0;
    for (const p of old) {
      if (!changed.has(p.span.line)) continue;
      if (contextualCodes.has(p.code)) return undefined;
      dropped++;
    }
    if (dropped === 0 && this.newProblems.length === 0) return old;
    const merged = dropped === 0 ? old.slice() : old.filter((p) => !changed.has(p.span.line));
    for (const p of this.newProblems) merged.push(p);
    return merged;
  }

  /** The ruleset with each swapped rule in place of its predecessor, sharing everything else. */
  private swapRules(): Ruleset | undefined {
    const base = this.previous.ruleset;
    const tables = base.tables.slice();
    for (const s of this.swaps) {
      const table = tables[s.table.index]!;
      const chain = table.chains.get(s.before.chain)!;
      const rules = chain.rules.slice();
      rules[rules.indexOf(s.before)] = s.after;
      // The other chains are shared: a node dump's table holds 40,000 of them, too many to copy per keystroke.
      const chains = new OverlayMap(table.chains, chain.name, withRules(chain, rules));
      tables[table.index] = { ...table, chains };
    }
    if (!this.familiesUnchanged(tables)) return undefined;
    const rules = base.rules.slice();
    for (const s of this.swaps) {
      const at = indexOfRuleAtLine(rules, s.before.line);
      if (rules[at] !== s.before) return undefined;
      rules[at] = s.after;
    }
    const origin = lineages.get(base) ?? { root: base, rulesByLine: new Map<number, Rule>() };
    const rulesByLine = new Map(origin.rulesByLine);
    for (const s of this.swaps) rulesByLine.set(s.after.line, s.after);
    const root = origin.root;
    const ruleset: Ruleset = {
      ...base,
      tables,
      rules,
      callers: new RebasedCallers(root.callers, tables, rulesByLine),
      tableAt(line: number): TableModel | undefined {
        const t = root.tableAt(line);
        return t && tables[t.index];
      },
      ruleAt(line: number): Rule | undefined {
        return rulesByLine.get(line) ?? root.ruleAt(line);
      },
    };
    lineages.set(ruleset, { root, rulesByLine });
    return ruleset;
  }

  /**
   * A block without a `# Generated by` header takes its family from its first address (or ICMPv6
   * use): the new rule must not change what the edited blocks infer.
   */
  private familiesUnchanged(tables: readonly TableModel[]): boolean {
    for (const s of this.swaps) {
      const table = tables[s.table.index]!;
      const header = this.options.family ?? this.headerFamilies(table.line).block;
      if (header === undefined && familyOfRules(table.chains.values()) !== table.family) return false;
    }
    return true;
  }
}

/** Text the document parser hands to the command parser: not blank, comment, `*`, `:` or COMMIT. */
function isPlainCommandText(text: string): boolean {
  if (text.length === 0) return false;
  const c = text[0];
  if (c === '#' || c === '*' || c === ':') return false;
  if (/^[ \t]+$/.test(text) || /^[ \t]+#/.test(text)) return false;
  return !(text === 'COMMIT' || /^COMMIT[ \t]/.test(text));
}

/** Both rules end in the same user chain the same way (-j/-g), or neither jumps to a user chain. */
function sameJump(before: Rule, after: Rule): boolean {
  const a = before.target;
  const b = after.target;
  const aJumps = a?.kind === 'chain';
  const bJumps = b?.kind === 'chain';
  if (aJumps !== bJumps) return false;
  return !aJumps || (a!.name === b!.name && a!.goto === b!.goto);
}

/** Rules are in document order, one per line at most: binary search by line. */
function indexOfRuleAtLine(rules: readonly Rule[], line: number): number {
  let lo = 0;
  let hi = rules.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = rules[mid]!.line;
    if (l === line) return mid;
    if (l < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The callers map of a re-parsed ruleset: the root parse's edges, re-pointed on first use of a key at
 * the current TableModel and the current rules. Keys and edge order never change (an edit that
 * changes a jump target is re-parsed in full), so only the objects an edge points to need updating;
 * doing that lazily keeps a keystroke from copying tens of thousands of edges nobody reads.
 */
class RebasedCallers extends CallersMap {
  private readonly rebased = new Map<string, readonly JumpEdge[]>();

  constructor(
    private readonly root: Callers,
    private readonly tables: readonly TableModel[],
    private readonly rulesByLine: ReadonlyMap<number, Rule>,
  ) {
    super();
  }

  get size(): number {
    return this.root.size;
  }

  has(key: string): boolean {
    return this.root.has(key);
  }

  get(key: string): readonly JumpEdge[] | undefined {
    const known = this.rebased.get(key);
    if (known) return known;
    const edges = this.root.get(key);
    if (!edges) return undefined;
    const first = edges[0];
    const table = first && this.tables[first.table.index];
    // Only edited blocks have a new TableModel, and only they hold replaced rules.
    const current =
      !first || !table || table === first.table
        ? edges
        : edges.map((e) => ({
            table,
            from: e.from,
            to: e.to,
            goto: e.goto,
            rule: this.rulesByLine.get(e.rule.line) ?? e.rule,
          }));
    this.rebased.set(key, current);
    return current;
  }

  override keys(): ReturnType<Callers['keys']> {
    return this.root.keys();
  }

  /** Every key re-pointed, in the root's order (rarely used: features look keys up). */
  *entries(): ReturnType<Callers['entries']> {
    for (const key of this.root.keys()) yield [key, this.get(key)!];
  }
}

/**
 * A map equal to `base` with the values of a few keys replaced, without copying `base`; iteration keeps
 * `base`'s order. What a re-parsed table holds: every chain of the previous parse but the edited ones
 * (a node dump's table has 40,000 chains, too many to copy per keystroke). Overlays of overlays
 * collapse onto the first base, so a long run of edits does not build a chain of lookups.
 */
class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  /** The map whose keys, in order, this one has (a cache over names can be shared with it). */
  get keySource(): ReadonlyMap<K, V> {
    return this.base;
  }

  private readonly base: ReadonlyMap<K, V>;
  private readonly replaced: Map<K, V>;

  constructor(base: ReadonlyMap<K, V>, key: K, value: V) {
    if (base instanceof OverlayMap) {
      this.base = base.base as ReadonlyMap<K, V>;
      this.replaced = new Map(base.replaced as Map<K, V>);
    } else {
      this.base = base;
      this.replaced = new Map();
    }
    this.replaced.set(key, value);
  }

  get size(): number {
    return this.base.size;
  }
  get(key: K): V | undefined {
    return this.replaced.has(key) ? this.replaced.get(key) : this.base.get(key);
  }
  has(key: K): boolean {
    return this.base.has(key);
  }
  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) yield [k, this.replaced.has(k) ? this.replaced.get(k)! : v];
  }
  *keys(): MapIterator<K> {
    yield* this.base.keys();
  }
  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }
}

/**
 * A map with the same keys in the same order as `map`: its base when `map` is a re-parse's overlay,
 * else `map` itself. Lets a feature keep an index over chain names across keystrokes.
 */
export function keySourceOf<K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
  return map instanceof OverlayMap ? map.keySource : map;
}

/**
 * A copy of a chain with other rules. The builder's chains read their declaration span and counters
 * from the declaring line through getters on their class, so the copy keeps the prototype (a spread
 * would drop those fields).
 */
function withRules(chain: ChainModel, rules: readonly Rule[]): ChainModel {
  const copy = Object.create(Object.getPrototypeOf(chain) as object) as ChainModel;
  return Object.assign(copy, chain, { rules });
}
