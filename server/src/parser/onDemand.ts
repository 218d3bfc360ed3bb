import type { AddressSpec, InterfaceSpec, Match, Negatable, OptionUse, Rule, Target } from '../model/rule';
import type { Span } from '../model/span';
import type { CommandLine, CommandVerb, Counters, Token } from '../model/syntax';
import type { DocumentText } from './piecedText';
import { Problems } from './problems';
import { readCommandLine, type CommandBlock } from './readCommandLine';
import {
  FACTS_PER_LINE,
  FAMILY_ONLY,
  Fact,
  GOES_TO,
  HAS_DESTINATION_FILTER,
  HAS_FRAGMENT,
  HAS_REJECT_TYPE,
  JUMPS_TO_CHAIN,
  USES_IPV4,
  USES_IPV6,
  computeDestinationFilter,
  packedLength,
  packedStart,
  unpackColumns,
  writeRuleFacts,
  type DestinationFilter,
} from './ruleFacts';

export { MAX_KEPT_LINE_LENGTH, type DestinationFilter } from './ruleFacts';

/**
 * Rules of a document too big for the full analysis, kept as small handles instead of object trees.
 *
 * A parsed rule line is about thirty objects (tokens, spans, options, matches); on a 150,000-line
 * node dump that is half a gigabyte, and building it costs more in garbage collection than parsing
 * does. Above the size limit nothing needs every rule at once — the syntax checks run while the line
 * is read, the Istio checks read a handful of chains, editor features read the lines they are asked
 * about — so a plain `-A` line that read without a problem keeps only its line number, where its text
 * lies in the document and what the ruleset needs at once (table, chain, jump, address families).
 * Everything else is read again from the text on first use, by the same code as the first time, and
 * remembered for a while.
 */

/**
 * How many re-read lines a document remembers before it forgets the oldest: enough for a feature that
 * reads one line several times or a chain a few hundred rules long, few enough that a pass over the
 * whole document (semantic tokens, a raised size limit) leaves its lines to the young generation's
 * cheap collection instead of promoting thousands of dead trees (measured: 256 lines take semantic
 * tokens on 150k lines from 2.6 s to 1.2 s against 4,096 or 50,000).
 */
const REMEMBERED_LINES = 256;

/** A trait bit above the facts' own (parser/ruleFacts.ts): the store holds another target for the rule. */
const OVERRIDDEN = 1 << 30;

/** Which kind of name {@link OnDemandStore.shared} is asked for: each kind remembers its last two. */
export const enum NameSlot {
  /** The chain a rule is appended to. */
  Chain = 0,
  /** A chain a rule jumps or goes to. */
  Target = 1,
  /** A target extension (DNAT, ACCEPT …). */
  Extension = 2,
}

/**
 * The re-read lines of one parse, first in, first out: a handle's full node is remembered until the
 * ring of remembered handles comes round to it again. The ring tells which is the oldest; finding it
 * by a Map's order instead would walk over the holes its deletions leave, which turns a long scan
 * quadratic.
 */
export class OnDemandStore {
  private readonly ring: (OnDemandRuleLine | undefined)[] = [];
  /** What each handle in the ring read (a field of every handle was 0.9 MB at 150,000 lines). */
  private readonly remembered = new Map<OnDemandRuleLine, CommandLine>();
  private next = 0;
  private reads = 0;
  private readonly names = new Map<string, string>();
  /**
   * The name {@link shared} returned last per slot, and the one before it. Most names a node dump's
   * rules give are among them, found by comparing instead of hashing a new slice for a map (a cold
   * look-up in 40,000 chains costs a third of a microsecond):
   * - the endpoint rules jump to KUBE-MARK-MASQ and to DNAT in turn, between a service's jumps to
   *   each endpoint's chain: extensions have a slot of their own, and a slot remembers two names;
   * - kube-proxy writes an endpoint chain's rules right after the service rule that jumps to it, so
   *   a chain a rule is appended to is also compared with the chain jumped to last.
   */
  private readonly last: string[] = ['', '', ''];
  private readonly previous: string[] = ['', '', ''];
  /**
   * The kept lines' rows (parser/ruleFacts.ts), FACTS_PER_LINE integers per handle, and where each
   * kept line starts in the text. Seven numbers in a handle's own fields were 48 bytes of the 112 of
   * each of its 110,000 objects at 150,000 lines: 5.3 MB that every big open copied out of the young
   * generation twice. Here they take 28 bytes each outside the heap, never copied.
   */
  private rows = new Int32Array(0);
  private starts = new Int32Array(0);
  private kept = 0;

