import type { Rule } from '../model/rule';
import type { JumpEdge, TableModel } from '../model/ruleset';
import { CallersMap, type Callers } from './callersMap';
import { chainJumpOf, goesTo } from './onDemand';

/** A chain of a block as the recorded jumps name it: by its ordinal, the place it was created in. */
export interface NumberedChain {
  readonly ordinal: number;
}

/**
 * A jump edge recorded as its `-A` line arrived: the rule alone says where the edge comes from and
 * goes to, so only the rule and the table are kept.
 */
class RecordedJumpEdge implements JumpEdge {
  constructor(
    readonly table: TableModel,
    readonly rule: Rule,
  ) {}

  get from(): string {
    return this.rule.chain;
  }
  get to(): string {
    return chainJumpOf(this.rule)!;
  }
  get goto(): boolean {
    return goesTo(this.rule);
  }
}

/**
 * The jumps of a block, recorded in line order as two parallel lists — the rule, and the ordinal of
 * the user chain it jumps to — while the block only appended rules to declared chains. A node dump
 * jumps 50,000 times at 150,000 lines; an edge object and a list per target as the lines arrived cost
 * 70 ms of a 0.85 s parse, mostly in garbage collection. Here a lookup groups the jumps by target
 * once (two passes over small integers), and a target's edges are objects only once asked for.
 */
export class JumpRecord {
  readonly rules: Rule[] = [];
  readonly targets: number[] = [];

  add(rule: Rule, target: NumberedChain): void {
    this.rules.push(rule);
    this.targets.push(target.ordinal);
  }
}

/** The callers map of a block whose jumps were recorded (`Ruleset.callers` per block, keyed by chain name). */
export class RecordedCallers extends CallersMap {
  /** Jump numbers grouped by target ordinal: target o's jumps are `grouped[start[o] .. start[o + 1]]`. */
  private start: Int32Array | undefined;
  private grouped: Int32Array | undefined;
  /** Target ordinals in the order of their first jump (a Map built as the lines arrived iterated so). */
  private firstJumpOrder: Int32Array | undefined;
  private readonly made = new Map<number, readonly JumpEdge[]>();

  /** `chains` finds a chain of the block by name, `names` is its chain names by ordinal. */
  constructor(
    private readonly table: TableModel,
    private readonly jumps: JumpRecord,
    private readonly chains: ReadonlyMap<string, NumberedChain>,
    private readonly names: readonly string[],
  ) {
    super();
  }

  get size(): number {
    return this.index().order.length;
  }

  has(name: string): boolean {
    return this.edgesOf(this.chains.get(name)?.ordinal) !== undefined;
  }

  get(name: string): readonly JumpEdge[] | undefined {
    return this.edgesOf(this.chains.get(name)?.ordinal);
  }

  *entries(): ReturnType<Callers['entries']> {
    for (const ordinal of this.index().order) yield [this.names[ordinal]!, this.edgesOf(ordinal)!];
  }

  private edgesOf(ordinal: number | undefined): readonly JumpEdge[] | undefined {
    if (ordinal === undefined) return undefined;
    const made = this.made.get(ordinal);
    if (made) return made;
    const { start, grouped } = this.index();
    if (ordinal + 1 >= start.length || start[ordinal] === start[ordinal + 1]) return undefined;
    const edges: JumpEdge[] = [];
    for (let k = start[ordinal]!; k < start[ordinal + 1]!; k++)
      edges.push(new RecordedJumpEdge(this.table, this.jumps.rules[grouped[k]!]!));
    this.made.set(ordinal, edges);
    return edges;
  }

  /** Groups the jumps by target (a counting sort, stable, so each target's jumps stay in line order). */
  private index(): { start: Int32Array; grouped: Int32Array; order: Int32Array } {
    if (this.start && this.grouped && this.firstJumpOrder)
      return { start: this.start, grouped: this.grouped, order: this.firstJumpOrder };
    const targets = this.jumps.targets;
    const start = new Int32Array(this.names.length + 1);
    let distinct = 0;
    for (const t of targets) if (start[t + 1]!++ === 0) distinct++;
    const order = new Int32Array(distinct);
    const seen = new Uint8Array(this.names.length);
    let next = 0;
    for (const t of targets) {
      if (seen[t]) continue;
      seen[t] = 1;
      order[next++] = t;
    }
    for (let o = 0; o < this.names.length; o++) start[o + 1]! += start[o]!;
    const cursor = start.slice(0, this.names.length);
    const grouped = new Int32Array(targets.length);
    for (let k = 0; k < targets.length; k++) grouped[cursor[targets[k]!]!++] = k;
    this.start = start;
    this.grouped = grouped;
    this.firstJumpOrder = order;
    return { start, grouped, order };
  }
}
