import type { JumpEdge, TableModel } from '../../../model/ruleset';
import type { Hook } from '../../../netfilter/spec';
import { nftMaxJumpDepth } from '../../../netfilter/tables';
import type { Check, CheckContext } from '../../check';
import { finding, type Finding, type RelatedInfo } from '../../findings';
import { describePath, reachOf, relatedForPath } from './reachability';

/**
 * The jump graph as the kernel validates it at commit:
 * - a loop of jumps/gotos that a builtin chain reaches is refused by both backends (nft: "Too many
 *   links"); a loop nothing reaches is accepted by both, so it is not reported here;
 * - nf_tables walks at most `nftMaxJumpDepth` levels of user chains below a builtin chain
 *   (NFT_JUMP_STACK_SIZE), so deeper nesting fails on nft ("Too many links") while legacy accepts.
 * One depth-first pass per table block. (A jump to a builtin chain is syntax.undefined-target.)
 */
export const jumpGraphCheck: Check = {
  id: 'netfilter.jump-graph',
  run({ doc }: CheckContext): Finding[] {
    const findings: Finding[] = [];
    for (const table of doc.ruleset.tables) {
      findings.push(...loopsAndDepth(table));
    }
    return findings;
  },
};

type Color = 'grey' | 'black';

function loopsAndDepth(table: TableModel): Finding[] {
  const reach = reachOf(table);
  const findings: Finding[] = [];
  const color = new Map<string, Color>();
  /** User chains in reverse post-order of the walk: a topological order once back edges are dropped. */
  const order: string[] = [];
  const backEdges = new Set<JumpEdge>();
  for (const chain of table.chains.values()) {
    if (!chain.builtin) {
      continue;
    }
    const hook = chain.name as Hook;
    // Iterative DFS: a frame is a chain and the index of its next outgoing edge.
    const stack: { chain: string; next: number; via?: JumpEdge }[] = [{ chain: chain.name, next: 0 }];
    color.set(chain.name, 'grey');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const edges = reach.edges.get(frame.chain) ?? [];
      if (frame.next >= edges.length) {
        color.set(frame.chain, 'black');
        order.push(frame.chain);
        stack.pop();
        continue;
      }
      const edge = edges[frame.next++];
      const state = color.get(edge.to);
      if (state === undefined) {
        color.set(edge.to, 'grey');
        stack.push({ chain: edge.to, next: 0, via: edge });
      } else if (state === 'grey') {
        backEdges.add(edge);
        findings.push(loopFinding(hook, stack, edge));
      }
    }
  }
  findings.push(...depthFindings(table, order.reverse(), backEdges));
  return findings;
}

function loopFinding(
  hook: Hook,
  stack: readonly { chain: string; via?: JumpEdge }[],
  closing: JumpEdge,
): Finding {
  const pathEdges = stack.map((f) => f.via).filter((e): e is JumpEdge => e !== undefined);
  const loopStart = stack.findIndex((f) => f.chain === closing.to);
  const cycle = [...stack.slice(loopStart).map((f) => f.chain), closing.to];
  const related: RelatedInfo[] = relatedForPath(pathEdges);
  const target = closing.rule.target;
  return finding(
    'netfilter.jump-loop',
    target?.nameToken.span ?? closing.rule.span,
    `Jump loop ${cycle.join(' → ')}, reachable from ${hook} (${describePath(hook, pathEdges)}): both backends refuse the table when it is committed (nft: "Too many links").`,
    { related: [...related, ...relatedForPath([closing])] },
  );
}

/**
 * Longest jump depth below any builtin chain, over the acyclic part of the graph. Reports each
 * jump that enters a chain deeper than nf_tables allows.
 */
function depthFindings(
  table: TableModel,
  topological: readonly string[],
  backEdges: ReadonlySet<JumpEdge>,
): Finding[] {
  const reach = reachOf(table);
  const depth = new Map<string, number>();
  const deepest = new Map<string, JumpEdge>();
  for (const chain of table.chains.values()) {
    if (chain.builtin) {
      depth.set(chain.name, 0);
    }
  }
  for (const name of topological) {
    const d = depth.get(name);
    if (d === undefined) {
      continue;
    }
    for (const edge of reach.edges.get(name) ?? []) {
      if (!backEdges.has(edge) && d + 1 > (depth.get(edge.to) ?? -1)) {
        depth.set(edge.to, d + 1);
        deepest.set(edge.to, edge);
      }
    }
  }
  const findings: Finding[] = [];
  for (const name of topological) {
    const entering = deepest.get(name);
    if (entering === undefined || depth.get(name) !== nftMaxJumpDepth + 1) {
      continue;
    }
    const path: JumpEdge[] = [];
    for (let e: JumpEdge | undefined = entering; e !== undefined; e = deepest.get(e.from)) {
      path.unshift(e);
    }
    const hook = path[0].from as Hook;
    findings.push(
      finding(
        'netfilter.jump-too-deep',
        entering.rule.target?.nameToken.span ?? entering.rule.span,
        `${name} is nested ${nftMaxJumpDepth + 1} user chains below ${hook} (${describePath(hook, path)}); iptables-nft refuses more than ${nftMaxJumpDepth} levels ("Too many links"), iptables-legacy accepts it.`,
        { related: relatedForPath(path.slice(0, -1)) },
      ),
    );
  }
  return findings;
}
