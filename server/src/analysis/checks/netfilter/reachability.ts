import type { JumpEdge, TableModel } from '../../../model/ruleset';
import type { Hook } from '../../../netfilter/spec';
import type { RelatedInfo } from '../../findings';

/**
 * Which builtin chains reach each chain of one table block, through jumps and gotos. The kernel
 * validates a rule against every hook whose builtin chain can reach it (iptables(8): targets are
 * valid "in the X chain, and user-defined chains which are only called from those chains"), and an
 * unreachable user chain is never validated for hooks. One breadth-first pass per builtin chain,
 * so the cost is O(hooks × (chains + jumps)) — linear in the file.
 */
export interface TableReach {
  readonly table: TableModel;
  /** Outgoing jump/goto edges to user chains of this table, per chain, in rule order. */
  readonly edges: ReadonlyMap<string, readonly JumpEdge[]>;
  /**
   * For every chain a builtin chain reaches: per hook, the edge through which the breadth-first
   * walk from that hook first entered it (`null` for the builtin chain itself). Following these
   * back gives a shortest witness path.
   */
  readonly entries: ReadonlyMap<string, ReadonlyMap<Hook, JumpEdge | null>>;
}

const cache = new WeakMap<TableModel, TableReach>();

/** The reachability of one table block, computed once per model and shared by every check. */
export function reachOf(table: TableModel): TableReach {
  let reach = cache.get(table);
  if (reach === undefined) {
    reach = computeReach(table);
    cache.set(table, reach);
  }
  return reach;
}

function computeReach(table: TableModel): TableReach {
  const edges = new Map<string, JumpEdge[]>();
  for (const chain of table.chains.values()) {
    const out: JumpEdge[] = [];
    for (const rule of chain.rules) {
      const target = rule.target;
      if (target?.kind !== 'chain') {
        continue;
      }
      const callee = table.chains.get(target.name);
      if (callee !== undefined && !callee.builtin) {
        out.push({ table, from: chain.name, to: target.name, goto: target.goto, rule });
      }
    }
    if (out.length > 0) {
      edges.set(chain.name, out);
    }
  }
  const entries = new Map<string, Map<Hook, JumpEdge | null>>();
  for (const chain of table.chains.values()) {
    if (!chain.builtin) {
      continue;
    }
    const hook = chain.name as Hook;
    entriesFor(entries, chain.name).set(hook, null);
    const queue = [chain.name];
    for (let i = 0; i < queue.length; i++) {
      for (const edge of edges.get(queue[i]) ?? []) {
        const seen = entriesFor(entries, edge.to);
        if (!seen.has(hook)) {
          seen.set(hook, edge);
          queue.push(edge.to);
        }
      }
    }
  }
  return { table, edges, entries };
}

function entriesFor(
  entries: Map<string, Map<Hook, JumpEdge | null>>,
  chain: string,
): Map<Hook, JumpEdge | null> {
  let m = entries.get(chain);
  if (m === undefined) {
    m = new Map();
    entries.set(chain, m);
  }
  return m;
}

const reachingCache = new WeakMap<TableReach, Map<string, readonly Hook[]>>();
const none: readonly Hook[] = [];

/** The builtin chains (hooks) that reach `chain`, in the table's hook order; empty when unreachable. */
export function hooksReaching(reach: TableReach, chain: string): readonly Hook[] {
  let perChain = reachingCache.get(reach);
  if (perChain === undefined) {
    perChain = new Map();
    reachingCache.set(reach, perChain);
  }
  let hooks = perChain.get(chain);
  if (hooks === undefined) {
    const m = reach.entries.get(chain);
    hooks = m === undefined ? none : [...m.keys()];
    perChain.set(chain, hooks);
  }
  return hooks;
}

/** A shortest chain of jumps from the builtin chain `hook` to `chain` (empty when `chain` is `hook`). */
export function pathFrom(reach: TableReach, hook: Hook, chain: string): JumpEdge[] {
  const path: JumpEdge[] = [];
  let current = chain;
  for (;;) {
    const edge = reach.entries.get(current)?.get(hook);
    if (edge === undefined || edge === null) {
      return path.reverse();
    }
    path.push(edge);
    current = edge.from;
  }
}

/** `POSTROUTING → ISTIO_OUTPUT → CAPTURE`, for messages. */
export function describePath(hook: Hook, path: readonly JumpEdge[]): string {
  return [hook, ...path.map((e) => e.to)].join(' → ');
}

/** One related-information entry per jump of a path, on the jump's target name. */
export function relatedForPath(path: readonly JumpEdge[]): RelatedInfo[] {
  return path.map((edge) => ({
    span: edge.rule.target?.nameToken.span ?? edge.rule.span,
    message: `${edge.from} ${edge.goto ? 'goes to' : 'jumps to'} ${edge.to} here (${edge.table.name} table)`,
  }));
}
