import type { ParsedDocument } from '../parser/parseDocument';
import { lineTextOf as lineText } from '../parser/lineStarts';

/** How much of an offending line the message quotes. */
const quoteLimit = 40;

/**
 * Why a parsed input should not be checked or traced at all, or `undefined` when it is fine.
 *
 * The rule (documented in `iptables-lens --help`): an input with no line except blanks is empty; an
 * input whose lines are not blank or comments but where not one line is a table header (`*filter`),
 * a chain declaration (`:INPUT ACCEPT [0:0]`), `COMMIT` or an iptables command (`-A …`, `-N …`) does
 * not look like an iptables-save file — a PNG, an ELF binary, JSON or a shell script given by
 * mistake. Reporting hundreds of syntax errors for such a file would bury the real mistake.
 * A file of comments only is accepted: iptables-restore accepts it too.
 */
export function unusableInputReason(
  name: string,
  doc: Pick<ParsedDocument, 'text' | 'tree'>,
): string | undefined {
  let firstOther: number | undefined;
  let anyContent = false;
  for (const node of doc.tree.lines) {
    switch (node.kind) {
      case 'blank':
        break;
      case 'comment':
        anyContent = true;
        break;
      case 'table':
      case 'chain':
      case 'commit':
        return undefined;
      case 'command':
        if (node.verb !== undefined) return undefined;
        anyContent = true;
        firstOther ??= node.line;
        break;
      case 'invalid':
        anyContent = true;
        firstOther ??= node.line;
        break;
    }
  }
  if (!anyContent) return `${name}: is empty; there is nothing to check`;
  if (firstOther === undefined) return undefined;
  return `${name}: does not look like an iptables-save file: no line is a table header (*filter), a chain declaration (:INPUT ACCEPT [0:0]), COMMIT or an iptables command (-A CHAIN …); line ${firstOther + 1} is ${quoteLine(doc, firstOther)}`;
}

/** The start of a line with control and non-ASCII characters shown as escapes, so binary stays one line. */
function quoteLine(doc: Pick<ParsedDocument, 'text'>, line: number): string {
  const text = (lineText(doc, line) ?? '').replace(/\r$/, '');
  const shown = [...text.slice(0, quoteLimit)]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      if (code >= 0x20 && code < 0x7f) return ch;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    })
    .join('');
  return `"${shown}${text.length > quoteLimit ? '…' : ''}"`;
}
