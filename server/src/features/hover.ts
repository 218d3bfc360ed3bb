import type { Hover, Position } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import type { CommandLine } from '../model/syntax';
import type { HoverContent } from './hover/markdown';
import { toHover } from './hover/markdown';
import { subjectAt, type CommandSubject } from './hover/tokenAt';
import { chainHover } from './hover/chainHover';
import { istioContextAt, type IstioContext } from './hover/istioContext';
import {
  chainLineHover,
  commentLineHover,
  commitLineHover,
  countersHover,
  invalidLineHover,
  tableLineHover,
} from './hover/lineHover';
import { optionHover, resolveOption } from './hover/optionHover';
import { valueHover } from './hover/valueHover';
import {
  jumpKeywordHover,
  matchKeywordHover,
  moduleHover,
  negationHover,
  operandHover,
  otherTokenHover,
  targetHover,
  verbHover,
} from './hover/ruleParts';

/**
 * The hover for any token of an iptables-save / iptables-restore document: structure lines, commands,
 * chains, options (with the canonical name behind an abbreviation), values (marks decoded, ports and
 * addresses with their Istio meaning), targets and counters. Reads only the parsed line under the
 * cursor and the memoised Istio analysis; never re-parses.
 */
export function getHover(doc: ParsedDocument, position: Position): Hover | null {
  const node = doc.tree.lines[position.line];
  if (!node) return null;
  switch (node.kind) {
    case 'table': {
      const h = tableLineHover(doc, node);
      return toHover(h.content, h.span);
    }
    case 'chain': {
      const h = chainLineHover(doc, node, position.character);
      return toHover(h.content, h.span);
    }
    case 'commit': {
      const h = commitLineHover(doc, node);
      return toHover(h.content, h.span);
    }
    case 'comment': {
      const h = commentLineHover(doc, node);
      return toHover(h.content, h.span);
    }
    case 'command':
      return commandHover(doc, node, position.character);
    case 'invalid': {
      const h = invalidLineHover(doc, node);
      return toHover(h.content, h.span);
    }
    case 'blank':
      return null;
  }
}

function commandHover(doc: ParsedDocument, line: CommandLine, character: number): Hover | null {
  const subject = subjectAt(line, character);
  if (!subject) return null;
  const content = subjectHover(doc, line, subject, istioContextAt(doc, line.line), character);
  return toHover(content, subject.span);
}

function subjectHover(
  doc: ParsedDocument,
  line: CommandLine,
  subject: CommandSubject,
  istio: IstioContext,
  character: number,
): HoverContent {
  switch (subject.kind) {
    case 'counters':
      return countersHover(subject.counters, true);
    case 'verb':
      return verbHover(line, subject.token, istio);
    case 'chain-operand':
      return chainHover(doc, doc.ruleset.tableAt(line.line), subject.token.text, istio);
    case 'operand':
      return operandHover(line, subject.token, subject.index);
    case 'negation':
      return negationHover(subject.option, subject.owner);
    case 'option':
      return optionHover(subject.option, subject.owner);
    case 'option-value':
      return valueHover({
        use: subject.option,
        owner: subject.owner,
        spec: resolveOption(subject.option, subject.owner).spec,
        token: subject.token,
        argIndex: subject.argIndex,
        character,
        rule: line.rule,
        istio,
      });
    case 'match-keyword':
      return matchKeywordHover(subject.match, subject.token);
    case 'module-name':
      return moduleHover(subject.match, subject.token);
    case 'jump-keyword':
      return jumpKeywordHover(subject.target, subject.token);
    case 'target-name':
      return targetHover(doc, line, subject.target, istio);
    case 'other-token':
      return otherTokenHover(subject.token);
  }
}