  /** `text` is the whole document the kept lines are read from again (a string or its pieces). */
  constructor(
    readonly text: DocumentText,
    private readonly capacity = REMEMBERED_LINES,
  ) {}

  /** Room for `count` more kept lines without growing (the parser knows its line count). */
  reserve(count: number): void {
    const needed = this.kept + count;
    if (needed <= this.starts.length) return;
    const rows = new Int32Array(needed * FACTS_PER_LINE);
    rows.set(this.rows.subarray(0, this.kept * FACTS_PER_LINE));
    const starts = new Int32Array(needed);
    starts.set(this.starts.subarray(0, this.kept));
    this.rows = rows;
    this.starts = starts;
  }

  /** Keeps row `row` of `facts` for a line that starts at `start` in the text; returns the line's slot. */
  keep(start: number, facts: Int32Array, row: number): number {
    if (this.kept === this.starts.length) this.reserve(Math.max(1024, this.kept));
    const slot = this.kept++;
    const from = row * FACTS_PER_LINE;
    const to = slot * FACTS_PER_LINE;
    for (let i = 0; i < FACTS_PER_LINE; i++) this.rows[to + i] = facts[from + i]!;
    this.starts[slot] = start;
    return slot;
  }

  /** Fact `fact` of the kept line in `slot`. */
  fact(slot: number, fact: Fact): number {
    return this.rows[slot * FACTS_PER_LINE + fact]!;
  }

  setTraits(slot: number, traits: number): void {
    this.rows[slot * FACTS_PER_LINE + Fact.Traits] = traits;
  }

  /** Where the kept line in `slot` starts in the text. */
  startOf(slot: number): number {
    return this.starts[slot]!;
  }

  /**
   * A kept line as read again: from memory, or read now and remembered in place of the oldest
   * remembered one.
   */
  read(kept: OnDemandRuleLine): CommandLine {
    const known = this.remembered.get(kept);
    if (known) return known;
    const read = readCommandLine(kept.text, kept.line, kept.block, new Problems());
    // Only lines that read cleanly are kept, and reading is a pure function of the text and block.
    if (!read.ok || !read.value.rule) throw new Error(`line ${kept.line + 1} no longer reads as a rule`);
    const oldest = this.ring[this.next];
    if (oldest) this.remembered.delete(oldest);
    this.ring[this.next] = kept;
    this.next = (this.next + 1) % this.capacity;
    this.remembered.set(kept, read.value);
    this.reads++;
    return read.value;
  }

  /** The target the ruleset builder gave a kept rule whose jump names no chain (see OnDemandRuleLine.target). */
  readonly targetOverrides = new Map<OnDemandRuleLine, Target>();

  /**
   * One string per distinct chain or target name: a handle would otherwise hold its own slice of its
   * line for each (a node dump names 120,000 chains across 450,000 lines, 10 MB of duplicates).
   */
  shared(name: string, slot: NameSlot = NameSlot.Chain): string {
    const last = this.last[slot]!;
    if (name === last) return last;
    const other = this.otherCandidate(slot);
    if (name === other) return this.remember(slot, other);
    // A declared chain's own name: the ruleset builder looks the same name up in the same map right
    // after, which is then cheap, where a map of our own would be a second cold lookup per rule.
    const known = this.declaredName?.(name) ?? this.names.get(name);
    if (known !== undefined) return this.remember(slot, known);
    this.names.set(name, name);
    return this.remember(slot, name);
  }

  /** The name compared after the slot's last one (see {@link last}). */
  private otherCandidate(slot: NameSlot): string {
    return slot === NameSlot.Chain ? this.last[NameSlot.Target]! : this.previous[slot]!;
  }

