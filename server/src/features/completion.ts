import type { CompletionItem, CompletionList, MarkupContent, Position } from 'vscode-languageserver-types';
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import type { ChainModel, TableModel } from '../model/ruleset';
import type { Hook, ModuleSpec, OptionSpec, TargetSpec } from '../netfilter/spec';
import { commands, genericOptions, uselessInFile } from '../netfilter/generic';
import { addressTypes, matchModules } from '../netfilter/matches';
import { rejectTypesV4, rejectTypesV6, targetSpecs } from '../netfilter/targets';
import { findTable, isBuiltinChain, tables } from '../netfilter/tables';
import { ambientChains, connectionMark, ztunnelMark, ztunnelPorts } from '../istio/constants';
import { istioSnippets } from './istioSnippets';
import { lineTextOf as lineText } from '../parser/lineStarts';
import { keySourceOf } from '../parser/incremental';

/**
 * Context-aware completion: what may come next at the cursor, as iptables-restore would read the line.
 * Every item is documented from the netfilter knowledge base (the same entries hovers render), or
 * from the Istio knowledge base for Istio marks and ports.
 */
export function getCompletions(doc: ParsedDocument, position: Position): CompletionList {
  const text = (lineText(doc, position.line) ?? '').replace(/\r$/, '');
  const before = text.slice(0, position.character);
  const table = doc.ruleset.tableAt(position.line);
  const chainFilter = new ChainFilter(splitBefore(before).current);
  const items = completeLine(before, table, doc.tree.family === 'ipv6' ? 6 : 4, chainFilter);
  // A truncated chain list is incomplete: the client asks again as the user types more of the name.
  return { isIncomplete: chainFilter.truncated, items };
}

/**
 * At most this many chain names per completion list: a kube-proxy node dump declares 40,000+ chains.
 * The list is marked incomplete, so the editor asks again as the name is typed; 100 names are more
 * than a completion widget shows and keep the answer a fifth of what 500 were.
 */
export const maxChainItems = 100;

/**
 * Chooses the user chains a completion list offers. When the table has at most {@link maxChainItems}
 * of them, all (the editor filters as the user types); otherwise only those whose name contains the
 * word being typed (ignoring case), at most that many, and it remembers that it left some out.
 * Filtering before building items keeps completion in a 40,000-chain table to a few milliseconds.
 */
class ChainFilter {
  truncated = false;
  readonly word: string;

  constructor(word: string) {
    this.word = word.toLowerCase();
  }

  pick(chains: ReadonlyMap<string, ChainModel>, exclude: string | undefined): ChainModel[] {
    const all = this.collect(chains, exclude, '');
    if (all.length <= maxChainItems) return all;
    this.truncated = true;
    return this.collect(chains, exclude, this.word).slice(0, maxChainItems);
  }

  /** User chains (except `exclude`) whose name contains `word`, stopping one past the limit. */
  private collect(
    chains: ReadonlyMap<string, ChainModel>,
    exclude: string | undefined,
    word: string,
  ): ChainModel[] {
    const found: ChainModel[] = [];
    const keep = (chain: ChainModel): boolean => {
      if (chain.builtin || chain.name === exclude) return true;
      found.push(chain);
      return found.length <= maxChainItems;
    };
    if (word === '') {
      for (const chain of chains.values()) if (!keep(chain)) break;
      return found;
    }
    // The native indexOf over all names at once: a word typed after `-j` in a 40,000-chain table
    // took 2.5 ms as a loop of includes() calls.
    const index = nameIndex(chains);
    for (let at = index.text.indexOf(word); at >= 0;) {
      const i = nameAt(index.starts, at);
      if (!keep(chains.get(index.names[i]!)!)) break;
      at = index.text.indexOf(word, index.starts[i + 1]!);
    }
    return found;
  }
}

/**
 * A table's chain names in lower case, in map order, joined by line breaks (no typed word holds one,
 * so a match never spans two names), with where each name starts. Built once per set of names: a
 * keystroke's re-parse keeps the names (keySourceOf), so the index outlives it.
 */
interface NameIndex {
  readonly text: string;
  /** Start of each name in `text`, and one past the end. */
  readonly starts: Int32Array;
  readonly names: readonly string[];
}

