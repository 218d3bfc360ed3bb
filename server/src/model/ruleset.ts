import type { Span } from './span';
import type { BuiltinPolicy, Counters } from './syntax';
import type { Rule } from './rule';

/**
 * The state a restore of the file would leave in the kernel, per table block: chains in declaration
 * order, each with its effective rule list after every -A/-I/-D/-R/-F/-X/-E of the block is applied.
 */
export interface ChainModel {
  readonly table: string;
  readonly name: string;
  readonly builtin: boolean;
  /** Builtin chains only. */
  readonly policy?: BuiltinPolicy;
  readonly policySpan?: Span;
  readonly counters?: Counters;
  /** Where the chain is declared (`:NAME …` or `-N NAME`); absent for builtin chains never mentioned. */
  readonly declarationSpan?: Span;
  readonly declarationLine?: number;
  /** Effective rules, in kernel order. */
  readonly rules: readonly Rule[];
}

export interface TableModel {
  readonly name: string;
  /** Index of this block among all table blocks of the file (a pasted v4+v6 dump repeats `*nat`). */
  readonly index: number;
  readonly family: 'ipv4' | 'ipv6';
  /** The `*table` line. */
  readonly line: number;
  readonly nameSpan: Span;
  /** The COMMIT line, if any. */
  readonly commitLine?: number;
  /** Last line that belongs to the block (COMMIT, or the line before the next block / EOF). */
  readonly endLine: number;
  /** Chains by name. */
  readonly chains: ReadonlyMap<string, ChainModel>;
  /** Chain names: builtin chains in hook order, then user chains in declaration order. */
  readonly chainOrder: readonly string[];
}

/** One `-j`/`-g` edge of the jump graph. */
export interface JumpEdge {
  readonly table: TableModel;
  readonly from: string;
  readonly to: string;
  readonly goto: boolean;
  readonly rule: Rule;
}

export interface Ruleset {
  readonly tables: readonly TableModel[];
  /** Every rule of every table, in document order (for line lookups). */
  readonly rules: readonly Rule[];
  /** All jumps/gotos to user chains, grouped by target: key `${tableIndex}:${chain}`. */
  readonly callers: ReadonlyMap<string, readonly JumpEdge[]>;
  /** The table block that contains a given line, if any. */
  tableAt(line: number): TableModel | undefined;
  /** The rule that a line holds, if any. */
  ruleAt(line: number): Rule | undefined;
}

export function chainKey(table: TableModel, chain: string): string {
  return `${table.index}:${chain}`;
}