  private remember(slot: NameSlot, name: string): string {
    this.previous[slot] = this.last[slot]!;
    return (this.last[slot] = name);
  }

  /**
   * {@link shared} of the name at packed columns of a line's text (parser/ruleFacts.ts), without
   * slicing the line when it is one of the names compared first (see {@link last}).
   */
  sharedAt(lineText: string, packed: number, slot: NameSlot): string {
    const start = packedStart(packed);
    const length = packedLength(packed);
    const last = this.last[slot]!;
    if (last.length === length && lineText.startsWith(last, start)) return last;
    const other = this.otherCandidate(slot);
    if (other.length === length && lineText.startsWith(other, start)) return this.remember(slot, other);
    return this.shared(lineText.slice(start, start + length), slot);
  }

  /**
   * Where {@link shared} finds the names of declared chains first (the parser passes its ruleset
   * builder's chain map of the open block).
   */
  declaredName: ((name: string) => string | undefined) | undefined;

  /** Lines read again so far (for tests and benchmarks that check the laziness). */
  get linesRead(): number {
    return this.reads;
  }
}

/** A table block of an on-demand parse: what re-reading its lines needs. */
export interface OnDemandBlock extends CommandBlock {
  readonly store: OnDemandStore;
}

/**
 * A `-A` line kept by number and by where its text lies in the document, which is at once the line
 * (a CommandLine) and its rule (a Rule): one object per rule instead of two keeps 4.4 MB less at
 * 150,000 lines, and every megabyte a big open keeps costs it 3–9 ms on the benchmark machine
 * (copying it out of the young generation, and touching fresh memory for it). What the ruleset is
 * built from without reading the line again — line, chain, the chain a `-j`/`-g` names, the address
 * families used, the first destination tested — is in the handle and in its row in the store; the
 * tokens, the counters and every other part of the rule come from the line read again (through the
 * store) on first use.
 */
export class OnDemandRuleLine implements CommandLine, Rule {
  readonly chain: string;
  /** The name after `-j`/`-g`. */
  readonly targetName: string | undefined;
  /**
   * The line's text is the `Fact.Length` characters at the slot's start in the store's document; the
   * slot's row holds what is kept of it (parser/ruleFacts.ts), and `chain`/`targetName` are the
   * store's shared strings for the names its columns point at.
   */
  private constructor(
    readonly line: number,
    readonly block: OnDemandBlock,
    private readonly slot: number,
    chain: string,
    targetName: string | undefined,
  ) {
    this.chain = chain;
    this.targetName = targetName;
  }

  /** The handle of a clean `-A` line the parser has just read as `read`, at `start` in the document. */
  static fromRead(
    line: number,
    start: number,
    block: OnDemandBlock,
    read: CommandLine & { readonly rule: Rule },
  ): OnDemandRuleLine {
    writeRuleFacts(read, scratchRow, 0);
    const target = read.rule.target;
    return new OnDemandRuleLine(
      line,
      block,
      block.store.keep(start, scratchRow, 0),
      block.store.shared(read.rule.chain),
      target &&
        block.store.shared(target.name, target.kind === 'chain' ? NameSlot.Target : NameSlot.Extension),
    );
  }

  /**
   * The handle of a clean `-A` line `text` at `start` in the document from the facts another reader
   * wrote (parser/helperReading.ts): the names are taken from the line at the columns the row gives.
   */
  static fromFacts(
    line: number,
    start: number,
    text: string,
    block: OnDemandBlock,
    facts: Int32Array,
    row: number,
  ): OnDemandRuleLine {
    const at = row * FACTS_PER_LINE;
    const chain = facts[at + Fact.ChainColumns]!;
    const target = facts[at + Fact.TargetColumns]!;
    const targetSlot = facts[at + Fact.Traits]! & JUMPS_TO_CHAIN ? NameSlot.Target : NameSlot.Extension;
    return new OnDemandRuleLine(
      line,
      block,
      block.store.keep(start, facts, row),
      block.store.sharedAt(text, chain, NameSlot.Chain),
      target === -1 ? undefined : block.store.sharedAt(text, target, targetSlot),
    );
  }

