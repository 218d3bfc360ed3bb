import type { AddressSpec, InterfaceSpec, Match, Negatable, OptionUse, Rule, Target } from '../model/rule';
import type { Span } from '../model/span';
import type { CommandLine, CommandVerb, Counters, Token } from '../model/syntax';
import { Problems } from './problems';
import { readCommandLine, type CommandBlock } from './readCommandLine';

/**
 * Rules of a document too big for the full analysis, kept as small handles instead of object trees.
 *
 * A parsed rule line is about thirty objects (tokens, spans, options, matches); on a 150,000-line
 * node dump that is half a gigabyte, and building it costs more in garbage collection than parsing
 * does. Above the size limit nothing needs every rule at once — the syntax checks run while the line
 * is read, the Istio checks read a handful of chains, editor features read the lines they are asked
 * about — so a plain `-A` line that read without a problem keeps only its line number, its text and
 * what the ruleset needs at once (table, chain, jump, address families). Everything else is read
 * again from the text on first use, by the same code as the first time, and remembered for a while.
 */

/** How many re-read lines a document remembers before it forgets the oldest. */
const REMEMBERED_LINES = 50_000;

/** The re-read lines of one parse, first in, first out. */
export class OnDemandStore {
  private readonly recent = new Map<OnDemandCommandLine, CommandLine>();
  private reads = 0;

  constructor(private readonly capacity = REMEMBERED_LINES) {}

  /** The full node of a kept line, read again from its text if it is not remembered. */
  fullNode(kept: OnDemandCommandLine): CommandLine {
    const known = this.recent.get(kept);
    if (known) return known;
    const read = readCommandLine(kept.text, kept.line, kept.block, new Problems());
    // Only lines that read cleanly are kept, and reading is a pure function of the text and block.
    if (!read.ok || !read.value.rule) throw new Error(`line ${kept.line + 1} no longer reads as a rule`);
    if (this.recent.size >= this.capacity) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(kept, read.value);
    this.reads++;
    return read.value;
  }

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
 * A `-A` line kept by number and text. `kind`, `line`, `verb` and `rule` are its own; the tokens, the
 * chain token and the counters come from the line read again.
 */
export class OnDemandCommandLine implements CommandLine {
  readonly kind = 'command' as const;
  readonly verb: CommandVerb;
  readonly rule: OnDemandRule;

  /** `read` is the node just read from `text`; only the facts listed on {@link OnDemandRule} are kept. */
  constructor(
    readonly line: number,
    readonly text: string,
    readonly block: OnDemandBlock,
    read: CommandLine & { readonly rule: Rule },
  ) {
    this.verb = read.verb!;
    this.rule = new OnDemandRule(this, read.rule);
  }

  get span(): Span {
    return { line: this.line, start: 0, end: this.text.length };
  }
  get counters(): Counters | undefined {
    // Checked on the text first: inlay hints ask every line whether it has counters.
    return this.text.charCodeAt(0) === 0x5b ? this.full().counters : undefined;
  }
  get tokens(): readonly Token[] {
    return this.full().tokens;
  }
  get verbToken(): Token | undefined {
    return this.full().verbToken;
  }
  get chain(): Token | undefined {
    return this.full().chain;
  }
  get operands(): readonly Token[] {
    return this.full().operands;
  }

  /** The line as the parser first read it (its rule is the full rule, not this line's handle). */
  full(): CommandLine {
    return this.block.store.fullNode(this);
  }

  /** The same JSON as the eagerly read node, so a test can compare the two parses whole. */
  toJSON(): unknown {
    return { ...this.full(), rule: this.rule };
  }
}

/** Address families a rule's addresses and REJECT type use, as bits, for the family check at block end. */
const USES_IPV4 = 1;
const USES_IPV6 = 2;
const HAS_REJECT_TYPE = 4;
const HAS_FRAGMENT = 8;
const FAMILY_ONLY = 16;

function familyTraits(rule: Rule): number {
  let traits = 0;
  for (const list of [rule.source, rule.destination]) {
    for (const a of list?.value ?? []) {
      if (a.hostname === undefined) traits |= a.family === 6 ? USES_IPV6 : USES_IPV4;
    }
  }
  if (rule.target?.kind === 'REJECT' && rule.target.rejectWith !== undefined) traits |= HAS_REJECT_TYPE;
  if (rule.fragment) traits |= HAS_FRAGMENT;
  if (rule.familyOnly !== undefined) traits |= FAMILY_ONLY;
  return traits;
}

/**
 * The rule of an {@link OnDemandCommandLine}. Its own fields are what the ruleset is built from without
 * reading the line again: table, chain, line, span, the chain a `-j`/`-g` names and the address
 * families used. Every other field reads the line again (through the store) on first use.
 */
export class OnDemandRule implements Rule {
  readonly table: string;
  readonly chain: string;
  readonly line: number;
  /** The name a `-j`/`-g` gives when the parser read it as a chain (target kind `chain`). */
  readonly jump: string | undefined;
  readonly goto: boolean;
  private readonly traits: number;
  /** Set by the ruleset builder when the jump names no chain (the target becomes kind `unknown`). */
  private targetOverride: Target | undefined;

  constructor(
    private readonly node: OnDemandCommandLine,
    rule: Rule,
  ) {
    this.table = rule.table;
    this.chain = rule.chain;
    this.line = rule.line;
    const target = rule.target;
    this.jump = target?.kind === 'chain' ? target.name : undefined;
    this.goto = target?.goto === true;
    this.traits = familyTraits(rule);
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
  chainJump(): { readonly name: string; readonly goto: boolean } | undefined {
    const override = this.targetOverride;
    if (override) return override.kind === 'chain' ? { name: override.name, goto: override.goto } : undefined;
    return this.jump === undefined ? undefined : { name: this.jump, goto: this.goto };
  }

  private get full(): Rule {
    return this.node.full().rule!;
  }

  get span(): Span {
    return this.node.span;
  }
  get counters(): Counters | undefined {
    return this.node.counters;
  }
  get protocol(): Negatable<string> | undefined {
    return this.full.protocol;
  }
  get source(): Negatable<readonly AddressSpec[]> | undefined {
    return this.full.source;
  }
  get destination(): Negatable<readonly AddressSpec[]> | undefined {
    return this.full.destination;
  }
  get inInterface(): Negatable<InterfaceSpec> | undefined {
    return this.full.inInterface;
  }
  get outInterface(): Negatable<InterfaceSpec> | undefined {
    return this.full.outInterface;
  }
  get fragment(): Negatable<true> | undefined {
    return this.full.fragment;
  }
  get familyOnly(): 4 | 6 | undefined {
    return this.full.familyOnly;
  }
  get matches(): readonly Match[] {
    return this.full.matches;
  }
  get target(): Target | undefined {
    return this.targetOverride ?? this.full.target;
  }
  set target(target: Target | undefined) {
    this.targetOverride = target;
  }
  get genericOptions(): readonly OptionUse[] {
    return this.full.genericOptions;
  }

  /** The same JSON as the eagerly read rule. */
  toJSON(): unknown {
    return { ...this.full, target: this.target };
  }
}

/** The user chain a rule jumps or goes to, read without re-reading an on-demand rule's line. */
export function chainJumpOf(rule: Rule): { readonly name: string; readonly goto: boolean } | undefined {
  if (rule instanceof OnDemandRule) return rule.chainJump();
  const target = rule.target;
  return target?.kind === 'chain' ? { name: target.name, goto: target.goto } : undefined;
}