const nameIndexCache = new WeakMap<ReadonlyMap<string, ChainModel>, NameIndex>();

function nameIndex(chains: ReadonlyMap<string, ChainModel>): NameIndex {
  const source = keySourceOf(chains);
  let index = nameIndexCache.get(source);
  if (!index) {
    const names = [...source.keys()];
    const starts = new Int32Array(names.length + 1);
    let at = 0;
    names.forEach((name, i) => {
      starts[i] = at;
      at += name.length + 1;
    });
    starts[names.length] = at;
    index = { text: names.map((name) => name.toLowerCase()).join('\n'), starts, names };
    nameIndexCache.set(source, index);
  }
  return index;
}

/** The index of the name that holds offset `at` (the last start at or before it). */
function nameAt(starts: Int32Array, at: number): number {
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

interface LineState {
  readonly tokens: readonly string[];
  /** The word being typed (empty after a space). */
  readonly current: string;
}

function splitBefore(before: string): LineState {
  const withoutCounters = before.replace(/^\[\d*:?\d*\]?\s*/, '');
  const parts = withoutCounters.split(/[ \t]+/);
  const current = parts.pop() ?? '';
  return { tokens: parts.filter((p) => p.length > 0), current };
}

function completeLine(
  before: string,
  table: TableModel | undefined,
  lineFamily: 4 | 6,
  chainFilter: ChainFilter,
): CompletionItem[] {
  const { tokens, current } = splitBefore(before);
  const family = table ? (table.family === 'ipv6' ? 6 : 4) : lineFamily;
  if (tokens.length === 0) return lineStarts(current, table);
  const previous = tokens[tokens.length - 1] ?? '';
  const chain = chainOperand(tokens);
  const tableName = table?.name ?? 'filter';
  const istioChain = chain !== undefined && (Object.values(ambientChains) as string[]).includes(chain);

  if (
    isCommand(previous, [
      'append',
      'insert',
      'delete',
      'replace',
      'check',
      'flush',
      'zero',
      'delete-chain',
      'policy',
      'rename-chain',
    ])
  ) {
    const builtinOnly = isCommand(previous, ['policy']);
    return chainNames(table, tableName, builtinOnly, chainFilter).map((name) => ({
      label: name,
      kind: CompletionItemKind.Class,
    }));
  }
  if (isCommand(tokens[tokens.length - 2] ?? '', ['policy'])) return policies();
  if (previous === '-j' || isLong(previous, 'jump'))
    return targetsFor(table, tableName, chain, family, chainFilter);
  if (previous === '-g' || isLong(previous, 'goto')) return [...chainItems(table, chain, chainFilter, '')];
  if (previous === '-m' || isLong(previous, 'match')) return modulesFor(family);
  if (previous === '-p' || isLong(previous, 'protocol')) return protocols(family);

  const loaded = loadedModules(tokens);
  const target = loadedTarget(tokens);
  const option = optionBefore(previous, loaded, target);
  if (option) return valuesFor(option, current, istioChain, family);
  if (current.startsWith('-') || current === '' || current === '!') return optionsFor(loaded, target, tokens);
  return [];
}

function lineStarts(current: string, table: TableModel | undefined): CompletionItem[] {
  if (!table || current.startsWith('*')) {
    return [
      ...tables.map((t) => ({
        label: `*${t.name}`,
        kind: CompletionItemKind.Module,
        documentation: markdown(`${t.summary}\n\nBuiltin chains: ${t.chains.join(', ')}\n\n_${t.source}_`),
      })),
      ...istioSnippets(),
    ];
  }
  const items: CompletionItem[] = commands.map((c) => ({
    label: `-${c.short}`,
    kind: CompletionItemKind.Keyword,
    detail: c.syntax,
    filterText: `-${c.short} --${c.name}`,
    documentation: markdown(c.summary),
  }));
  items.push(
    {
      label: 'COMMIT',
      kind: CompletionItemKind.Keyword,
      documentation: markdown('Commits the table block as one transaction.'),
    },
    {
      label: ':CHAIN POLICY [0:0]',
      kind: CompletionItemKind.Snippet,
      insertText: ':${1:CHAIN} ${2|-,ACCEPT,DROP|} [0:0]',
      insertTextFormat: InsertTextFormat.Snippet,
      documentation: markdown(
        'Declares a chain: `-` for a user-defined chain, `ACCEPT`/`DROP` sets a builtin chain’s policy.',
      ),
    },
  );
  return items;
}

const commandFlags = new Map<string, string>(
  commands.flatMap((c) => [[`-${c.short}`, c.name] as [string, string]]),
);

function isCommand(token: string, names: readonly string[]): boolean {
  const long = token.startsWith('--')
    ? commands.find((c) => token.length > 3 && c.name.startsWith(token.slice(2)))?.name
    : undefined;
  const name = commandFlags.get(token) ?? long;
  return name !== undefined && names.includes(name);
}

function isLong(token: string, name: string): boolean {
  return token.startsWith('--') && token.length > 3 && name.startsWith(token.slice(2));
}

/** The chain a command line addresses (`-A CHAIN`). */
function chainOperand(tokens: readonly string[]): string | undefined {
  const index = tokens.findIndex(
    (t) => commandFlags.has(t) || (t.startsWith('--') && commands.some((c) => isLong(t, c.name))),
  );
  return index >= 0 ? tokens[index + 1] : undefined;
}

function chainNames(
  table: TableModel | undefined,
  tableName: string,
  builtinOnly: boolean,
  chainFilter: ChainFilter,
): string[] {
  const builtins = findTable(tableName)?.chains ?? [];
  if (builtinOnly || !table) return [...builtins];
  return [...builtins, ...chainFilter.pick(table.chains, undefined).map((c) => c.name)];
}

function policies(): CompletionItem[] {
  return ['ACCEPT', 'DROP'].map((p) => ({
    label: p,
    kind: CompletionItemKind.EnumMember,
    documentation: targetDoc(p),
  }));
}

/**
 * Targets the kernel accepts here: extensions restricted to other tables are left out, and in a
 * builtin chain those restricted to other hooks too (a user chain's hooks depend on its callers).
 */
function targetsFor(
  table: TableModel | undefined,
  tableName: string,
  chain: string | undefined,
  family: 4 | 6,
  chainFilter: ChainFilter,
): CompletionItem[] {
  const hook = chain && isBuiltinChain(tableName, chain) ? (chain as Hook) : undefined;
  return [...targetItems(tableName, hook, family), ...chainItems(table, chain, chainFilter, '2')];
}

/**
 * Completion items built once and handed out again (the LSP layer only serialises them): on a node
 * dump every `-j` offers the same targets and the same 100 chains, and building them per keystroke
 * was most of what a completion allocated.
 */
const targetItemsCache = new Map<string, readonly CompletionItem[]>();

/** The target extensions allowed in this table, hook and family, documented. */
function targetItems(tableName: string, hook: Hook | undefined, family: 4 | 6): readonly CompletionItem[] {
  const key = `${tableName} ${hook ?? ''} ${family}`;
  let items = targetItemsCache.get(key);
  if (items) return items;
  items = targetSpecs
    .filter(
      (t) =>
        (!t.tables || (t.tables as readonly string[]).includes(tableName)) &&
        (!hook || !t.hooks || t.hooks.includes(hook)) &&
        (!t.family || t.family === family),
    )
    .map((t) => ({
      label: t.name,
      kind: t.termination === 'continue' ? CompletionItemKind.Function : CompletionItemKind.EnumMember,
      detail: terminationLabel(t),
      documentation: targetDoc(t.name),
      sortText: `${['ACCEPT', 'DROP', 'RETURN'].includes(t.name) ? 0 : 1}${t.name}`,
    }));
  targetItemsCache.set(key, items);
  return items;
}

/** Per table's chain map: the chain items per (excluded chain, typed word, sort prefix). */
const chainItemsCache = new WeakMap<
  ReadonlyMap<string, ChainModel>,
  Map<string, { readonly items: readonly CompletionItem[]; readonly truncated: boolean }>
>();

/** The user chains a `-j`/`-g` may name, as items (sorted after the targets when `sortPrefix` is set). */
function chainItems(
  table: TableModel | undefined,
  current: string | undefined,
  chainFilter: ChainFilter,
  sortPrefix: string,
): readonly CompletionItem[] {
  if (!table) return [];
  let perTable = chainItemsCache.get(table.chains);
  if (!perTable) chainItemsCache.set(table.chains, (perTable = new Map()));
  const key = `${current ?? ''}\u0000${chainFilter.word}\u0000${sortPrefix}`;
  let entry = perTable.get(key);
  if (!entry) {
    const items = chainFilter.pick(table.chains, current).map((c) => ({
      label: c.name,
      kind: CompletionItemKind.Class,
      detail: `user chain · ${c.rules.length} rules`,
      ...(sortPrefix ? { sortText: `${sortPrefix}${c.name}` } : {}),
    }));
    entry = { items, truncated: chainFilter.truncated };
    // A table's chain map is replaced when a chain's rules change, so the rule counts stay right.
    if (perTable.size > 64) perTable.clear();
    perTable.set(key, entry);
  }
  chainFilter.truncated ||= entry.truncated;
  return entry.items;
}

function terminationLabel(t: TargetSpec): string {
  switch (t.termination) {
    case 'terminal':
      return 'terminating';
    case 'final':
      return 'ends the packet';
    case 'return':
      return 'returns to the caller';
    case 'continue':
      return 'non-terminating';
  }
}

/** Match modules per family, documented; built once (see targetItemsCache). */
const moduleItemsCache = new Map<4 | 6, readonly CompletionItem[]>();

function modulesFor(family: 4 | 6): CompletionItem[] {
  let items = moduleItemsCache.get(family);
  if (!items) {
    items = matchModules
      .filter((m) => !m.family || m.family === family)
      .map((m) => ({ label: m.name, kind: CompletionItemKind.Module, documentation: moduleDoc(m) }));
    moduleItemsCache.set(family, items);
  }
  return [...items];
}

/** Protocol names as iptables-save prints them (/etc/protocols); `all` matches every protocol. */
function protocols(family: 4 | 6): CompletionItem[] {
  const names =
    family === 4
      ? ['tcp', 'udp', 'icmp', 'sctp', 'udplite', 'dccp', 'esp', 'ah', 'gre', 'all']
      : ['tcp', 'udp', 'ipv6-icmp', 'sctp', 'udplite', 'dccp', 'esp', 'ah', 'all'];
  return names.map((p) => ({ label: p, kind: CompletionItemKind.EnumMember }));
}

/** Modules loaded on the line so far: every `-m X`, and the match `-p X` loads implicitly. */
function loadedModules(tokens: readonly string[]): ModuleSpec[] {
  const out: ModuleSpec[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] ?? '';
    const next = (tokens[i + 1] ?? '').toLowerCase();
    if (t === '-m' || isLong(t, 'match')) {
      const m = matchModules.find((mod) => mod.name === next || mod.aliases?.includes(next));
      if (m) out.push(m);
    } else if (t === '-p' || isLong(t, 'protocol')) {
      const m = matchModules.find((mod) => mod.implicitFromProtocol?.includes(next));
      if (m) out.push(m);
    }
  }
  return out;
}

