import type { DocumentSymbol, Range } from 'vscode-languageserver-types';
import { SymbolKind } from 'vscode-languageserver-types';
import { runToEnd, type ParsedDocument } from '../parser/parseDocument';
import { reparseOrigin } from '../parser/incremental';
import type { ChainModel, TableModel } from '../model/ruleset';
import type { Rule } from '../model/rule';
import { spanToLspRange } from './convert';
import { ruleLabel } from './ruleLabel';
import { isIstioChainName } from '../istio/constants';

/**
 * The outline: tables → chains (with policy and rule count) → rules (named by target and key matches).
 * Ranges nest, which is what breadcrumbs need.
 */
export function getDocumentSymbols(doc: ParsedDocument, maxRules = maxRuleSymbols): DocumentSymbol[] {
  return runToEnd(prepareDocumentSymbols(doc, maxRules));
}

/**
 * Builds the outline of a parse unless it is cached, as a generator that yields every few thousand
 * chains: the language server runs it in slices, so the first outline of a 450,000-line dump (0.3 s)
 * does not hold the server. Run to its end, it leaves the outline in the cache.
 */
export function* prepareDocumentSymbols(
  doc: ParsedDocument,
  maxRules = maxRuleSymbols,
): Generator<void, DocumentSymbol[], void> {
  const cached = outlines.get(doc);
  if (cached && cached.maxRules === maxRules) return cached.outline;
  const withRules = doc.ruleset.rules.length <= maxRules;
  // Without rule children the outline is chains, their rule counts and line ranges. A keystroke's
  // re-parse changes none of them (it falls back to a full parse then) unless the edited line ends a
  // range, whose last column moves: the editor asks for the outline after every edit, and on a node
  // dump building it took 15–45 ms.
  const origin = withRules ? undefined : reparseOrigin(doc);
  const previous = origin && outlines.get(origin.previous);
  let outline: DocumentSymbol[];
  if (previous && previous.maxRules === maxRules && !endsARange(doc, origin.changedLines)) {
    outline = previous.outline;
  } else {
    outline = [];
    for (const table of doc.ruleset.tables) outline.push(yield* tableSymbol(doc, table, withRules));
  }
  outlines.set(doc, { maxRules, outline });
  return outline;
}

/** Whether a line ends a table's or a chain's range in the outline. */
function endsARange(doc: ParsedDocument, lines: ReadonlySet<number>): boolean {
  for (const line of lines) {
    const table = doc.ruleset.tableAt(line);
    if (!table) continue;
    if (Math.max(table.endLine, table.line) === line) return true;
    const rule = doc.ruleset.ruleAt(line);
    const chain = rule && table.chains.get(rule.chain);
    if (chain && lineRangeOf(chain).last === line) return true;
  }
  return false;
}

/** The outline per parse and rule limit; the LSP layer only serialises it. */
const outlines = new WeakMap<ParsedDocument, { maxRules: number; outline: DocumentSymbol[] }>();

/**
 * Above this many rules the outline lists tables and chains only: LSP has no ranged outline request, and
 * a whole-node kube-proxy dump (450,000 rules) would otherwise send a 100 MB outline on every edit.
 * Each chain still says how many rules it holds, and go-to-symbol still finds every chain.
 */
export const maxRuleSymbols = 20_000;

/**
 * At most this many user chains per table in the outline (builtin and Istio chains are always listed):
 * a kube-proxy dump declares 40,000+ chains, and an outline that size costs the editor more than it
 * helps. The table's detail says how many were left out; Go to Symbol in Workspace finds every chain.
 */
export const maxUserChainSymbols = 5_000;

/** A sliced outline build yields after this many chains (`n & yieldEveryChains` all ones). */
const yieldEveryChains = 2047;

function* tableSymbol(
  doc: ParsedDocument,
  table: TableModel,
  withRules: boolean,
): Generator<void, DocumentSymbol, void> {
  const chains: DocumentSymbol[] = [];
  let userChains = 0;
  let omitted = 0;
  let visited = 0;
  for (const name of table.chainOrder) {
    if ((++visited & yieldEveryChains) === 0) yield;
    const c = table.chains.get(name);
    if (!c || (c.declarationSpan === undefined && c.rules.length === 0)) continue;
    const alwaysListed = c.builtin || isIstioChainName(c.name);
    if (!alwaysListed && ++userChains > maxUserChainSymbols) {
      omitted++;
      continue;
    }
    chains.push(chainSymbol(doc, c, withRules));
  }
  const endLine = Math.max(table.endLine, table.line);
  const details = [
    ...(table.family === 'ipv6' ? ['ipv6'] : []),
    ...(omitted > 0 ? [`${omitted.toLocaleString('en-US')} more chains not listed`] : []),
  ];
  return {
    name: `*${table.name}`,
    detail: details.length > 0 ? details.join(' · ') : undefined,
    kind: SymbolKind.Namespace,
    range: {
      start: { line: table.line, character: 0 },
      end: { line: endLine, character: lineLength(doc, endLine) },
    },
    selectionRange: spanToLspRange(table.nameSpan),
    children: chains,
  };
}

function chainSymbol(doc: ParsedDocument, chain: ChainModel, withRules: boolean): DocumentSymbol {
  const rules = withRules ? chain.rules.map((rule, index) => ruleSymbol(rule, index)) : undefined;
  const { first, last } = lineRangeOf(chain);
  const selection = chain.declarationSpan ? spanToLspRange(chain.declarationSpan) : firstRuleRange(chain);
  const count = `${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`;
  return {
    name: chain.name,
    detail: chain.builtin ? `policy ${chain.policy ?? 'ACCEPT'} · ${count}` : count,
    kind: chain.builtin ? SymbolKind.Event : SymbolKind.Function,
    range: { start: { line: first, character: 0 }, end: { line: last, character: lineLength(doc, last) } },
    selectionRange: selection,
    children: rules,
  };
}

function ruleSymbol(rule: Rule, index: number): DocumentSymbol {
  const range = spanToLspRange(rule.span);
  return {
    name: ruleLabel(rule),
    detail: `#${index + 1}`,
    kind: SymbolKind.Field,
    range,
    selectionRange: rule.target ? spanToLspRange(rule.target.nameToken.span) : range,
  };
}

/** The first and last line a chain's declaration and rules occupy. */
function lineRangeOf(chain: ChainModel): { first: number; last: number } {
  // A loop, not Math.min(...lines): a chain of 10⁵ rules would overflow the argument stack.
  let first = chain.declarationSpan?.line ?? Number.POSITIVE_INFINITY;
  let last = chain.declarationSpan?.line ?? Number.NEGATIVE_INFINITY;
  for (const r of chain.rules) {
    if (r.line < first) first = r.line;
    if (r.line > last) last = r.line;
  }
  return { first, last };
}

function firstRuleRange(chain: ChainModel): Range {
  const rule = chain.rules[0];
  return rule
    ? spanToLspRange(rule.span)
    : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function lineLength(doc: ParsedDocument, line: number): number {
  const node = doc.tree.lines[line];
  return node && 'span' in node ? node.span.end : 0;
}
