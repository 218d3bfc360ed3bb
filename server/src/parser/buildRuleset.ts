import type { Rule, Target } from '../model/rule';
import type { ChainModel, JumpEdge, Ruleset, TableModel } from '../model/ruleset';
import { spanToRange, type Span } from '../model/span';
import type { BuiltinPolicy, ChainLine, CommandLine, Counters, TableLine, Token } from '../model/syntax';
import { findTable } from '../netfilter/tables';
import { rejectTypesV4, rejectTypesV6 } from '../netfilter/targets';
import type { Problems } from './problems';
import { CallersByBlock } from './callersByBlock';
import { JumpRecord, RecordedCallers } from './recordedCallers';
import { OnDemandRuleLine, ruleJSON, chainJumpOf, chainOperandOf, goesTo, targetNameOf } from './onDemand';

/** What declared a chain: its `:NAME` line, or the name token of `-N NAME` and its line. */
type Declaration = ChainLine | { readonly span: Span; readonly line: number };

/**
 * Chain state while a block is being applied. At the end of the block the states become the model's
 * chains as they are (a node dump declares 120,000 chains; copying them cost 12 MB). The declaration
 * span, line and counters are read from the declaring line when asked: three objects per chain that
 * no feature reads until the user looks at that chain (5 MB at 150,000 lines).
 */
class ChainState implements ChainModel {
  policy: BuiltinPolicy | undefined;
  policySpan: Span | undefined = undefined;
  declaredBy: Declaration | undefined;
  /**
   * The rule list once made. Until a feature asks for it, a chain whose rules all came in one run of
   * `-A` lines keeps them as `count` rules at `first` in the builder's list of every rule (`source`):
   * a node dump has 40,000 chains of two or three rules, and a list each was 2.8 MB at 150,000 lines
   * that the open never reads.
   */
  private list: Rule[] | undefined = undefined;
  private source: readonly Rule[] | undefined = undefined;
  private first = 0;
  private count = 0;

  /** `ordinal`: the chain is the block's ordinal-th (its place in the block's order when created). */
  constructor(
    readonly table: string,
    public name: string,
    readonly builtin: boolean,
    readonly ordinal: number,
    declaredBy?: Declaration,
  ) {
    this.policy = builtin ? 'ACCEPT' : undefined;
    this.declaredBy = declaredBy;
  }

  get rules(): Rule[] {
    return (this.list ??= this.source ? this.source.slice(this.first, this.first + this.count) : []);
  }
  set rules(rules: Rule[]) {
    this.list = rules;
    this.source = undefined;
  }

  /** Appends the `count` rules at `first` in `source`, a list that keeps them there. */
  appendRun(source: readonly Rule[], first: number, count: number): void {
    if (this.list === undefined && this.source === undefined) {
      this.source = source;
      this.first = first;
      this.count = count;
      return;
    }
    // A list of exactly its length: pushing would leave room for 17 (a node dump written service by
    // service appends to each service's chain in three runs).
    this.rules = this.rules.concat(source.slice(first, first + count));
  }

  get counters(): Counters | undefined {
    const by = this.declaredBy;
    return by && 'kind' in by ? by.counters : undefined;
  }
  get declarationSpan(): Span | undefined {
    const by = this.declaredBy;
    return by === undefined ? undefined : 'kind' in by ? by.nameSpan : by.span;
  }
  get declarationLine(): number | undefined {
    return this.declaredBy?.line;
  }

  /**
   * The ChainModel fields, as a plain model would serialise (tests compare parses so); a kept line
   * in the rules serialises as its rule.
   */
  toJSON(): unknown {
    const { table, name, builtin, policy, policySpan, counters, declarationSpan, declarationLine } = this;
    const rules = this.rules.map(ruleJSON);
    return { table, name, builtin, policy, policySpan, counters, declarationSpan, declarationLine, rules };
  }
}

const MISFITS_IPV4 = 1;
const MISFITS_IPV6 = 2;

/** Block.mayMisfit's bits for one rule: a kept line tells from its traits, a rule read in full may misfit either. */
function misfitBits(rule: Rule): number {
  if (!(rule instanceof OnDemandRuleLine)) return MISFITS_IPV4 | MISFITS_IPV6;
  return (rule.mayMisfitFamily(4) ? MISFITS_IPV4 : 0) | (rule.mayMisfitFamily(6) ? MISFITS_IPV6 : 0);
}