function loadedTarget(tokens: readonly string[]): TargetSpec | undefined {
  for (let i = tokens.length - 2; i >= 0; i--) {
    const t = tokens[i] ?? '';
    if (t === '-j' || isLong(t, 'jump')) return targetSpecs.find((s) => s.name === tokens[i + 1]);
  }
  return undefined;
}

function findOption(options: readonly OptionSpec[], token: string): OptionSpec | undefined {
  if (!token.startsWith('--')) return undefined;
  const name = token.slice(2);
  return (
    options.find((o) => o.name === name || o.aliases?.includes(name)) ??
    options.find((o) => o.args > 0 && o.name.startsWith(name) && name.length > 2)
  );
}

/** The option whose argument the cursor is on, if the previous token is a valued option. */
function optionBefore(
  previous: string,
  loaded: readonly ModuleSpec[],
  target: TargetSpec | undefined,
): OptionSpec | undefined {
  if (!previous.startsWith('-')) return undefined;
  const pools = [target?.options ?? [], ...loaded.map((m) => m.options), genericOptions];
  for (const pool of pools) {
    const found = previous.startsWith('--')
      ? findOption(pool, previous)
      : pool.find((o) => o.short !== undefined && `-${o.short}` === previous);
    if (found && found.args > 0) return found;
  }
  return undefined;
}

