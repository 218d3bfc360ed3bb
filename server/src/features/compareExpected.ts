import type { ParsedDocument } from '../parser/parseDocument';
import type { TemplateValues } from '../istio/catalogue';
import { catalogueEntry } from '../istio/catalogue';
import type { ExpectedChain } from '../istio/generations';
import { analyzeIstio } from '../istio/classify';
import { renderExpected } from '../istio/recognize';
import { findTable } from '../netfilter/tables';

/**
 * The Istio rule set Istio itself would write for the generation and variant detected in the file,
 * laid out the way iptables-save prints it, for the "Compare with expected" diff. Null when the file
 * holds no Istio ambient rules.
 */
export function getExpectedRuleSet(doc: ParsedDocument): { title: string; text: string } | null {
  const contexts = analyzeIstio(doc).contexts.filter(
    (c) => (c.kind === 'ambient-inpod' || c.kind === 'ambient-host') && c.expected.length > 0,
  );
  if (contexts.length === 0) return null;
  const tableOrder = doc.ruleset.tables.map((t) => t.name);
  const policies = new Map<string, string>();
  for (const t of doc.ruleset.tables) {
    for (const c of t.chains.values()) if (c.policy) policies.set(`${t.name}:${c.name}`, c.policy);
  }
  const text = contexts
    .map((c) => renderExpectedRuleSet(c.expected, c.context.values, tableOrder, policies))
    .join('');
  const title = `Expected: ${contexts.map((c) => c.label).join('; ')}`;
  return { title, text };
}

/**
 * An expected rule set in iptables-save layout: per table the builtin chains in hook order, the user
 * chains sorted by name (as iptables-save 1.8.9 lists them, istio-ambient.md §10), then the rules
 * grouped by chain in that order, and COMMIT. Tables follow `tableOrder` (the file's), then the rest.
 */
export function renderExpectedRuleSet(
  expected: readonly ExpectedChain[],
  values: TemplateValues,
  tableOrder: readonly string[] = [],
  policies: ReadonlyMap<string, string> = new Map(),
): string {
  const tableNames = [...new Set(expected.map((c) => c.table))].sort(
    (a, b) => rank(tableOrder, a) - rank(tableOrder, b) || a.localeCompare(b),
  );
  const out: string[] = [];
  for (const table of tableNames) {
    const chains = expected.filter((c) => c.table === table);
    const builtins = (findTable(table)?.chains ?? []) as readonly string[];
    const users = [...new Set(chains.map((c) => c.chain).filter((c) => !builtins.includes(c)))].sort();
    out.push(`*${table}`);
    for (const b of builtins) out.push(`:${b} ${policies.get(`${table}:${b}`) ?? 'ACCEPT'} [0:0]`);
    for (const u of users) out.push(`:${u} - [0:0]`);
    for (const chain of [...builtins, ...users]) {
      for (const c of chains.filter((x) => x.chain === chain)) {
        for (const rule of c.rules)
          out.push(renderExpected(catalogueEntry(rule.id), values, rule.virtualInterface));
      }
    }
    out.push('COMMIT');
  }
  return out.map((l) => `${l}\n`).join('');
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
