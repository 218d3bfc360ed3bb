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
 * The jumps of a block, recorded in line order while the block only appends rules to declared chains:
 * the rule of each, and per target chain (by ordinal) a list of its jumps threaded through integer
 * arrays. A node dump jumps 50,000 times at 150,000 lines; an edge object and a list per target as the
 * lines arrived cost 70 ms of a 0.85 s parse, mostly in garbage collection, and grouping the jumps by
 * target on the first look-up made that look-up take 12 ms. Here a target's edges are objects only
 * once asked for (or made in parse steps for a much-jumped-to target, see RecordedCallers.prepare).
 */
export class JumpRecord {
  readonly rules: Rule[] = [];
  /** Target ordinals in the order of their first jump (a Map built as the lines arrived iterated so). */
  readonly order: number[] = [];
  /** Per target ordinal, its first and its last jump (-1: none yet); per jump, the next one to its target. */
  private first: Int32Array = new Int32Array(256).fill(-1);
  private last: Int32Array = new Int32Array(256);
  private next: Int32Array = new Int32Array(256);
  /** Per target ordinal, how many jumps go to it. */
  private counts: Int32Array = new Int32Array(256);

  add(rule: Rule, target: NumberedChain): void {
    const jump = this.rules.length;
    const ordinal = target.ordinal;
    this.rules.push(rule);
    if (ordinal >= this.first.length) this.growTargets(ordinal + 1);
    if (jump >= this.next.length) this.next = grown(this.next, jump + 1, 0);
    this.next[jump] = -1;
    if (this.first[ordinal] === -1) {
      this.first[ordinal] = jump;
      this.order.push(ordinal);
    } else this.next[this.last[ordinal]!] = jump;
    this.last[ordinal] = jump;
    this.counts[ordinal]!++;
  }

  /** How many jumps go to the chain of `ordinal`. */
  countTo(ordinal: number): number {
    return ordinal < this.counts.length ? this.counts[ordinal]! : 0;
  }

  /** The first jump to the chain of `ordinal` (a number: an index into `rules`), or -1. */
  firstJumpTo(ordinal: number): number {
    return ordinal < this.first.length ? this.first[ordinal]! : -1;
  }

  /** The jump after `jump` to the same chain, or -1. */
  nextJump(jump: number): number {
    return this.next[jump]!;
  }

  /** The edges of the jumps to the chain of `ordinal`, in line order. */
  edgesTo(table: TableModel, ordinal: number): JumpEdge[] {
    const edges: JumpEdge[] = [];
    for (let jump = this.firstJumpTo(ordinal); jump !== -1; jump = this.nextJump(jump))
      edges.push(new RecordedJumpEdge(table, this.rules[jump]!));
    return edges;
  }

  /** Whether any jump goes to the chain of `ordinal`. */
  has(ordinal: number): boolean {
    return ordinal < this.first.length && this.first[ordinal] !== -1;
  }

  private growTargets(needed: number): void {
    this.first = grown(this.first, needed, -1);
    this.last = grown(this.last, needed, 0);
    this.counts = grown(this.counts, needed, 0);
  }
}

/** A copy of `array` with room for at least `needed` entries (doubling), the new ones set to `fill`. */
function grown(array: Int32Array, needed: number, fill: number): Int32Array {
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const copy = new Int32Array(length);
  copy.set(array);
  if (fill !== 0) copy.fill(fill, array.length);
  return copy;
}

/** Targets with at least this many jumps get their edges with the parse (see RecordedCallers.prepare). */
const EAGER_CALLERS = 1024;
/** prepare() yields when the edges made are a multiple of 4,096 (a millisecond or two). */
const EDGES_PER_STEP = 4095;

/** The callers map of a block whose jumps were recorded (`Ruleset.callers` per block, keyed by chain name). */
export class RecordedCallers extends CallersMap {
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

  /**
   * Makes the edges of every chain that over a thousand rules jump to, yielding every few thousand
   * edges: kube-proxy's KUBE-MARK-MASQ has 40,000 at 150,000 lines, and made on the first hover they
   * took 6 ms of it. The ruleset builder runs this as part of the parse.
   */
  *prepare(): Generator<void, void, void> {
    const jumps = this.jumps;
    for (const ordinal of jumps.order) {
      if (jumps.countTo(ordinal) < EAGER_CALLERS || this.made.has(ordinal)) continue;
      const edges: JumpEdge[] = [];
      for (let jump = jumps.firstJumpTo(ordinal); jump !== -1; jump = jumps.nextJump(jump)) {
        edges.push(new RecordedJumpEdge(this.table, jumps.rules[jump]!));
        if ((edges.length & EDGES_PER_STEP) === 0) yield;
      }
      this.made.set(ordinal, edges);
    }
  }

  get size(): number {
    return this.jumps.order.length;
  }

  has(name: string): boolean {
    const ordinal = this.chains.get(name)?.ordinal;
    return ordinal !== undefined && this.jumps.has(ordinal);
  }

  get(name: string): readonly JumpEdge[] | undefined {
    return this.edgesOf(this.chains.get(name)?.ordinal);
  }

  *entries(): ReturnType<Callers['entries']> {
    for (const ordinal of this.jumps.order) yield [this.names[ordinal]!, this.edgesOf(ordinal)!];
  }

  private edgesOf(ordinal: number | undefined): readonly JumpEdge[] | undefined {
    if (ordinal === undefined || !this.jumps.has(ordinal)) return undefined;
    const made = this.made.get(ordinal);
    if (made) return made;
    const edges = this.jumps.edgesTo(this.table, ordinal);
    this.made.set(ordinal, edges);
    return edges;
  }
}
