import type { CommandLine, Counters, Token } from '../../model/syntax';
import type { Match, OptionUse, Target } from '../../model/rule';
import type { Span } from '../../model/span';
import { spanContains } from '../../model/span';

/** Who an option belongs to: the generic option table, a loaded match, or the rule's target. */
export type OptionOwner =
  | { readonly kind: 'generic' }
  | { readonly kind: 'match'; readonly match: Match }
  | { readonly kind: 'target'; readonly target: Target };

/** The piece of a command line under the cursor, with the span the hover should highlight. */
export type CommandSubject =
  | { readonly kind: 'counters'; readonly span: Span; readonly counters: Counters }
  | { readonly kind: 'verb'; readonly span: Span; readonly token: Token }
  | { readonly kind: 'chain-operand'; readonly span: Span; readonly token: Token }
  | { readonly kind: 'operand'; readonly span: Span; readonly token: Token; readonly index: number }
  | {
      readonly kind: 'negation';
      readonly span: Span;
      readonly option: OptionUse;
      readonly owner: OptionOwner;
    }
  | { readonly kind: 'option'; readonly span: Span; readonly option: OptionUse; readonly owner: OptionOwner }
  | {
      readonly kind: 'option-value';
      readonly span: Span;
      readonly option: OptionUse;
      readonly owner: OptionOwner;
      readonly token: Token;
      readonly argIndex: number;
    }
  | { readonly kind: 'match-keyword'; readonly span: Span; readonly match: Match; readonly token: Token }
  | { readonly kind: 'module-name'; readonly span: Span; readonly match: Match; readonly token: Token }
  | { readonly kind: 'jump-keyword'; readonly span: Span; readonly target: Target; readonly token: Token }
  | { readonly kind: 'target-name'; readonly span: Span; readonly target: Target; readonly token: Token }
  | { readonly kind: 'other-token'; readonly span: Span; readonly token: Token };

const hits = (span: Span | undefined, character: number): span is Span =>
  span !== undefined && spanContains(span, span.line, character);

/**
 * Finds what the cursor is on within one parsed command line. Only this line's nodes are visited, so
 * a hover costs the same in a ten-line file and a ten-thousand-line one.
 */
export function subjectAt(line: CommandLine, character: number): CommandSubject | undefined {
  if (line.counters && hits(line.counters.span, character)) {
    return { kind: 'counters', span: line.counters.span, counters: line.counters };
  }
  if (line.verbToken && hits(line.verbToken.span, character)) {
    return { kind: 'verb', span: line.verbToken.span, token: line.verbToken };
  }
  if (line.chainToken && hits(line.chainToken.span, character)) {
    return { kind: 'chain-operand', span: line.chainToken.span, token: line.chainToken };
  }
  const operandIndex = line.operands.findIndex((t) => hits(t.span, character));
  const operand = line.operands[operandIndex];
  if (operand) return { kind: 'operand', span: operand.span, token: operand, index: operandIndex };

  const rule = line.rule;
  if (rule) {
    for (const match of rule.matches) {
      if (match.matchToken && hits(match.matchToken.span, character)) {
        return { kind: 'match-keyword', span: match.matchToken.span, match, token: match.matchToken };
      }
      if (match.moduleToken && hits(match.moduleToken.span, character)) {
        return { kind: 'module-name', span: match.moduleToken.span, match, token: match.moduleToken };
      }
      const found = optionSubject(match.options, { kind: 'match', match }, character);
      if (found) return found;
    }
    const target = rule.target;
    if (target) {
      if (hits(target.jumpToken.span, character)) {
        return { kind: 'jump-keyword', span: target.jumpToken.span, target, token: target.jumpToken };
      }
      if (hits(target.nameToken.span, character)) {
        return { kind: 'target-name', span: target.nameToken.span, target, token: target.nameToken };
      }
      const found = optionSubject(target.options, { kind: 'target', target }, character);
      if (found) return found;
    }
    const generic = optionSubject(rule.genericOptions, { kind: 'generic' }, character);
    if (generic) return generic;
  }
  const token = line.tokens.find((t) => hits(t.span, character));
  return token ? { kind: 'other-token', span: token.span, token } : undefined;
}

function optionSubject(
  options: readonly OptionUse[],
  owner: OptionOwner,
  character: number,
): CommandSubject | undefined {
  for (const option of options) {
    if (!hits(option.span, character) && !hits(option.negationSpan, character)) continue;
    if (hits(option.negationSpan, character))
      return { kind: 'negation', span: option.negationSpan, option, owner };
    if (hits(option.token.span, character)) return { kind: 'option', span: option.token.span, option, owner };
    const argIndex = option.args.findIndex((a) => hits(a.span, character));
    const token = option.args[argIndex];
    if (token) return { kind: 'option-value', span: token.span, option, owner, token, argIndex };
  }
  return undefined;
}