function optionsFor(
  loaded: readonly ModuleSpec[],
  target: TargetSpec | undefined,
  tokens: readonly string[],
): CompletionItem[] {
  const used = new Set(tokens.filter((t) => t.startsWith('--')).map((t) => t.slice(2)));
  const items: CompletionItem[] = [];
  if (target) {
    for (const o of target.options) items.push(optionItem(o, `${target.name} target`, '0'));
    return items;
  }
  for (const m of [...loaded].reverse()) {
    for (const o of m.options)
      if (!(o.once && used.has(o.name))) items.push(optionItem(o, `${m.name} match`, '1'));
  }
  for (const o of genericOptions) {
    if (uselessInFile.has(o.name) || o.name === 'table') continue;
    items.push(optionItem(o, 'generic', '2', o.short ? `-${o.short}` : undefined));
  }
  return items;
}

function optionItem(o: OptionSpec, origin: string, sortGroup: string, shortLabel?: string): CompletionItem {
  const label = shortLabel ?? `--${o.name}`;
  return {
    label,
    kind: CompletionItemKind.Property,
    detail: `${o.syntax} (${origin})`,
    filterText: shortLabel ? `${shortLabel} --${o.name}` : label,
    documentation: optionDoc(o),
    sortText: `${sortGroup}${o.name}`,
  };
}

