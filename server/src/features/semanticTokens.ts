import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { reparseOrigin } from '../parser/incremental';
import type { Span } from '../model/span';
import type { CommandLine, LineNode, Token } from '../model/syntax';
import type { OptionUse, Rule } from '../model/rule';
import type { TableModel } from '../model/ruleset';
import { isBuiltinChain } from '../netfilter/tables';
import { findTarget } from '../netfilter/lookup';
import {
  ambientChains,
  connectionMark,
  probeSnatAddress,
  sidecarChains,
  sidecarPorts,
  ztunnelMark,
  ztunnelPorts,
} from '../istio/constants';

/**
 * Semantic tokens add what the TextMate grammar cannot know from one line: whether a chain name is a
 * builtin chain, a user chain declared in this table block or an undefined one; which marks, ports,
 * addresses and chains are Istio's; and which lines iptables-restore rejects for reasons of context
 * (a rule before any `*table`, a CR the editor hides).
 *
 * The types and most modifiers are LSP standard ones, so every theme colours them: `function` like the
 * grammar's chain scopes (entity.name.function), `enumMember` like a named constant. The rest are ours
 * and are declared in the manifest (`semanticTokenTypes`/`semanticTokenModifiers`), which also maps them
 * onto TextMate scopes every theme knows (`semanticTokenScopes`): the `invalid` type and
 * `function.undefined` → `invalid.illegal.*`, `enumMember.istio` → `support.constant.istio`. Without a
 * mapping VS Code ignores an unknown type (the grammar's colour stays) and an unknown modifier (the
 * type's colour stays), so nothing is ever coloured wrongly.
 */
export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: ['function', 'enumMember', 'invalid'],
  tokenModifiers: ['declaration', 'defaultLibrary', 'readonly', 'undefined', 'istio', 'invalid'],
};

type TokenType = 'function' | 'enumMember' | 'invalid';
type TokenModifier = 'declaration' | 'defaultLibrary' | 'readonly' | 'undefined' | 'istio' | 'invalid';

const typeIndex = new Map(semanticTokensLegend.tokenTypes.map((t, i) => [t, i]));
const modifierBit = new Map(semanticTokensLegend.tokenModifiers.map((m, i) => [m, 1 << i]));