/** Whether a map iterates its keys in exactly the given order. */
function keysInOrder(map: ReadonlyMap<string, unknown>, order: readonly string[]): boolean {
  if (map.size !== order.length) return false;
  let i = 0;
  for (const key of map.keys()) if (key !== order[i++]) return false;
  return true;
}

/** The standard verdicts: a user chain may not carry one of these names (nft: "chain name may not clash with target name"). */
const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** Chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN − 1). */
export const MAX_CHAIN_NAME_LENGTH = 28;

/** The per-rule passes yield when `visited & yieldEveryRules` is 0, i.e. every 4,096 rules. */
const yieldEveryRules = 4095;

/** One table block under construction. */
interface Block {
  readonly tableLine: TableLine;
  readonly index: number;
  readonly headerFamily: 'ipv4' | 'ipv6' | undefined;
  readonly chains: Map<string, ChainState>;
  readonly order: string[];
  /** Chains renamed in this block: new name → the rename line's token, for the nft rename-then-use warning. */
  readonly renamed: Map<string, Token>;
  /**
   * Renames of chains this block creates, by new name. nft fails such a rename at commit; when the new
   * name is used later in the block, nft reports that use instead, so the rename is reported only if unused.
   */
  readonly renamesOfNewChains: Map<string, { readonly report: () => void; used: boolean }>;
  commitLine?: number;
  /** The block's model, made at its start so jump edges can point to it; completed at its end. */
  readonly table: Mutable<TableModel>;
  /**
   * The jumps, recorded as `-A` lines arrive, while the block only appends rules to declared chains
   * and jumps to declared user chains (every iptables-save dump does). Then the edges are final in
   * line order and the pass over every rule at the block's end is not needed (it took 0.4 s on a
   * 450,000-line dump). Dropped at the first command that could change them or a jump the
   * end-of-block pass has to judge; that pass then builds the edges, as before.
   */
  jumpsSoFar: JumpRecord | undefined;
  /**
   * The chain the last `-A` appended to, and where the rules of that run of `-A` lines start in the
   * builder's list of every rule (see RulesetBuilder.endRun).
   */
  appendingTo: ChainState | undefined;
  runStart: number;
  /**
   * Which blocks the family check could report anything in, as far as the rules so far tell: bit
   * MISFITS_IPV4 for an IPv4 block, MISFITS_IPV6 for an IPv6 one (see OnDemandRuleLine.mayMisfitFamily;
   * a rule read in full sets both). Without the block's bit the check's pass over every rule is skipped.
   */
  mayMisfit: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Verbs after which the edges recorded so far may be wrong: they move, drop or rename rules and chains. */
const VERBS_THAT_CHANGE_EDGES: ReadonlySet<string> = new Set([
  'insert',
  'replace',
  'delete',
  'flush',
  'delete-chain',
  'rename-chain',
]);

/** The rule number a command's first operand gives, if it is one. */
function ruleNumberOf(node: CommandLine): number | undefined {
  const t = node.operands[0];
  return t && /^[0-9]+$/.test(t.text) ? Number(t.text) : undefined;
}

/**
 * Applies the commands of each table block in order, the way a restore of the file would change
 * the kernel's tables: builtin chains exist from the start, `:X -` and `-N` declare, `:INPUT DROP`
 * and `-P` set policies, -A/-I/-D/-R/-F/-X/-E/-Z edit rule lists. Problems that depend on the whole
 * block (undefined jump targets, family mismatches) are reported when the block ends.
 */
export class RulesetBuilder {
  private readonly tables: TableModel[] = [];
  /** Every rule so far, in document order: the first `ruleCount` entries (see expectLines). */
  private allRules: Rule[] = [];
  private ruleCount = 0;
  private readonly callers = new CallersByBlock();
  private block: Block | undefined;
  /** Tables whose block ended but whose per-rule passes (targets, family) have not run yet. */
  private readonly unfinished: TableModel[] = [];
  /** The written specification of every rule, for -D by specification. */
  private readonly ruleSources = new Map<Rule, CommandLine>();
  /** Ended blocks in which the family check certainly finds nothing (see Block.mayMisfit). */
  private readonly familyChecked = new Set<TableModel>();
  /** Ended blocks whose jump edges were all recorded as their lines arrived (see Block.jumpsSoFar). */
  private readonly finalEdges = new Map<TableModel, RecordedCallers>();

