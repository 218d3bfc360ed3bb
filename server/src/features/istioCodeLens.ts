import type { CodeLens } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import { analyzeIstio } from '../istio/classify';
import { spanToLspRange } from './convert';

/** The command every classification lens carries; the lead wires it in lsp/ and the client. */
export const showClassificationCommand = 'iptablesLens.showClassification';

/**
 * Code lenses naming what the file is ("Istio ambient in-pod rules, IPv4, DNS capture on — matches Istio
 * 1.25+"): one at the top of the file, plus one per table-block group when the groups differ (e.g. a
 * pasted v4 dump of one generation and a v6 dump of another).
 */
export function getIstioCodeLenses(doc: ParsedDocument): CodeLens[] {
  const analysis = analyzeIstio(doc);
  const lenses: CodeLens[] = [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      command: { title: analysis.label, command: showClassificationCommand, arguments: [analysis.label] },
    },
  ];
  const labels = new Set(analysis.contexts.map((c) => c.label));
  if (labels.size > 1) {
    for (const cls of analysis.contexts) {
      const first = cls.context.tables[0];
      if (!first) continue;
      lenses.push({
        range: spanToLspRange(first.nameSpan),
        command: { title: cls.label, command: showClassificationCommand, arguments: [cls.label] },
      });
    }
  }
  return lenses;
}
