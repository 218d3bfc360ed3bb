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

/**
 * The re-read lines of one parse, first in, first out: each handle holds its full node until the
 * ring of remembered handles comes round to it again (a Map would do, but deleting its oldest entry
 * leaves a hole the next lookup of the oldest entry walks over, which turns a long scan quadratic).
 */
export class OnDemandStore {
  private readonly ring: (OnDemandCommandLine | undefined)[] = [];
  private next = 0;
  private reads = 0;
  private readonly names = new Map<string, string>();
  /** The name {@link shared} returned last. */
  private last = '';

  /** `text` is the whole document the kept lines are read from again. */
  constructor(
    readonly text: string,
    private readonly capacity = REMEMBERED_LINES,
  ) {}

  /** Reads a kept line again (the handle remembers the result) and forgets the oldest remembered one. */
  read(kept: OnDemandCommandLine): CommandLine {
    const read = readCommandLine(kept.text, kept.line, kept.block, new Problems());
    // Only lines that read cleanly are kept, and reading is a pure function of the text and block.
    if (!read.ok || !read.value.rule) throw new Error(`line ${kept.line + 1} no longer reads as a rule`);
    const oldest = this.ring[this.next];
    if (oldest) oldest.forget();
    this.ring[this.next] = kept;
    this.next = (this.next + 1) % this.capacity;
    this.reads++;
    return read.value;
  }

  /**
   * One string per distinct chain or target name: a handle would otherwise hold its own slice of its
   * line for each (a node dump names 120,000 chains across 450,000 lines, 10 MB of duplicates).
   */
  shared(name: string): string {
    // Rules of one chain sit together, so most names are the one just asked for: comparing with it
    // is cheaper than hashing a new slice for the map.
    if (name === this.last) return this.last;
    // A declared chain's own name: the ruleset builder looks the same name up in the same map right
    // after, which is then cheap, where a map of our own would be a second cold lookup per rule.
    const known = this.declaredName?.(name) ?? this.names.get(name);
    if (known !== undefined) return (this.last = known);
    this.names.set(name, name);
    return (this.last = name);
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
 * A `-A` line kept by number and by where its text lies in the document (a slice of the line per
 * handle cost 32 bytes more each). `kind`, `line`, `verb` and `rule` are its own; the tokens, the
 * chain token and the counters come from the line read again.
 */
export class OnDemandCommandLine implements CommandLine {
  readonly rule: OnDemandRule;
  /** Columns of the chain operand (`-A NAME`), for navigation without re-reading the line (packed). */
  private readonly chainColumns: number;
  private remembered: CommandLine | undefined;

  /**
   * `read` is the node just read from the line's text, which is the `length` characters at `start` in
   * the store's document; only the facts listed on {@link OnDemandRule} are kept.
   */
  constructor(
    readonly line: number,
    private readonly start: number,
    private readonly length: number,
    readonly block: OnDemandBlock,
    read: CommandLine & { readonly rule: Rule },
  ) {
    this.rule = new OnDemandRule(this, read.rule);
    this.chainColumns = packColumns(read.chain!.span);
  }

  // On the prototype, not a field of each of 330,000 handles.
  get kind(): 'command' {
    return 'command';
  }
  /** Only `-A` lines are kept (parseDocument's commandLine). */
  get verb(): CommandVerb {
    return 'append';
  }
  /** Where the chain operand is written. */
  get chainSpan(): Span {
    return unpackColumns(this.line, this.chainColumns);
  }
  /** The line's text as it was read. */
  get text(): string {
    return this.block.store.text.slice(this.start, this.start + this.length);
  }
  get span(): Span {
    return { line: this.line, start: 0, end: this.length };
  }
  get counters(): Counters | undefined {
    // Checked on the text first: inlay hints ask every line whether it has counters.
    return this.block.store.text.charCodeAt(this.start) === 0x5b ? this.full().counters : undefined;
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
    return (this.remembered ??= this.block.store.read(this));
  }

  /** Called by the store when this line leaves its memory. */
  forget(): void {
    this.remembered = undefined;
  }

  /** The same JSON as the eagerly read node, so a test can compare the two parses whole. */
  toJSON(): unknown {
    return { ...this.full(), rule: this.rule };
  }
}

/**
 * A kept line is shorter than this (parseDocument's commandLine keeps no longer one), so two of its
 * columns pack into one small integer: a field per column on 330,000 handles and their rules was 5 MB.
 */
export const MAX_KEPT_LINE_LENGTH = 1 << 15;

function packColumns(span: Span): number {
  return (span.start << 15) | (span.end - span.start);
}

function unpackColumns(line: number, packed: number): Span {
  const start = packed >>> 15;
  return { line, start, end: start + (packed & (MAX_KEPT_LINE_LENGTH - 1)) };
}

/** Address families a rule's addresses and REJECT type use, as bits, for the family check at block end. */
const USES_IPV4 = 1;
const USES_IPV6 = 2;
const HAS_REJECT_TYPE = 4;
const HAS_FRAGMENT = 8;
const FAMILY_ONLY = 16;
/** Not family traits: the target is a chain (kind `chain`), reached with -g. */
const JUMPS_TO_CHAIN = 32;
const GOES_TO = 64;
/** Has a destination filter for the tracer (see destinationFilterOf). */
const HAS_DESTINATION_FILTER = 128;

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
  readonly chain: string;
  /** The name after `-j`/`-g`, and its columns. */
  readonly targetName: string | undefined;
  /** Where the target's name is written (packed), if there is a target. */
  private readonly targetColumns: number;
  /** Family traits (bits above) and the target's kind as far as the ruleset needs it. */
  private readonly traits: number;
  /**
   * The first-tested IPv4 destination, for the tracer's prefilter (see destinationFilterOf), as signed
   * 32-bit integers: a small integer in the object, where an unsigned /32 mask would be a boxed number.
   */
  private readonly filterNetwork: number;
  private readonly filterMask: number;
  /** Set by the ruleset builder when the jump names no chain (the target becomes kind `unknown`). */
  private targetOverride: Target | undefined;

  /** `handle` is the line's handle, whose `rule` this is. */
  constructor(
    readonly handle: OnDemandCommandLine,
    rule: Rule,
  ) {
    const store = handle.block.store;
    this.chain = store.shared(rule.chain);
    const target = rule.target;
    this.targetName = target && store.shared(target.name);
    this.targetColumns = target ? packColumns(target.nameToken.span) : -1;
    const filter = computeDestinationFilter(rule);
    this.filterNetwork = (filter?.network ?? 0) | 0;
    this.filterMask = (filter?.mask ?? 0) | 0;
    this.traits =
      familyTraits(rule) |
      (target?.kind === 'chain' ? JUMPS_TO_CHAIN : 0) |
      (target?.goto ? GOES_TO : 0) |
      (filter ? HAS_DESTINATION_FILTER : 0);
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
      ? { network: this.filterNetwork >>> 0, mask: this.filterMask >>> 0 }
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
      span: unpackColumns(this.line, this.targetColumns),
      isChain: override ? override.kind === 'chain' : (this.traits & JUMPS_TO_CHAIN) !== 0,
    };
  }