  constructor(private readonly problems: Problems) {}

  /**
   * Makes room for the rules of a document of `lines` lines at once (it has at most one per line):
   * growing the list by pushing copies it at every step into freshly touched memory.
   */
  expectLines(lines: number): void {
    if (this.ruleCount === 0) this.allRules = new Array<Rule>(lines);
  }

  /** Starts a table block. `headerFamily` comes from a preceding `# Generated by ip6tables-save` line. */
  beginTable(tableLine: TableLine, headerFamily: 'ipv4' | 'ipv6' | undefined): void {
    const chains = new Map<string, ChainState>();
    const order: string[] = [];
    for (const hook of findTable(tableLine.name)?.chains ?? []) {
      chains.set(hook, new ChainState(tableLine.name, hook, true, order.length));
      order.push(hook);
    }
    const index = this.tables.length;
    this.block = {
      tableLine,
      index,
      headerFamily,
      chains,
      order,
      renamed: new Map(),
      renamesOfNewChains: new Map(),
      // Every TableModel field, in the model's order; the end of the block fills in the rest.
      table: {
        name: tableLine.name,
        index,
        family: 'ipv4',
        line: tableLine.line,
        nameSpan: tableLine.nameSpan,
        commitLine: undefined,
        endLine: tableLine.line,
        chains,
        chainOrder: order,
      },
      jumpsSoFar: new JumpRecord(),
      appendingTo: undefined,
      runStart: 0,
      mayMisfit: 0,
    };
  }

  get inTable(): boolean {
    return this.block !== undefined;
  }

  /** The name string of the open block's chain called `name`, if it has one. */
  declaredName(name: string): string | undefined {
    return this.block?.chains.get(name)?.name;
  }

  get currentTable(): string | undefined {
    return this.block?.tableLine.name;
  }

  /** `:NAME POLICY [p:b]` */
  declareChain(node: ChainLine): void {
    const block = this.block;
    if (!block) return;
    const existing = block.chains.get(node.name);
    const policy = node.policy;
    if (existing?.builtin) {
      if (policy === 'ACCEPT' || policy === 'DROP') {
        existing.policy = policy;
        existing.policySpan = node.policySpan;
      }
      existing.declaredBy = node;
      return;
    }
    if ((policy === 'ACCEPT' || policy === 'DROP') && findTable(block.tableLine.name) !== undefined) {
      this.problems.add(
        'syntax.policy-on-user-chain',
        node.policySpan ?? node.nameSpan,
        `Can't set policy \`${policy}' on \`${node.name}': only builtin chains have a policy. iptables-legacy-restore fails with "Bad built-in chain name"; iptables-nft-restore silently creates a plain user chain. Write \`:${node.name} -'.`,
        {
          fixes: node.policySpan
            ? [
                {
                  title: "Replace the policy with '-'",
                  edits: [{ range: spanToRange(node.policySpan), newText: '-' }],
                  isPreferred: true,
                },
              ]
            : [],
        },
      );
    }
    if (existing) {
      this.problems.add(
        'syntax.duplicate-chain',
        node.nameSpan,
        `Chain \`${node.name}' is declared twice in this block. iptables-legacy-restore fails ("File exists"); iptables-nft-restore accepts it.`,
        {
          related: existing.declarationSpan
            ? [{ span: existing.declarationSpan, message: 'first declared here' }]
            : [],
        },
      );
      return;
    }
    this.addUserChain(block, node.name, node);
  }

  private addUserChain(block: Block, name: string, declaredBy: Declaration): ChainState {
    const chain = new ChainState(block.tableLine.name, name, false, block.order.length, declaredBy);
    block.chains.set(name, chain);
    block.order.push(name);
    return chain;
  }

