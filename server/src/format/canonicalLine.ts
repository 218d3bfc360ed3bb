import type { Span } from '../model/span';
import type { CommandLine, CommandVerb, LineNode } from '../model/syntax';
import type { Rule } from '../model/rule';
import { canonicalRuleSpecs, type SpanText } from './canonicalRule';

/** The short flag of each command (iptables(8), COMMANDS). */
const verbFlags: Record<CommandVerb, string> = {
  append: '-A',
  insert: '-I',
  delete: '-D',
  replace: '-R',
  check: '-C',
  'new-chain': '-N',
  'delete-chain': '-X',
  flush: '-F',
  policy: '-P',
  zero: '-Z',
  'rename-chain': '-E',
  list: '-L',
  'list-rules': '-S',
};

/**
 * The canonical text of one line, possibly several lines when a comma list expands; undefined when
 * the line is left as it is (comments, blanks, invalid lines, and anything the formatter does not
 * fully account for). A command keeps its own verb: `-I`/`-N`/`-P` are never rewritten into a save
 * layout, because moving rules between lines would change what the file does.
 */
export function canonicalLineText(node: LineNode, family: 4 | 6, spanText: SpanText): string[] | undefined {
  switch (node.kind) {
    case 'table':
      return [`*${node.name}`];
    case 'chain': {
      const counters = node.counters ? ` ${spanText(node.counters.span)}` : '';
      return [`:${node.name} ${node.policy}${counters}`];
    }
    case 'command':
      return canonicalCommand(node, family, spanText);
    case 'blank':
    case 'comment':
    case 'commit':
    case 'invalid':
      return undefined;
  }
}

function canonicalCommand(node: CommandLine, family: 4 | 6, spanText: SpanText): string[] | undefined {
  if (!node.verb || !node.chainToken || node.verb === 'list' || node.verb === 'list-rules') return undefined;
  if (!allTokensAccountedFor(node)) return undefined;
  const counters = node.counters ? [spanText(node.counters.span)] : [];
  const head = [
    ...counters,
    verbFlags[node.verb],
    spanText(node.chainToken.span),
    ...node.operands.map((o) => spanText(o.span)),
  ];
  if (!node.rule) return [head.join(' ')];
  const specs = canonicalRuleSpecs(node.rule, family, spanText, node.verb === 'append');
  if (!specs) return undefined;
  return specs.map((spec) => (spec.length > 0 ? `${head.join(' ')} ${spec}` : head.join(' ')));
}

/**
 * Whether every argv token of the line belongs to something the model understood. If the parser
 * left a token unattributed, rebuilding the line from the model would silently drop it.
 */
function allTokensAccountedFor(node: CommandLine): boolean {
  const covered: Span[] = [];
  if (node.verbToken) covered.push(node.verbToken.span);
  if (node.chainToken) covered.push(node.chainToken.span);
  for (const o of node.operands) covered.push(o.span);
  if (node.rule) covered.push(...ruleSpans(node.rule));
  const exact = new Set(covered.map((c) => `${c.start}:${c.end}`));
  return node.tokens.every(
    (t) =>
      exact.has(`${t.span.start}:${t.span.end}`) ||
      covered.some((c) => c.start <= t.span.start && t.span.end <= c.end),
  );
}

function ruleSpans(rule: Rule): Span[] {
  const spans: Span[] = [];
  const optionSpans = (o: {
    token: { span: Span };
    args: readonly { span: Span }[];
    negationSpan?: Span;
  }): void => {
    spans.push(o.token.span, ...o.args.map((a) => a.span));
    if (o.negationSpan) spans.push(o.negationSpan);
  };
  rule.genericOptions.forEach(optionSpans);
  for (const m of rule.matches) {
    if (m.matchToken) spans.push(m.matchToken.span);
    if (m.moduleToken) spans.push(m.moduleToken.span);
    m.options.forEach(optionSpans);
  }
  if (rule.target) {
    spans.push(rule.target.jumpToken.span, rule.target.nameToken.span);
    rule.target.options.forEach(optionSpans);
  }
  return spans;
}
