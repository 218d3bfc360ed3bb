/**
 * A whole parse as one JSON text — syntax tree, problems, every table with its chains and rules in
 * kernel order, and the jump graph — so two parses of the same text can be compared in one assertion.
 * On-demand handles serialise as the nodes they stand for (their toJSON), so an eager and an on-demand
 * parse of the same text give the same string exactly when they agree.
 */
import type { ParsedDocument } from '../../server/src/parser/parseDocument';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

export function parsedJson(doc: ParsedDocument): string {
  return JSON.stringify(
    {
      tree: doc.tree,
      problems: doc.problems,
      tables: doc.ruleset.tables.map((t) => ({ ...t, chains: [...t.chains.values()] })),
      rules: doc.ruleset.rules.map((r) => r.line),
      callers: [...doc.ruleset.callers].map(([key, edges]) => [
        key,
        edges.map((e) => ({ table: e.table.index, from: e.from, to: e.to, goto: e.goto, line: e.rule.line })),
      ]),
    },
    replacer,
  );
}
