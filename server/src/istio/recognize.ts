import type { Span } from '../model/span';
import type { Rule } from '../model/rule';
import type { Ruleset, TableModel } from '../model/ruleset';
import type { CatalogueEntry, RuleId, TemplateValues, TemplateVariable } from './catalogue';
import { catalogueEntries, renderTemplate } from './catalogue';
import type { Facet } from './ruleFacets';
import { facetKeys, ruleFacets, shapeDistance } from './ruleFacets';
import type { Family, TemplateShape } from './templates';
import { defaultTemplateValues, templateShape } from './templates';

/**
 * Structural recognition of Istio rules in a parsed rule set: which line is which catalogue rule, with
 * which values. Recognition works on shapes (which options are present), so a rule whose mark or port
 * was changed is still recognised, and then compared value by value with what the file itself uses
 * (marks and probe address are configurable; the file's majority wins, ties go to the knowledge base).
 */

/** One argument of a recognised rule that differs from the expected value. */
export interface ValueMismatch {
  readonly key: string;
  readonly argIndex: number;
  readonly actual: string;
  readonly expected: string;
  readonly span: Span;
  /** The template variable the argument belongs to, if any (marks, addresses). */
  readonly variable?: TemplateVariable;
}

export interface RecognizedRule {
  readonly id: RuleId;
  readonly entry: CatalogueEntry;
  readonly rule: Rule;
  readonly table: TableModel;
  readonly shape: TemplateShape;
  readonly facets: readonly Facet[];
  /** Facet keys Istio's rule has and this line lacks (e.g. `tcp:!dport`). */
  readonly missingKeys: readonly string[];
  /** Facet keys this line has and Istio's rule lacks. */
  readonly extraKeys: readonly string[];
  /** For per-interface rules: the interface the line names. */
  readonly virtualInterface?: string;
  /** Filled once the context's variables are bound. */
  mismatches: ValueMismatch[];
}

export interface DuplicateRule {
  readonly rule: Rule;
  readonly of: RecognizedRule;
}

/**
 * The table blocks of one `iptables-save` run: a file pasted from a v4 and a v6 dump has two contexts.
 * A new context starts when a table name repeats; its family is IPv6 when any of its tables shows IPv6.
 */
export interface TableContext {
  readonly index: number;
  readonly family: Family;
  readonly tables: readonly TableModel[];
  readonly tableByName: ReadonlyMap<string, TableModel>;
  readonly recognized: readonly RecognizedRule[];
  readonly duplicates: readonly DuplicateRule[];
  /** Rules not recognised as Istio's, in the chains Istio writes rules to (those its catalogue names). */
  readonly unrecognized: readonly Rule[];
  /** The variable values this context uses (file majority, defaults where absent). */
  readonly values: TemplateValues;
  /** Variables whose value differs from the knowledge base. */
  readonly nonDefault: ReadonlyMap<TemplateVariable, string>;
}

/** Splits the rule set's table blocks into contexts. */
export function splitContexts(ruleset: Ruleset): TableModel[][] {
  const groups: TableModel[][] = [];
  let current: TableModel[] = [];
  for (const table of ruleset.tables) {
    // Only a repeated table name starts a new run: a table without addresses (mangle, raw) cannot show its
    // family, so a family change alone says nothing.
    const clash = current.some((t) => t.name === table.name);
    if (clash) {
      groups.push(current);
      current = [];
    }
    current.push(table);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

interface Candidate {
  readonly rule: Rule;
  readonly ruleIndex: number;
  readonly table: TableModel;
  readonly shape: TemplateShape;
  readonly facets: readonly Facet[];
  readonly distance: number;
  readonly valueDiffs: number;
}

/** The template shapes of the catalogue, by table and family, grouped by chain; built once each. */
const shapesCache = new Map<string, ReadonlyMap<string, readonly TemplateShape[]>>();

function catalogueShapes(table: string, family: Family): ReadonlyMap<string, readonly TemplateShape[]> {
  const key = `${family}|${table}`;
  let byChain = shapesCache.get(key);
  if (byChain) return byChain;
  const grouped = new Map<string, TemplateShape[]>();
  for (const entry of catalogueEntries) {
    if (entry.table !== table) continue;
    const shape = templateShape(entry, family);
    if (!shape) continue;
    const list = grouped.get(entry.chain);
    if (list) list.push(shape);
    else grouped.set(entry.chain, [shape]);
  }
  byChain = grouped;
  shapesCache.set(key, byChain);
  return byChain;
}

/**
 * Makes the catalogue's rule shapes of every table and family, one per step. The first recognition
 * in a process otherwise parses the catalogue's templates inside its own work: 13 ms more in the
 * single step of the first Istio check of a 450,000-line dump. The language server runs this after
 * the client's `initialized`.
 */
export function* prepareCatalogueShapes(): Generator<void, void, void> {
  const tables = [...new Set(catalogueEntries.map((entry) => entry.table))];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const table of tables) {
      catalogueShapes(table, family);
      yield;
    }
  }
}

