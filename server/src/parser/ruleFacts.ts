import type { Rule } from '../model/rule';
import type { Span } from '../model/span';
import type { CommandLine } from '../model/syntax';

/**
 * What an on-demand handle keeps of a clean `-A` line (parser/onDemand.ts), as one row of small
 * integers: the parser writes a row for each line it reads itself, and the reading worker
 * (lsp/readingWorker.ts) writes rows for the lines it reads, so both build the same handle from the
 * same numbers.
 */
export const enum Fact {
  /** Length of the line, or {@link NO_FACTS} when the row holds nothing. */
  Length = 0,
  /** Columns of the chain operand (`-A NAME`), packed. */
  ChainColumns = 1,
  /** Columns of the `-j`/`-g` name, packed, or -1 without a target. */
  TargetColumns = 2,
  /** The trait bits below. */
  Traits = 3,
  /** The tracer's destination filter (see computeDestinationFilter), as signed 32-bit integers. */
  FilterNetwork = 4,
  FilterMask = 5,
}

/** Integers per row. */
export const FACTS_PER_LINE = 6;
/** {@link Fact.Length} of a row the reader left empty: the parser reads that line itself. */
export const NO_FACTS = -1;

/** Address families a rule's addresses and REJECT type use, as bits, for the family check at block end. */
export const USES_IPV4 = 1;
export const USES_IPV6 = 2;
export const HAS_REJECT_TYPE = 4;
export const HAS_FRAGMENT = 8;
export const FAMILY_ONLY = 16;
/** Not family traits: the target is a chain (kind `chain`), reached with -g. */
export const JUMPS_TO_CHAIN = 32;
export const GOES_TO = 64;
/** Has a destination filter for the tracer (see computeDestinationFilter). */
export const HAS_DESTINATION_FILTER = 128;

/**
 * A kept line is shorter than this (parseDocument's commandLine keeps no longer one), so two of its
 * columns pack into one small integer: a field per column on 330,000 handles and their rules was 5 MB.
 */
export const MAX_KEPT_LINE_LENGTH = 1 << 15;

/** Columns `start .. end` of a kept line as one small integer. */
export function packedColumns(start: number, end: number): number {
  return (start << 15) | (end - start);
}

/** Where packed columns start. */
export function packedStart(packed: number): number {
  return packed >>> 15;
}

/** How many characters packed columns span. */
export function packedLength(packed: number): number {
  return packed & (MAX_KEPT_LINE_LENGTH - 1);
}

export function packColumns(span: Span): number {
  return packedColumns(span.start, span.end);
}

export function unpackColumns(line: number, packed: number): Span {
  const start = packedStart(packed);
  return { line, start, end: start + packedLength(packed) };
}

/**
 * Writes one row: the line's length, the packed columns of its chain operand and of its target's
 * name (-1 without a target), its traits, and its destination filter (0 and 0 without one).
 */
export function writeFactsRow(
  facts: Int32Array,
  row: number,
  length: number,
  chainColumns: number,
  targetColumns: number,
  traits: number,
  filterNetwork: number,
  filterMask: number,
): void {
  const at = row * FACTS_PER_LINE;
  facts[at + Fact.Length] = length;
  facts[at + Fact.ChainColumns] = chainColumns;
  facts[at + Fact.TargetColumns] = targetColumns;
  facts[at + Fact.Traits] = traits;
  facts[at + Fact.FilterNetwork] = filterNetwork;
  facts[at + Fact.FilterMask] = filterMask;
}

/** A single IPv4 destination network a rule requires, as unsigned 32-bit numbers. */
export interface DestinationFilter {
  readonly network: number;
  readonly mask: number;
}

/** Writes the facts of a clean `-A` line, read as `read`, into `row` of `facts`. */
export function writeRuleFacts(
  read: CommandLine & { readonly rule: Rule },
  facts: Int32Array,
  row: number,
): void {
  const rule = read.rule;
  const target = rule.target;
  const filter = computeDestinationFilter(rule);
  writeFactsRow(
    facts,
    row,
    read.span.end,
    packColumns(read.chainToken!.span),
    target ? packColumns(target.nameToken.span) : -1,
    familyTraits(rule) |
      (target?.kind === 'chain' ? JUMPS_TO_CHAIN : 0) |
      (target?.goto ? GOES_TO : 0) |
      (filter ? HAS_DESTINATION_FILTER : 0),
    (filter?.network ?? 0) | 0,
    (filter?.mask ?? 0) | 0,
  );
}

/**
 * Whether the chain and target names of a line read as `read` are written as they are (not quoted), so
 * a row's columns give them back from the text: only then can a row stand for the line.
 */
export function namesArePlain(read: CommandLine & { readonly rule: Rule }, lineText: string): boolean {
  const chain = read.chainToken!.span;
  const target = read.rule.target;
  if (lineText.slice(chain.start, chain.end) !== read.rule.chain) return false;
  return !target || lineText.slice(target.nameToken.span.start, target.nameToken.span.end) === target.name;
}

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
 * The IPv4 destination a rule tests first, when that is a single non-negated `-d` (no -4/-6 and no
 * -s before it), so a packet to another address certainly fails the rule there. The tracer indexes
 * long chains by it (trace/prefilter.ts); on-demand rules keep it from their first reading.
 */
export function computeDestinationFilter(rule: Rule): DestinationFilter | undefined {
  const destination = rule.destination;
  if (rule.familyOnly !== undefined || rule.source !== undefined || destination === undefined)
    return undefined;
  if (destination.negated || destination.value.length !== 1 || destination.value[0]!.family !== 4)
    return undefined;
  const d = destination.value[0]!;
  return { network: Number(d.address & d.mask & 0xffffffffn), mask: Number(d.mask & 0xffffffffn) };
}