  /**
   * Applies one command line of the current block. `kept` is the node the syntax tree keeps for the
   * line when it is not `node` itself (an on-demand handle): the model then holds its rule.
   */
  command(node: CommandLine, kept: CommandLine = node): void {
    const block = this.block;
    if (!block || !node.verb) return;
    if (node.verb !== 'append') this.endRun(block);
    const rule = kept.rule;
    if (rule) {
      this.allRules[this.ruleCount++] = rule;
      block.mayMisfit |= misfitBits(rule);
      // An on-demand rule knows its own line; a Map entry per rule of a 150,000-line dump costs more.
      if (node.verb !== 'delete' && node.verb !== 'check' && !(rule instanceof OnDemandRuleLine))
        this.ruleSources.set(rule, kept);
    }
    // An on-demand handle gives its chain and jump from what it kept, without reading its line again.
    const name = node instanceof OnDemandRuleLine ? node.chain : node.chainToken?.text;
    if (block.renamed.size > 0) {
      if (name !== undefined) this.noteRenamedUse(block, chainOperandOf(node)!);
      const jump = kept.rule && targetNameOf(kept.rule);
      if (jump?.isChain) this.noteRenamedUse(block, { text: jump.name, span: jump.span });
    }
    // The other verbs' lines are never handles (only -A lines are kept), so their token costs nothing.
    const chainToken = node instanceof OnDemandRuleLine ? undefined : node.chainToken;
    const chain = name === undefined ? undefined : block.chains.get(name);
    if (VERBS_THAT_CHANGE_EDGES.has(node.verb)) block.jumpsSoFar = undefined;
    switch (node.verb) {
      case 'append': {
        const c = this.needChain(block, node, name, chain);
        if (!rule) return;
        const target = c ?? this.orphanChain(block, name!);
        if (target !== block.appendingTo) {
          // This rule is in the list of every rule already, and starts the next run.
          this.endRun(block, this.ruleCount - 1);
          block.appendingTo = target;
          block.runStart = this.ruleCount - 1;
        }
        if (block.jumpsSoFar) this.recordEdge(block, c, rule);
        return;
      }
      case 'insert': {
        const c = this.needChain(block, node, name, chain);
        if (!rule) return;
        const target = c ?? this.orphanChain(block, name!);
        const at = (ruleNumberOf(node) ?? 1) - 1;
        if (at > target.rules.length) {
          this.problems.add(
            'syntax.rule-not-found',
            node.operands[0]!.span,
            `Index of insertion too big: chain ${name} has ${target.rules.length} rules at this point.`,
          );
          target.rules.push(rule);
        } else target.rules.splice(at, 0, rule);
        return;
      }
      case 'replace': {
        const c = this.needChain(block, node, name, chain);
        const n = ruleNumberOf(node);
        if (!c || !rule || n === undefined) return;
        if (n > c.rules.length) {
          this.problems.add(
            'syntax.rule-not-found',
            node.operands[0]!.span,
            `Index of replacement too big: chain ${name} has ${c.rules.length} rules at this point.`,
          );
          return;
        }
        c.rules[n - 1] = rule;
        return;
      }
      case 'delete': {
        const c = this.needChain(block, node, name, chain);
        if (!c) return;
        const n = ruleNumberOf(node);
        if (node.operands.length > 0) {
          if (n === undefined) return;
          if (n > c.rules.length) {
            this.problems.add(
              'syntax.rule-not-found',
              node.operands[0]!.span,
              `Index of deletion too big: chain ${name} has ${c.rules.length} rules at this point.`,
            );
            return;
          }
          c.rules.splice(n - 1, 1);
          return;
        }
        if (!node.rule) return;
        const key = ruleKey(node.rule, node);
        // Keys are computed only here: -D by specification is rare, and files can hold 10⁵ rules.
        const at = c.rules.findIndex((r) => {
          const source = r instanceof OnDemandRuleLine ? r : this.ruleSources.get(r);
          return source !== undefined && ruleKey(r, source) === key;
        });
        if (at < 0) {
          this.problems.add(
            'syntax.rule-not-found',
            node.verbToken?.span ?? node.span,
            `Bad rule (does a matching rule exist in that chain?): no earlier rule of ${name} in this block is written exactly like this one.`,
          );
          return;
        }
        c.rules.splice(at, 1);
        return;
      }
      case 'check':
        this.needChain(block, node, name, chain);
        return;
      case 'new-chain': {
        if (!chainToken) return;
        if (!this.checkNewChainName(chainToken)) return;
        if (chain) {
          this.problems.add(
            'syntax.duplicate-chain',
            chainToken.span,
            `Chain already exists: \`${name}' was declared before; iptables-restore fails on this line.`,
            {
              severity: 'error',
              related: chain.declarationSpan
                ? [{ span: chain.declarationSpan, message: 'declared here' }]
                : [],
            },
          );
          return;
        }
        this.addUserChain(block, name!, { span: chainToken.span, line: node.line });
        return;
      }
      case 'flush':
        if (chainToken) {
          const c = this.needChain(block, node, name, chain);
          if (c) c.rules = [];
        } else for (const c of block.chains.values()) c.rules = [];
        return;
      case 'delete-chain':
        this.deleteChains(block, chainToken);
        return;
      case 'policy': {
        const c = this.needChain(block, node, name, chain);
        const policyToken = node.operands[0];
        if (!c || !policyToken) return;
        if (!c.builtin) {
          this.problems.add(
            'syntax.policy-on-user-chain',
            chainToken!.span,
            `Bad built-in chain name: -P works only on builtin chains, and \`${name}' is a user-defined chain.`,
            { severity: 'error' },
          );
          return;
        }
        if (policyToken.text !== 'ACCEPT' && policyToken.text !== 'DROP') {
          this.problems.add(
            'syntax.bad-policy',
            policyToken.span,
            `Bad policy name \`${policyToken.text}': a policy is ACCEPT or DROP.`,
          );
          return;
        }
        c.policy = policyToken.text;
        c.policySpan = policyToken.span;
        return;
      }
      case 'rename-chain': {
        const c = this.needChain(block, node, name, chain);
        const newName = node.operands[0];
        if (!c || !newName) return;
        if (c.builtin) {
          this.problems.add(
            'syntax.builtin-chain-operation',
            chainToken!.span,
            `Builtin chain \`${name}' cannot be renamed.`,
          );
          return;
        }
        if (!this.checkNewChainName(newName)) return;
        if (block.chains.has(newName.text)) {
          this.problems.add(
            'syntax.duplicate-chain',
            newName.span,
            `Chain \`${newName.text}' already exists.`,
            { severity: 'error' },
          );
          return;
        }
        if (c.declarationSpan) {
          // Observed with iptables-nft-restore 1.8.9: renaming a chain created in the same
          // transaction fails at commit ("CHAIN_RENAME failed (No such file or directory)").
          const declarationSpan = c.declarationSpan;
          const renameSpan = chainToken!.span;
          block.renamesOfNewChains.set(newName.text, {
            used: false,
            report: () =>
              this.problems.add(
                'syntax.rename-new-chain',
                renameSpan,
                `iptables-nft-restore cannot rename \`${name}', which this block creates: the commit fails with "CHAIN_RENAME failed (No such file or directory)". iptables-legacy-restore accepts it. Declare the chain as \`${newName.text}' instead.`,
                { related: [{ span: declarationSpan, message: 'created here' }] },
              ),
          });
        }
        block.chains.delete(c.name);
        c.name = newName.text;
        block.chains.set(c.name, c);
        const at = block.order.indexOf(name!);
        if (at >= 0) block.order[at] = c.name;
        block.renamed.set(c.name, newName);
        return;
      }
      case 'zero':
      case 'list':
      case 'list-rules':
        if (chainToken) this.needChain(block, node, name, chain);
        return;
    }
  }