/** Allowed words of an option, from its entry or, for value kinds with a shared table, from that table. */
function allowedValues(option: OptionSpec, family: 4 | 6): readonly string[] {
  if (option.values) return option.values;
  switch (option.value) {
    case 'reject-type':
      return [...new Set(Object.values(family === 4 ? rejectTypesV4 : rejectTypesV6))];
    case 'addrtype-list':
      return addressTypes;
    case 'ctstate-list':
      return ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'];
    case 'log-level':
      return ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
    default:
      return [];
  }
}

function valuesFor(
  option: OptionSpec,
  current: string,
  istioChain: boolean,
  family: 4 | 6,
): CompletionItem[] {
  const items: CompletionItem[] = [];
  const listPrefix = current.includes(',') ? current.slice(0, current.lastIndexOf(',') + 1) : '';
  for (const value of allowedValues(option, family)) {
    items.push({
      label: value,
      kind: CompletionItemKind.EnumMember,
      insertText: value,
      filterText: `${listPrefix}${value}`,
      documentation: optionDoc(option),
    });
  }
  if (istioChain && option.value === 'mark') {
    for (const m of [ztunnelMark, connectionMark]) {
      items.push({
        label: m.text,
        kind: CompletionItemKind.Constant,
        detail: 'Istio',
        documentation: markdown(`${m.summary}\n\n_${m.source.file}_`),
      });
    }
  }
  if (
    istioChain &&
    (option.value === 'port-range' || option.value === 'port-list' || option.name.includes('port'))
  ) {
    for (const p of Object.values(ztunnelPorts)) {
      items.push({
        label: String(p.port),
        kind: CompletionItemKind.Constant,
        detail: `Istio: ${p.name}`,
        documentation: markdown(`${p.summary}\n\n_${p.source.file}_`),
      });
    }
  }
  return items;
}

function markdown(value: string): MarkupContent {
  return { kind: MarkupKind.Markdown, value };
}

function optionDoc(o: OptionSpec): MarkupContent {
  const extra = o.default ? `\n\nDefault: \`${o.default}\`` : '';
  return markdown(`\`${o.syntax}\`\n\n${o.summary}${extra}`);
}

function moduleDoc(m: ModuleSpec): MarkupContent {
  const options = m.options.map((o) => `- \`${o.syntax}\``).join('\n');
  return markdown(`${m.summary}\n\n${options}\n\n_${m.source}_`);
}

function targetDoc(name: string): MarkupContent | undefined {
  const t = targetSpecs.find((s) => s.name === name);
  if (!t) return undefined;
  const where = t.tables ? `\n\nTables: ${t.tables.join(', ')}` : '';
  const hooks = t.hooks ? `; chains: ${t.hooks.join(', ')}` : '';
  return markdown(`${t.summary}${where}${hooks}\n\n_${t.source}_`);
}