/** At most this many facet keys may differ for a line to count as an altered Istio rule. */
const maxShapeDistance = 1;

/**
 * Recognises the Istio rules of one context. Rules on `linesWithErrors` (lines iptables-restore
 * would reject) are still recognised but lend no values to the context: a malformed mark there
 * must not be written into the rules the quick fixes insert.
 */
export function recognizeContext(
  tables: readonly TableModel[],
  index: number,
  linesWithErrors: ReadonlySet<number> = new Set(),
): TableContext {
  const family: Family = tables.some((t) => t.family === 'ipv6') ? 'ipv6' : 'ipv4';
  const defaults = defaultTemplateValues(family);
  const candidates: Candidate[] = [];
  const allRules: { rule: Rule; table: TableModel }[] = [];
  for (const table of tables) {
    const shapesByChain = catalogueShapes(table.name, family);
    for (const chain of table.chains.values()) {
      // A kube-proxy node dump has 40,000 chains Istio never writes to: skipped without a look.
      const shapes = shapesByChain.get(chain.name);
      if (!shapes) continue;
      for (const rule of chain.rules) {
        const ruleIndex = allRules.length;
        allRules.push({ rule, table });
        const facets = ruleFacets(rule);
        const keys = facetKeys(facets);
        for (const shape of shapes) {
          if (targetOf(facets) !== targetOf(shape.facets)) continue;
          const distance = shapeDistance(keys, shape.keys);
          if (distance > maxShapeDistance) continue;
          candidates.push({
            rule,
            ruleIndex,
            table,
            shape,
            facets,
            distance,
            valueDiffs: countValueDiffs(facets, shape),
          });
        }
      }
    }
  }
  candidates.sort(
    (a, b) => a.distance - b.distance || a.valueDiffs - b.valueDiffs || a.ruleIndex - b.ruleIndex,
  );

  const assignedRules = new Set<Rule>();
  const taken = new Map<string, RecognizedRule>();
  const recognized: RecognizedRule[] = [];
  const duplicates: DuplicateRule[] = [];
  for (const c of candidates) {
    if (assignedRules.has(c.rule)) continue;
    const entry = c.shape.entry;
    const virtualInterface = entry.perVirtualInterface
      ? slotValue(c.facets, c.shape, 'virtualInterface')
      : undefined;
    const takeKey = `${c.table.index}|${entry.id}|${virtualInterface ?? ''}`;
    const already = taken.get(takeKey);
    if (already) {
      if (c.distance === 0 && sameFacets(c.facets, already.facets)) {
        duplicates.push({ rule: c.rule, of: already });
        assignedRules.add(c.rule);
      }
      continue;
    }
    const ruleKeys = facetKeys(c.facets);
    const rr: RecognizedRule = {
      id: entry.id,
      entry,
      rule: c.rule,
      table: c.table,
      shape: c.shape,
      facets: c.facets,
      missingKeys: [...c.shape.keys].filter((k) => !ruleKeys.has(k)),
      extraKeys: [...ruleKeys].filter((k) => !c.shape.keys.has(k)),
      virtualInterface,
      mismatches: [],
    };
    taken.set(takeKey, rr);
    assignedRules.add(c.rule);
    recognized.push(rr);
  }
  recognized.sort((a, b) => a.rule.line - b.rule.line);

  const { values, nonDefault } = bindVariables(
    recognized.filter((rr) => !linesWithErrors.has(rr.rule.line)),
    defaults,
  );
  for (const rr of recognized) rr.mismatches = compareValues(rr, values);

  return {
    index,
    family,
    tables,
    tableByName: new Map(tables.map((t) => [t.name, t])),
    recognized,
    duplicates,
    unrecognized: allRules.filter((r) => !assignedRules.has(r.rule)).map((r) => r.rule),
    values,
    nonDefault,
  };
}