  /**
   * The chain a command names, which must exist (`chain`, looked up already), or a problem on the
   * chain operand when it does not.
   */
  private needChain(
    block: Block,
    node: CommandLine,
    name: string | undefined,
    chain: ChainState | undefined,
  ): ChainState | undefined {
    if (name === undefined) return undefined;
    if (chain) return chain;
    this.problems.add(
      'syntax.undeclared-chain',
      chainOperandOf(node)!.span,
      `Chain \`${name}' does not exist in table ${block.tableLine.name}: declare it first with \`:${name} - [0:0]' or \`-N ${name}'. (iptables-restore: "No chain/target/match by that name")`,
    );
    return undefined;
  }

  /**
   * Gives the chain of the run of `-A` lines that just ended its rules: the run's rules are
   * consecutive in the list of every rule, so the chain keeps where they are (ChainState.appendRun)
   * instead of growing a list of its own by pushing, which left room for 17 in each of a node dump's
   * 40,000 short lists. Every command but -A reads or changes rule lists, so the run ends before it,
   * and at the end of the block. The run's rules end before `end` in the list of every rule.
   */
  private endRun(block: Block, end = this.ruleCount): void {
    const chain = block.appendingTo;
    block.appendingTo = undefined;
    const count = end - block.runStart;
    if (chain && count > 0) chain.appendRun(this.allRules, block.runStart, count);
  }