  // On the prototype, not a field of each of 330,000 handles.
  get kind(): 'command' {
    return 'command';
  }
  /** Only `-A` lines are kept (parseDocument's commandLine). */
  get verb(): CommandVerb {
    return 'append';
  }
  /** The line's rule: the handle itself. */
  get rule(): this {
    return this;
  }
  // The table is the block's (a field each on 330,000 rules is 2.6 MB).
  get table(): string {
    return this.block.table;
  }
  /** Where the chain operand is written. */
  get chainSpan(): Span {
    return unpackColumns(this.line, this.fact(Fact.ChainColumns));
  }
  /** The line's text as it was read. */
  get text(): string {
    const start = this.block.store.startOf(this.slot);
    return this.block.store.text.slice(start, start + this.fact(Fact.Length));
  }
  get span(): Span {
    return { line: this.line, start: 0, end: this.fact(Fact.Length) };
  }
  get counters(): Counters | undefined {
    // Checked on the text first: inlay hints ask every line whether it has counters.
    const store = this.block.store;
    return store.text.charCodeAt(store.startOf(this.slot)) === 0x5b ? this.full().counters : undefined;
  }
  get tokens(): readonly Token[] {
    return this.full().tokens;
  }
  get verbToken(): Token | undefined {
    return this.full().verbToken;
  }
  get chainToken(): Token | undefined {
    return this.full().chainToken;
  }
  get operands(): readonly Token[] {
    return this.full().operands;
  }

  /** Family traits (parser/ruleFacts.ts) and OVERRIDDEN once the builder gave the rule another target. */
  private get traits(): number {
    return this.fact(Fact.Traits);
  }
  private set traits(traits: number) {
    this.block.store.setTraits(this.slot, traits);
  }

  private fact(fact: Fact): number {
    return this.block.store.fact(this.slot, fact);
  }

  /** The line as the parser first read it (its rule is the full rule, not this handle). */
  full(): CommandLine {
    return this.block.store.read(this);
  }

  /**
   * The target the ruleset builder set when the jump names no chain (it becomes kind `unknown`); rare,
   * so kept by the store rather than in a field of every handle.
   */
  private get targetOverride(): Target | undefined {
    return this.traits & OVERRIDDEN ? this.block.store.targetOverrides.get(this) : undefined;
  }

  private get fullRule(): Rule {
    return this.full().rule!;
  }

  /**
   * Whether the family check at the end of the block could report anything on this rule in a block
   * of family `want`; false means it certainly reports nothing, without reading the line again.
   */
  mayMisfitFamily(want: 4 | 6): boolean {
    const t = this.traits;
    if (t & (FAMILY_ONLY | HAS_REJECT_TYPE)) return true;
    return want === 4 ? (t & USES_IPV6) !== 0 : (t & (USES_IPV4 | HAS_FRAGMENT)) !== 0;
  }

  /** The user chain this rule jumps to, as {@link chainJumpOf} reads it, without reading the line again. */
  chainJump(): string | undefined {
    const override = this.targetOverride;
    if (override) return override.kind === 'chain' ? override.name : undefined;
    return this.traits & JUMPS_TO_CHAIN ? this.targetName : undefined;
  }

  /** The tracer's destination filter, as {@link destinationFilterOf} reads it. */
  destinationFilter(): DestinationFilter | undefined {
    return this.traits & HAS_DESTINATION_FILTER
      ? { network: this.fact(Fact.FilterNetwork) >>> 0, mask: this.fact(Fact.FilterMask) >>> 0 }
      : undefined;
  }

  /** Whether the jump is a goto, as {@link goesTo} reads it. */
  goesTo(): boolean {
    const override = this.targetOverride;
    return override ? override.goto : (this.traits & GOES_TO) !== 0;
  }

  /** The target's name and where it is written, as {@link targetNameOf} reads it. */
  targetNameAt(): TargetName | undefined {
    const name = this.targetName;
    if (name === undefined) return undefined;
    const override = this.targetOverride;
    return {
      name,
      span: unpackColumns(this.line, this.fact(Fact.TargetColumns)),
      isChain: override ? override.kind === 'chain' : (this.traits & JUMPS_TO_CHAIN) !== 0,
    };
  }

