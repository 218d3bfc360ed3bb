import type { CommandLine } from '../../../model/syntax';
import type { Rule } from '../../../model/rule';
import type { JumpEdge, Ruleset, TableModel } from '../../../model/ruleset';
import type { Hook, TableName } from '../../../netfilter/spec';
import type { ParsedDocument } from '../../../parser/parseDocument';
import { hooksReaching, pathFrom, reachOf } from './reachability';

/** Where a match, target or option may be used, as the knowledge base states it. */
export interface Placement {
  readonly tables?: readonly TableName[];
  readonly hooks?: readonly Hook[];
}

/** The first hook that reaches a rule although the restriction excludes it, with a witness path. */
export interface HookViolation {
  readonly hook: Hook;
  readonly path: readonly JumpEdge[];
  /** Every hook that reaches the rule's chain (for the message). */
  readonly reaching: readonly Hook[];
}

/** Whether a table name is allowed by a placement (no table list = any table). */
export function tableAllowed(placement: Placement, table: string): boolean {
  return placement.tables === undefined || (placement.tables as readonly string[]).includes(table);
}

/**
 * The first builtin chain that reaches `chain` in `table` but is not among the allowed hooks.
 * Undefined when the placement has no hook list, the chain is unreachable (the kernel does not
 * validate it) or every reaching hook is allowed.
 */
export function hookViolation(
  table: TableModel,
  chain: string,
  placement: Placement,
): HookViolation | undefined {
  const allowed = placement.hooks;
  if (allowed === undefined) {
    return undefined;
  }
  const reach = reachOf(table);
  const reaching = hooksReaching(reach, chain);
  const bad = reaching.find((h) => !allowed.includes(h));
  return bad === undefined ? undefined : { hook: bad, path: pathFrom(reach, bad, chain), reaching };
}

/** `nat PREROUTING and OUTPUT`, `the nat table`, `PREROUTING` … for messages. */
export function describePlacement(placement: Placement): string {
  const tables = placement.tables ? placement.tables.join('/') : '';
  const hooks = placement.hooks ? joinWords(placement.hooks) : '';
  if (tables && hooks) {
    return `${tables} ${hooks}`;
  }
  if (tables) {
    return `the ${tables} table`;
  }
  return hooks;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Every effective rule of every table block, with its table (what a commit hands the kernel). */
export function* effectiveRules(ruleset: Ruleset): Generator<{ table: TableModel; rule: Rule }> {
  for (const table of ruleset.tables) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        yield { table, rule };
      }
    }
  }
}

/**
 * Every command line that hands a rule to the backend (-A, -I, -R), with its table block. nft
 * validates each rule as it is added, so a table restriction fails even for a rule a later -D
 * removes; iptables' own placement checks run on every command that carries a rule (-D included).
 */
export function* commandRules(
  doc: ParsedDocument,
  verbs: ReadonlySet<string>,
): Generator<{ table: TableModel | undefined; command: CommandLine; rule: Rule }> {
  for (const line of doc.tree.lines) {
    if (
      line.kind === 'command' &&
      line.rule !== undefined &&
      line.verb !== undefined &&
      verbs.has(line.verb)
    ) {
      yield { table: doc.ruleset.tableAt(line.line), command: line, rule: line.rule };
    }
  }
}

/** A rule whose hooks are validated, with its table block. */
export interface PlacedRule {
  readonly table: TableModel;
  readonly rule: Rule;
  /**
   * The rule was added straight to a builtin chain and a later command (-D, -R, -F) removed it, so
   * the commit never sees it. nf_tables validates a base-chain rule when it is added, so
   * iptables-nft still refuses a misplaced one; iptables-legacy only commits the final rule set.
   * (Rules of user chains are validated at commit on both backends: observed in a netns.)
   */
  readonly removed: boolean;
}

const placedCache = new WeakMap<ParsedDocument, readonly PlacedRule[]>();

/**
 * The rules whose hooks are validated: the effective rule set, then removed builtin-chain rules.
 * Computed once per document and shared by the placement checks.
 */
export function rulesToPlace(doc: ParsedDocument): readonly PlacedRule[] {
  const cached = placedCache.get(doc);
  if (cached !== undefined) {
    return cached;
  }
  const out: PlacedRule[] = [];
  const effective = new Set<Rule>();
  for (const { table, rule } of effectiveRules(doc.ruleset)) {
    out.push({ table, rule, removed: false });
    effective.add(rule);
  }
  for (const { table, rule } of commandRules(doc, addingVerbs)) {
    if (table !== undefined && !effective.has(rule) && table.chains.get(rule.chain)?.builtin === true) {
      out.push({ table, rule, removed: true });
    }
  }
  placedCache.set(doc, out);
  return out;
}

/** Appended to a hook message when the rule is removed before the commit. */
export const removedRuleNote =
  ' A later command removes this rule, but iptables-nft validates a builtin-chain rule as soon as it is added and still refuses it (iptables-legacy accepts the file).';

const restrictedCache = new WeakMap<object, boolean>();

/**
 * Whether a match module or target restricts where it may be used at all (tables, hooks, or an
 * option with hooks). Most rules use only unrestricted ones (tcp, mark, ACCEPT …), so the
 * placement checks skip those without further work.
 */
export function hasPlacementRules(spec: {
  readonly tables?: readonly string[];
  readonly hooks?: readonly string[];
  readonly options: readonly { readonly hooks?: readonly string[]; readonly valueHooks?: object }[];
}): boolean {
  let restricted = restrictedCache.get(spec);
  if (restricted === undefined) {
    restricted =
      spec.tables !== undefined ||
      spec.hooks !== undefined ||
      spec.options.some((o) => o.hooks !== undefined || o.valueHooks !== undefined);
    restrictedCache.set(spec, restricted);
  }
  return restricted;
}

/** Verbs whose rule nft adds to the kernel. */
export const addingVerbs: ReadonlySet<string> = new Set(['append', 'insert', 'replace']);
/** Verbs whose rule goes through iptables' command-line checks. */
export const ruleVerbs: ReadonlySet<string> = new Set(['append', 'insert', 'replace', 'delete', 'check']);