  /** Records the jump edge of a rule just appended to `chain`, or gives up recording for the block. */
  private recordEdge(block: Block, chain: ChainState | undefined, rule: Rule): void {
    const name = chainJumpOf(rule);
    if (name === undefined) return;
    const to = block.chains.get(name);
    if (!chain || !to || to.builtin) {
      // An undeclared chain, or a jump the end-of-block pass reports: it builds all edges then.
      block.jumpsSoFar = undefined;
      return;
    }
    block.jumpsSoFar!.add(rule, to);
  }

  /** nft fails a rename followed by a use of the new name in the same transaction; legacy accepts it. */
  private noteRenamedUse(block: Block, token: { readonly text: string; readonly span: Span }): void {
    const renameToken = block.renamed.get(token.text);
    if (!renameToken || renameToken === token) return;
    const pending = block.renamesOfNewChains.get(token.text);
    if (pending) pending.used = true;
    this.problems.add(
      'syntax.rename-then-use',
      token.span,
      `Chain \`${token.text}' was renamed earlier in this block. iptables-nft-restore fails on its use in the same transaction ("No chain/target/match by that name"); iptables-legacy-restore accepts it. Declare the chain under its final name instead.`,
      { related: [{ span: renameToken.span, message: 'renamed here' }] },
    );
  }

  /** -N / -E name rules: length and clashes with the standard verdicts. */
  private checkNewChainName(token: Token): boolean {
    return checkChainName(token.text, token.span, this.problems);
  }

  /** A chain for rules whose chain was never declared, so they stay visible to later checks. */
  private orphanChain(block: Block, name: string): ChainState {
    const existing = block.chains.get(name);
    if (existing) return existing;
    const chain = new ChainState(block.tableLine.name, name, false, block.order.length);
    block.chains.set(name, chain);
    block.order.push(name);
    return chain;
  }

  private deleteChains(block: Block, token: Token | undefined): void {
    const referenced = (name: string): boolean => {
      for (const c of block.chains.values())
        for (const r of c.rules) if (r.target?.name === name && r.target.kind === 'chain') return true;
      return false;
    };
    if (!token) {
      for (const c of [...block.chains.values()]) {
        if (!c.builtin && !referenced(c.name)) {
          block.chains.delete(c.name);
          block.order.splice(block.order.indexOf(c.name), 1);
        }
      }
      return;
    }
    const c = block.chains.get(token.text);
    if (!c) {
      this.problems.add(
        'syntax.undeclared-chain',
        token.span,
        `Chain \`${token.text}' does not exist in table ${block.tableLine.name}.`,
      );
      return;
    }
    if (c.builtin) {
      this.problems.add(
        'syntax.builtin-chain-operation',
        token.span,
        `Builtin chain \`${token.text}' cannot be deleted. iptables-legacy-restore fails on this line; iptables-nft-restore ignores it.`,
        { severity: 'warning' },
      );
      return;
    }
    if (c.rules.length > 0 || referenced(c.name)) {
      this.problems.add(
        'syntax.chain-in-use',
        token.span,
        `Chain \`${token.text}' cannot be deleted: ${c.rules.length > 0 ? 'it still has rules (flush it first)' : 'rules still jump to it'}.`,
      );
      return;
    }
    block.chains.delete(c.name);
    block.order.splice(block.order.indexOf(c.name), 1);
  }

  commit(line: number): void {
    if (this.block) this.block.commitLine = line;
  }

  /** Ends the current block (at COMMIT, at a nested `*table`, or at the end of the text). */
  endTable(endLine: number): void {
    const block = this.block;
    if (!block) return;
    this.block = undefined;
    this.endRun(block);
    for (const rename of block.renamesOfNewChains.values()) if (!rename.used) rename.report();
    const family = this.blockFamily(block);
    // A rename moves its chain to the end of the map but keeps its place in the order.
    const chains = keysInOrder(block.chains, block.order)
      ? block.chains
      : new Map(block.order.map((name) => [name, block.chains.get(name)!]));
    const table = block.table;
    table.family = family;
    table.commitLine = block.commitLine;
    table.endLine = endLine;
    table.chains = chains;
    if (block.jumpsSoFar)
      this.finalEdges.set(table, new RecordedCallers(table, block.jumpsSoFar, block.chains, block.order));
    this.tables.push(table);
    this.unfinished.push(table);
    if ((block.mayMisfit & (family === 'ipv6' ? MISFITS_IPV6 : MISFITS_IPV4)) === 0)
      this.familyChecked.add(table);
  }