  get protocol(): Negatable<string> | undefined {
    return this.fullRule.protocol;
  }
  get source(): Negatable<readonly AddressSpec[]> | undefined {
    return this.fullRule.source;
  }
  get destination(): Negatable<readonly AddressSpec[]> | undefined {
    return this.fullRule.destination;
  }
  get inInterface(): Negatable<InterfaceSpec> | undefined {
    return this.fullRule.inInterface;
  }
  get outInterface(): Negatable<InterfaceSpec> | undefined {
    return this.fullRule.outInterface;
  }
  get fragment(): Negatable<true> | undefined {
    return this.fullRule.fragment;
  }
  get familyOnly(): 4 | 6 | undefined {
    return this.fullRule.familyOnly;
  }
  get matches(): readonly Match[] {
    return this.fullRule.matches;
  }
  get target(): Target | undefined {
    return this.targetOverride ?? this.fullRule.target;
  }
  set target(target: Target | undefined) {
    if (target === undefined) {
      this.traits &= ~OVERRIDDEN;
      this.block.store.targetOverrides.delete(this);
      return;
    }
    this.traits |= OVERRIDDEN;
    this.block.store.targetOverrides.set(this, target);
  }
  get genericOptions(): readonly OptionUse[] {
    return this.fullRule.genericOptions;
  }

  /**
   * The same JSON as the eagerly read line, so a test can compare the two parses whole. As a rule (in
   * a chain's list) the handle serialises by {@link ruleJSON}, which the chain's own toJSON calls.
   */
  toJSON(): unknown {
    return { ...this.full(), rule: this.ruleJSON() };
  }

  /** The same JSON as the eagerly read rule. */
  ruleJSON(): unknown {
    return { ...this.fullRule, target: this.target };
  }
}

/** One row for the handles the parser builds from its own reading (their constructor copies it). */
const scratchRow = new Int32Array(FACTS_PER_LINE);

/** A rule as its JSON: a kept line's rule part (its own toJSON gives the line), any other rule itself. */
export function ruleJSON(rule: Rule): unknown {
  return rule instanceof OnDemandRuleLine ? rule.ruleJSON() : rule;
}

/** The user chain (target kind `chain`) a rule jumps or goes to, read without re-reading an on-demand rule's line. */
export function chainJumpOf(rule: Rule): string | undefined {
  if (rule instanceof OnDemandRuleLine) return rule.chainJump();
  const target = rule.target;
  return target?.kind === 'chain' ? target.name : undefined;
}

/** Whether a rule's jump is a goto (`-g`), read without re-reading an on-demand rule's line. */
export function goesTo(rule: Rule): boolean {
  if (rule instanceof OnDemandRuleLine) return rule.goesTo();
  return rule.target?.goto === true;
}

/** A rule's `-j`/`-g` name, where it is written, and whether the parser read it as a chain. */
export interface TargetName {
  readonly name: string;
  readonly span: Span;
  readonly isChain: boolean;
}

/** The target name of a rule, read without re-reading an on-demand rule's line. */
export function targetNameOf(rule: Rule): TargetName | undefined {
  if (rule instanceof OnDemandRuleLine) return rule.targetNameAt();
  const target = rule.target;
  return target && { name: target.name, span: target.nameToken.span, isChain: target.kind === 'chain' };
}

/** The chain operand of a command line (`-A NAME`), read without re-reading an on-demand line. */
export function chainOperandOf(
  node: CommandLine,
): { readonly text: string; readonly span: Span } | undefined {
  if (node instanceof OnDemandRuleLine) {
    return { text: node.rule.chain, span: node.chainSpan };
  }
  return node.chainToken;
}

/**
 * The IPv4 destination a rule tests first (see computeDestinationFilter), without re-reading an
 * on-demand rule's line.
 */
export function destinationFilterOf(rule: Rule): DestinationFilter | undefined {
  return rule instanceof OnDemandRuleLine ? rule.destinationFilter() : computeDestinationFilter(rule);
}