interface PendingToken {
  readonly span: Span;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

/**
 * The semantic tokens of a whole document, or of the lines a range touches. Reads only the cached
 * parse (syntax tree and ruleset) of `doc`; a range request never re-parses.
 */
export function getSemanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens {
  const lines = doc.tree.lines;
  const first = range ? Math.max(0, range.start.line) : 0;
  const last = range ? Math.min(lines.length - 1, range.end.line) : lines.length - 1;
  const context = documentContext(doc);
  const pending: PendingToken[] = [];
  for (let i = first; i <= last; i++) {
    const node = lines[i];
    if (node) collectLine(node, context, pending);
  }
  return { data: encode(pending, range) };
}

/** Per-document facts every line needs, computed once per ParsedDocument and kept while it lives. */
interface DocumentContext {
  readonly doc: ParsedDocument;
  /** Names a table block declares anywhere (`:NAME`, `-N NAME`, `-E OLD NAME`), by block index. */
  readonly declared: ReadonlyMap<number, ReadonlySet<string>>;
  /** Lines iptables-restore rejects: error-severity parse problems, and CRLF lines. */
  readonly rejectedLines: ReadonlySet<number>;
}

const contexts = new WeakMap<ParsedDocument, DocumentContext>();

function documentContext(doc: ParsedDocument): DocumentContext {
  const cached = contexts.get(doc);
  if (cached) return cached;
  // A keystroke's re-parse never touches a declaration (parser/incremental.ts falls back to a full
  // parse then), so the names of the version it came from still hold: a 450k-line dump declares
  // 120,000 chains, and collecting them took 0.1 s per keystroke.
  const origin = reparseOrigin(doc);
  const declared = (origin && contexts.get(origin.previous)?.declared) ?? declaredNames(doc);
  const rejectedLines = new Set<number>(doc.tree.crlfLines);
  for (const p of doc.problems) if (p.severity === 'error') rejectedLines.add(p.span.line);
  const context = { doc, declared, rejectedLines };
  contexts.set(doc, context);
  return context;
}

function declaredNames(doc: ParsedDocument): ReadonlyMap<number, ReadonlySet<string>> {
  const declared = new Map<number, Set<string>>();
  for (const node of doc.tree.lines) {
    const name = declaredName(node);
    const table = name === undefined ? undefined : doc.ruleset.tableAt(node.line);
    if (name === undefined || !table) continue;
    let names = declared.get(table.index);
    if (!names) declared.set(table.index, (names = new Set()));
    names.add(name);
  }
  return declared;
}

function declaredName(node: LineNode): string | undefined {
  if (node.kind === 'chain') return node.name;
  if (node.kind !== 'command') return undefined;
  if (node.verb === 'new-chain') return node.chainToken?.text;
  if (node.verb === 'rename-chain') return node.operands[0]?.text;
  return undefined;
}

function collectLine(node: LineNode, context: DocumentContext, out: PendingToken[]): void {
  const rejected = context.rejectedLines.has(node.line);
  const before = out.length;
  switch (node.kind) {
    case 'invalid':
      if (node.span.end > node.span.start) out.push({ span: node.span, type: 'invalid', modifiers: [] });
      return;
    case 'chain': {
      const table = context.doc.ruleset.tableAt(node.line);
      if (node.name !== '') out.push(chainToken(node.nameSpan, node.name, table, context, 'declaration'));
      break;
    }
    case 'command':
      collectCommand(node, context, out);
      break;
    default:
      break;
  }
  if (!rejected) return;
  for (let i = before; i < out.length; i++) {
    const t = out[i]!;
    out[i] = { ...t, modifiers: [...t.modifiers, 'invalid'] };
  }
  // A CR is invisible in the editor, so the whole line is marked when nothing else on it is.
  if (out.length === before && context.doc.tree.crlfLines.includes(node.line) && 'span' in node) {
    out.push({ span: node.span, type: 'invalid', modifiers: [] });
  }
}

function collectCommand(node: CommandLine, context: DocumentContext, out: PendingToken[]): void {
  const table = context.doc.ruleset.tableAt(node.line);
  if (node.chainToken) {
    const role = node.verb === 'new-chain' ? 'declaration' : 'reference';
    out.push(chainToken(node.chainToken.span, node.chainToken.text, table, context, role));
  }
  const newName = node.verb === 'rename-chain' ? node.operands[0] : undefined;
  if (newName) out.push(chainToken(newName.span, newName.text, table, context, 'declaration'));
  if (node.rule) collectRule(node.rule, table, context, out);
}

function collectRule(
  rule: Rule,
  table: TableModel | undefined,
  context: DocumentContext,
  out: PendingToken[],
): void {
  const options: OptionUse[] = [...rule.genericOptions];
  for (const match of rule.matches) options.push(...match.options);
  if (rule.target) {
    options.push(...rule.target.options);
    // The ruleset turns a jump to a chain the block never declares into the `unknown` target case.
    const kind = rule.target.kind;
    if (kind === 'chain' || (kind === 'unknown' && !findTarget(rule.target.name))) {
      const { nameToken } = rule.target;
      out.push(chainToken(nameToken.span, nameToken.text, table, context, 'reference'));
    }
  }
  for (const option of options) for (const arg of option.args) collectIstioValues(option.name, arg, out);
}

function chainToken(
  span: Span,
  name: string,
  table: TableModel | undefined,
  context: DocumentContext,
  role: 'declaration' | 'reference',
): PendingToken {
  const modifiers: TokenModifier[] = [];
  if (role === 'declaration') modifiers.push('declaration');
  if (table && isBuiltinChain(table.name, name)) modifiers.push('defaultLibrary');
  else if (role === 'reference' && !(table && context.declared.get(table.index)?.has(name))) {
    modifiers.push('undefined');
  }
  if (istioChains.has(name)) modifiers.push('istio');
  return { span, type: 'function', modifiers };
}

// Istio recognition reads the knowledge base (server/src/istio/constants.ts), never literals of its own.
const istioChains: ReadonlySet<string> = new Set<string>([...Object.values(ambientChains), ...sidecarChains]);

const istioPorts: ReadonlySet<number> = new Set<number>([
  ztunnelPorts.outbound.port,
  ztunnelPorts.inboundPlaintext.port,
  ztunnelPorts.hbone.port,
  ztunnelPorts.dnsProxy.port,
  sidecarPorts.outbound,
  sidecarPorts.inbound,
  sidecarPorts.tunnel,
  sidecarPorts.pilotAgentStatus,
  sidecarPorts.health,
  sidecarPorts.dns,
  sidecarPorts.prometheus,
]);

const istioMarkValues: ReadonlySet<number> = new Set([ztunnelMark.value, connectionMark.value]);

const istioAddresses: ReadonlySet<string> = new Set([
  probeSnatAddress.ipv4.text,
  probeSnatAddress.ipv4.bare,
  probeSnatAddress.ipv6.text,
  probeSnatAddress.ipv6.bare,
  sidecarPorts.inboundPassthroughSource,
]);

/** Canonical option names (model/rule.ts OptionUse.name) by the kind of value their argument holds. */
const portOptions = new Set([
  'destination-port',
  'source-port',
  'destination-ports',
  'source-ports',
  'ports',
  'dport',
  'sport',
  'dports',
  'sports',
  'to-ports',
  'on-port',
]);
const markOptions = new Set(['mark', 'set-xmark', 'set-mark', 'tproxy-mark']);
const addressOptions = new Set(['source', 'destination', 'to-source', 'to-destination', 'on-ip']);
const ownerOptions = new Set(['uid-owner', 'gid-owner']);

function collectIstioValues(option: string, arg: Token, out: PendingToken[]): void {
  const istio = (start: number, end: number): void => {
    out.push({
      span: { line: arg.span.line, start, end },
      type: 'enumMember',
      modifiers: ['readonly', 'istio'],
    });
  };
  if (markOptions.has(option)) {
    const value = Number(arg.text.split('/')[0]);
    if (istioMarkValues.has(value)) istio(arg.span.start, arg.span.end);
    return;
  }
  if (ownerOptions.has(option)) {
    if (arg.text === String(sidecarPorts.proxyUid)) istio(arg.span.start, arg.span.end);
    return;
  }
  const separators = portOptions.has(option) ? /[,:-]/ : addressOptions.has(option) ? /,/ : undefined;
  if (!separators) return;
  const isIstio = portOptions.has(option)
    ? (part: string) => /^\d+$/.test(part) && istioPorts.has(Number(part))
    : (part: string) => istioAddresses.has(part);
  // Sub-spans map onto the document only for an unquoted argument, whose text is its raw characters.
  if (arg.quoted) {
    if (arg.text.split(separators).some(isIstio)) istio(arg.span.start, arg.span.end);
    return;
  }
  let offset = 0;
  for (const part of arg.text.split(separators)) {
    if (isIstio(part)) istio(arg.span.start + offset, arg.span.start + offset + part.length);
    offset += part.length + 1;
  }
}

/** LSP's relative encoding: five integers per token, line and start relative to the previous token. */
function encode(pending: PendingToken[], range: Range | undefined): number[] {
  const inRange = range ? pending.filter((t) => overlaps(t.span, range)) : pending;
  inRange.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastEnd = -1;
  let lastLine = -1;
  for (const t of inRange) {
    const { span } = t;
    // Tokens may not overlap; the first one at a place wins (the parser's spans never nest in practice).
    if (span.line === lastLine && span.start < lastEnd) continue;
    const deltaLine = span.line - line;
    data.push(
      deltaLine,
      deltaLine === 0 ? span.start - character : span.start,
      span.end - span.start,
      typeIndex.get(t.type)!,
      t.modifiers.reduce((bits, m) => bits | modifierBit.get(m)!, 0),
    );
    line = span.line;
    character = span.start;
    lastLine = span.line;
    lastEnd = span.end;
  }
  return data;
}

function overlaps(span: Span, range: Range): boolean {
  if (span.line < range.start.line || span.line > range.end.line) return false;
  if (span.line === range.start.line && span.end <= range.start.character) return false;
  if (span.line === range.end.line && span.start >= range.end.character) return false;
  return true;
}