  /**
   * Runs the per-rule passes of every ended block (jump targets, address families). A generator that
   * yields every few thousand rules, so a caller that parses in slices (the language server, to stay
   * responsive on a 450,000-line dump) can pause between them; `finish()` drains it otherwise.
   */
  *finishTables(): Generator<void, void, void> {
    let table: TableModel | undefined;
    while ((table = this.unfinished.shift())) {
      yield* this.resolveTargets(table);
      yield* this.checkFamily(table);
    }
  }

  /** Family of a block: the save header says so, else the first address or ICMPv6 use decides. */
  private blockFamily(block: Block): 'ipv4' | 'ipv6' {
    return block.headerFamily ?? familyOfRules(block.chains.values());
  }

  /**
   * The jump graph of a block, and jumps to names no chain of the block declares: unknown targets
   * (kept, never dropped) and an error. Edges are grouped by target name first and keyed once per
   * target: a node dump has 110,000 jumps into 40,000 chains.
   */
  private *resolveTargets(table: TableModel): Generator<void, void, void> {
    const recorded = this.finalEdges.get(table);
    if (recorded) {
      this.finalEdges.delete(table);
      yield* recorded.prepare();
      // Appended in line order, to declared user chains only: nothing to sort, nothing to report.
      this.callers.setBlock(table.index, recorded);
      return;
    }
    let visited = 0;
    const byTarget = new Map<string, JumpEdge[]>();
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        if ((++visited & yieldEveryRules) === 0) yield;
        const name = chainJumpOf(rule);
        if (name === undefined) continue;
        const to = table.chains.get(name);
        if (to && !to.builtin) {
          const edge = { table, from: chain.name, to: name, goto: goesTo(rule), rule };
          const list = byTarget.get(name);
          if (list) list.push(edge);
          else byTarget.set(name, [edge]);
          continue;
        }
        const target = rule.target!;
        this.problems.add(
          'syntax.undefined-target',
          target.nameToken.span,
          to
            ? `\`${target.name}' is a builtin chain; rules can only jump to user-defined chains.`
            : `No chain or target named \`${target.name}' in table ${table.name}: declare \`:${target.name} - [0:0]' or fix the name. (iptables-legacy-restore: "Couldn't load target \`${target.name}'"; nft: "Chain '${target.name}' does not exist")`,
        );
        // The model keeps the rule; its target becomes the explicit unknown case.
        (rule as { target?: Target }).target = { ...target, kind: 'unknown' };
      }
    }
    // Callers in document order: the chains were walked in declaration order, not line by line.
    for (const edges of byTarget.values()) {
      if (edges.length > 1) edges.sort((a, b) => a.rule.line - b.rule.line);
    }
    this.callers.setBlock(table.index, byTarget);
  }

  /** Addresses of the other family, and -f in an IPv6 block. */
  private *checkFamily(table: TableModel): Generator<void, void, void> {
    // No rule of the block could misfit its family: no pass over its rules (nor making their lists).
    if (this.familyChecked.delete(table)) return;
    const want = table.family === 'ipv6' ? 6 : 4;
    let visited = 0;
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        if ((++visited & yieldEveryRules) === 0) yield;
        if (rule instanceof OnDemandRuleLine && !rule.mayMisfitFamily(want)) continue;
        if (rule.familyOnly !== undefined && rule.familyOnly !== want) continue;
        for (const list of [rule.source, rule.destination]) {
          for (const a of list?.value ?? []) {
            if (a.hostname === undefined && a.family !== want) {
              this.problems.add(
                'syntax.family-mismatch',
                a.span,
                `\`${a.text}' is an IPv${a.family} address in an IPv${want} table block (${want === 6 ? 'ip6tables' : 'iptables'}-restore rejects it: host/network not found).`,
              );
            }
          }
        }
        const target = rule.target;
        if (target?.kind === 'REJECT' && target.rejectWith !== undefined) {
          const own = want === 6 ? rejectTypesV6 : rejectTypesV4;
          const written = target.options.find((o) => o.name === 'reject-with')?.args[0];
          if (written && own[written.text] === undefined) {
            this.problems.add(
              'syntax.bad-value',
              written.span,
              `unknown reject type "${written.text}": it is an IPv${want === 6 ? 4 : 6} type, and this is an IPv${want} table block.`,
            );
          }
        }
        if (want === 6 && rule.fragment) {
          this.problems.add(
            'syntax.fragment-in-ipv6',
            rule.fragment.option.span,
            "`-f' is not supported in IPv6, use -m frag instead.",
          );
        }
      }
    }
  }

  /** The finished ruleset, with line lookups by binary search over its line-ordered tables and rules. */
  finish(): Ruleset {
    for (const _ of this.finishTables()) {
      // Drained synchronously: callers that slice the work have run finishTables() themselves.
    }
    this.allRules.length = this.ruleCount;
    const tables = this.tables;
    // The rules are in line order: a search, where an array indexed by line was 1.2 MB at 150,000 lines.
    const rules = this.allRules;
    return {
      tables,
      rules,
      callers: this.callers,
      tableAt(line: number): TableModel | undefined {
        const t = tables[lastAtOrBefore(tables, line, lineOfTable)];
        return t && line <= t.endLine ? t : undefined;
      },
      ruleAt(line: number): Rule | undefined {
        const r = rules[lastAtOrBefore(rules, line, lineOfRule)];
        return r?.line === line ? r : undefined;
      },
    };
  }
}