  // The table and the line are the handle's (a field each on 330,000 rules is 5 MB).
  get table(): string {
    return this.handle.block.table;
  }
  get line(): number {
    return this.handle.line;
  }

  private get full(): Rule {
    return this.handle.full().rule!;
  }

  get span(): Span {
    return this.handle.span;
  }
  get counters(): Counters | undefined {
    return this.handle.counters;
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

/** The user chain (target kind `chain`) a rule jumps or goes to, read without re-reading an on-demand rule's line. */
export function chainJumpOf(rule: Rule): string | undefined {
  if (rule instanceof OnDemandRule) return rule.chainJump();
  const target = rule.target;
  return target?.kind === 'chain' ? target.name : undefined;
}

/** Whether a rule's jump is a goto (`-g`), read without re-reading an on-demand rule's line. */
export function goesTo(rule: Rule): boolean {
  if (rule instanceof OnDemandRule) return rule.goesTo();
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
  if (rule instanceof OnDemandRule) return rule.targetNameAt();
  const target = rule.target;
  return target && { name: target.name, span: target.nameToken.span, isChain: target.kind === 'chain' };
}

/** The chain operand of a command line (`-A NAME`), read without re-reading an on-demand line. */
export function chainOperandOf(
  node: CommandLine,
): { readonly text: string; readonly span: Span } | undefined {
  if (node instanceof OnDemandCommandLine) {
    return { text: node.rule.chain, span: node.chainSpan };
  }
  return node.chain;
}

/** A single IPv4 destination network a rule requires, as unsigned 32-bit numbers. */
export interface DestinationFilter {
  readonly network: number;
  readonly mask: number;
}

/**
 * The IPv4 destination a rule tests first, when that is a single non-negated `-d` (no -4/-6 and no
 * -s before it), so a packet to another address certainly fails the rule there. The tracer indexes
 * long chains by it (trace/prefilter.ts); on-demand rules keep it from their first reading.
 */
export function destinationFilterOf(rule: Rule): DestinationFilter | undefined {
  return rule instanceof OnDemandRule ? rule.destinationFilter() : computeDestinationFilter(rule);
}

function computeDestinationFilter(rule: Rule): DestinationFilter | undefined {
  const destination = rule.destination;
  if (rule.familyOnly !== undefined || rule.source !== undefined || destination === undefined)
    return undefined;
  if (destination.negated || destination.value.length !== 1 || destination.value[0]!.family !== 4)
    return undefined;
  const d = destination.value[0]!;
  return { network: Number(d.address & d.mask & 0xffffffffn), mask: Number(d.mask & 0xffffffffn) };
}