function targetOf(facets: readonly Facet[]): string {
  const t = facets.find((f) => f.key === 'j' || f.key === 'g');
  return t ? `${t.key}:${t.args[0] ?? ''}` : '';
}

function countValueDiffs(facets: readonly Facet[], shape: TemplateShape): number {
  let diffs = 0;
  for (const f of facets) {
    const t = shape.facets.find((x) => x.key === f.key);
    if (!t) continue;
    t.args.forEach((arg, i) => {
      const isSlot = shape.slots.some((s) => s.key === f.key && s.argIndex === i);
      if (!isSlot && f.args[i] !== arg) diffs++;
    });
  }
  return diffs;
}

function sameFacets(a: readonly Facet[], b: readonly Facet[]): boolean {
  const text = (fs: readonly Facet[]): string =>
    fs
      .map((f) => `${f.key}=${f.args.join(' ')}`)
      .sort()
      .join('|');
  return text(a) === text(b);
}

function slotValue(
  facets: readonly Facet[],
  shape: TemplateShape,
  variable: TemplateVariable,
): string | undefined {
  const slot = shape.slots.find((s) => s.variable === variable);
  if (!slot) return undefined;
  return facets.find((f) => f.key === slot.key)?.args[slot.argIndex];
}

/** Binds each variable to the value most of the context's Istio rules use; a tie keeps the default. */
function bindVariables(
  recognized: readonly RecognizedRule[],
  defaults: TemplateValues,
): { values: TemplateValues; nonDefault: Map<TemplateVariable, string> } {
  const counts = new Map<TemplateVariable, Map<string, number>>();
  for (const rr of recognized) {
    for (const slot of rr.shape.slots) {
      if (slot.variable === 'virtualInterface') continue;
      const actual = rr.facets.find((f) => f.key === slot.key)?.args[slot.argIndex];
      if (actual === undefined) continue;
      const perValue = counts.get(slot.variable) ?? new Map<string, number>();
      perValue.set(actual, (perValue.get(actual) ?? 0) + 1);
      counts.set(slot.variable, perValue);
    }
  }
  const values: Record<TemplateVariable, string> = { ...defaults };
  const nonDefault = new Map<TemplateVariable, string>();
  for (const [variable, perValue] of counts) {
    let best = defaults[variable];
    let bestCount = perValue.get(best) ?? 0;
    for (const [value, count] of perValue) {
      if (count > bestCount) {
        best = value;
        bestCount = count;
      }
    }
    values[variable] = best;
    if (best !== defaults[variable]) nonDefault.set(variable, best);
  }
  return { values, nonDefault };
}

function compareValues(rr: RecognizedRule, values: TemplateValues): ValueMismatch[] {
  const mismatches: ValueMismatch[] = [];
  for (const t of rr.shape.facets) {
    const actual = rr.facets.find((f) => f.key === t.key);
    if (!actual) continue;
    t.args.forEach((templateArg, argIndex) => {
      const slot = rr.shape.slots.find((s) => s.key === t.key && s.argIndex === argIndex);
      if (slot?.variable === 'virtualInterface') return;
      const expected = slot ? values[slot.variable] : templateArg;
      const got = actual.args[argIndex];
      const span = actual.argSpans[argIndex] ?? rr.rule.span;
      if (got !== expected) {
        mismatches.push({
          key: t.key,
          argIndex,
          actual: got ?? '',
          expected,
          span,
          variable: slot?.variable,
        });
      }
    });
  }
  return mismatches;
}

/** The canonical iptables-save line Istio would write for an entry, with a context's values. */
export function renderExpected(
  entry: CatalogueEntry,
  values: TemplateValues,
  virtualInterface?: string,
): string {
  return renderTemplate(entry.template, virtualInterface ? { ...values, virtualInterface } : values);
}