const lineOfTable = (table: TableModel): number => table.line;
const lineOfRule = (rule: Rule): number => rule.line;

/** The index of the last of `items` (in line order) whose line is at most `line`; -1 if none is. */
function lastAtOrBefore<T>(items: readonly T[], line: number, lineOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(items[mid]!) <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The family of a block without a save header: its first literal address decides, or any ICMPv6 use
 * or IPv6-only option; IPv4 otherwise. Shared with the incremental re-parse, which must infer the same.
 */
export function familyOfRules(chains: Iterable<{ readonly rules: readonly Rule[] }>): 'ipv4' | 'ipv6' {
  for (const c of chains) {
    for (const r of c.rules) {
      const a = r.source?.value[0] ?? r.destination?.value[0];
      if (a && a.hostname === undefined) return a.family === 6 ? 'ipv6' : 'ipv4';
      if (r.protocol?.value === 'ipv6-icmp' || r.matches.some((m) => m.module === 'icmp6')) return 'ipv6';
      if (r.familyOnly === 6) return 'ipv6';
    }
  }
  return 'ipv4';
}

/** What is wrong with a chain name, if anything (see {@link checkChainName}). */
export interface ChainNameFault {
  readonly code: 'syntax.chain-name-too-long' | 'syntax.bad-chain-name';
  readonly message: string;
}

/**
 * Chain-name rules shared by `:` lines, -N and -E: at most 28 characters, not a standard verdict, not
 * starting with `-` or `!`. Undefined for a good name, without making its span (a node dump
 * declares 40,000 chains per 150,000 lines).
 */
export function chainNameFault(name: string): ChainNameFault | undefined {
  if (name.length > MAX_CHAIN_NAME_LENGTH) {
    return {
      code: 'syntax.chain-name-too-long',
      message: `Invalid chain name \`${name}' (${MAX_CHAIN_NAME_LENGTH} chars max; this one has ${name.length}).`,
    };
  }
  if (STANDARD_TARGETS.has(name)) {
    return {
      code: 'syntax.bad-chain-name',
      message: `chain name may not clash with target name: \`${name}' is a builtin verdict.`,
    };
  }
  if (name.startsWith('-') || name.startsWith('!'))
    return { code: 'syntax.bad-chain-name', message: `chain name not allowed to start with \`${name[0]}'` };
  return undefined;
}

/** Reports what {@link chainNameFault} finds at `span`; true for a good name. */
export function checkChainName(name: string, span: Span, problems: Problems): boolean {
  const fault = chainNameFault(name);
  if (fault) problems.add(fault.code, span, fault.message);
  return fault === undefined;
}

/** A comparable text of a rule specification: the argv after the command and chain, as written. */
function ruleKey(_rule: Rule, node: CommandLine): string {
  const skip = new Set<Token>([node.verbToken!, node.chainToken!].filter(Boolean));
  return node.tokens
    .filter((t) => !skip.has(t))
    .map((t) => t.text)
    .join('\u0000');
}
