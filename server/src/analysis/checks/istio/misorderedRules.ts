import type { Check } from '../../check';
import type { Finding, Severity } from '../../findings';
import { finding } from '../../findings';
import type { ParsedDocument } from '../../../parser/parseDocument';
import type { Rule } from '../../../model/rule';
import { analyzeIstio } from '../../../istio/classify';
import type { ContextClassification } from '../../../istio/classify';
import type { SidecarRuleRole } from '../../../istio/orderConstraints';
import {
  firstInChainConstraints,
  orderConstraints,
  sidecarOrderConstraints,
  sidecarRuleRoles,
} from '../../../istio/orderConstraints';
import type { Facet } from '../../../istio/ruleFacets';
import { ruleFacets } from '../../../istio/ruleFacets';
import type { TableModel } from '../../../model/ruleset';
import type { TextEditData } from '../../../model/span';
import type { RecognizedRule } from '../../../istio/recognize';
import { expectedInpodRuleSet } from '../../../istio/generations';
import {
  canonicalRank,
  deleteLineEdit,
  editorLineText,
  insertBeforeLineEdit,
  reorderChainEdit,
} from './istioEdits';

const severityRank: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/**
 * Order constraints of istio-ambient.md §3, §4, §9 and §11, read from istio/orderConstraints.ts. The rule
 * that sits too early is flagged; the fix restores Istio's order of the chain in one edit.
 */
export const misorderedRulesCheck: Check = {
  id: 'istio.misordered-rules',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind === 'ambient-inpod' || cls.kind === 'ambient-host') {
        findings.push(...pairViolations(doc, cls), ...firstInChainViolations(doc, cls));
      } else if (cls.kind === 'sidecar') {
        findings.push(...sidecarViolations(doc, cls));
      }
    }
    return findings;
  },
};

/** A rule under the name the order constraints know it by (catalogue id or sidecar role). */
interface PlacedRule {
  readonly id: string;
  readonly rule: Rule;
  readonly table: TableModel;
  /** For messages: `N12 (outbound capture → ztunnel 15001)`, or a sidecar role's title. */
  readonly label: string;
  /** For related information: `N12`, or the role's title. */
  readonly shortLabel: string;
  /** Constraints marked per interface / per owner only tie rules that share this. */
  readonly group?: string;
}

/** The fields of an ambient or a sidecar order constraint this check reads. */
interface PairConstraint {
  readonly table: string;
  readonly chain: string;
  readonly before: string;
  readonly after: string;
  readonly sameGroup: boolean;
  readonly severity: Severity;
  readonly consequence: string;
}

interface Violation {
  readonly late: PlacedRule;
  readonly severity: Severity;
  readonly consequence: string;
}

/** Every rule that comes before a rule it must follow, with what that breaks; keyed by the early rule. */
function collectViolations(
  placed: readonly PlacedRule[],
  constraints: readonly PairConstraint[],
): Map<PlacedRule, Violation[]> {
  const byFlagged = new Map<PlacedRule, Violation[]>();
  for (const c of constraints) {
    const inChain = (id: string): PlacedRule[] =>
      placed.filter((p) => p.table.name === c.table && p.rule.chain === c.chain && p.id === id);
    const afters = inChain(c.after);
    for (const b of inChain(c.before)) {
      for (const a of afters) {
        if (a.table !== b.table || a.rule.line > b.rule.line) continue;
        if (c.sameGroup && a.group !== b.group) continue;
        const list = byFlagged.get(a) ?? [];
        list.push({ late: b, severity: c.severity, consequence: c.consequence });
        byFlagged.set(a, list);
      }
    }
  }
  return byFlagged;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One finding per early rule; rules whose violations share a consequence are named together. */
function misorderFinding(
  flagged: PlacedRule,
  violations: readonly Violation[],
  edit: TextEditData | undefined,
): Finding {
  const severity = violations.reduce<Severity>(
    (s, v) => (severityRank[v.severity] > severityRank[s] ? v.severity : s),
    'hint',
  );
  const byConsequence = new Map<string, string[]>();
  for (const v of violations) {
    const labels = byConsequence.get(v.consequence) ?? [];
    labels.push(v.late.label);
    byConsequence.set(v.consequence, labels);
  }
  const details = [...byConsequence]
    .map(([consequence, labels]) => `before ${labels.join(' and ')}: ${consequence}`)
    .join('; ');
  return finding(
    'istio.misordered-rule',
    flagged.rule.span,
    `${capitalize(flagged.label)} comes ${details}.`,
    {
      severity,
      related: violations.map((v) => ({
        span: v.late.rule.span,
        message: `${capitalize(v.late.shortLabel)} should come first`,
      })),
      fixes: edit
        ? [
            {
              title: `Restore Istio's order in ${flagged.table.name} ${flagged.rule.chain}`,
              edits: [edit],
              isPreferred: true,
              fixAllKey: 'istio.restore-order',
            },
          ]
        : undefined,
    },
  );
}

function pairViolations(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const rec = cls.context.recognized;
  const placed = rec.map((r): PlacedRule => ({
    id: r.id,
    rule: r.rule,
    table: r.table,
    label: `${r.id} (${r.entry.title})`,
    shortLabel: r.id,
    group: r.virtualInterface,
  }));
  const constraints = orderConstraints.map((c) => ({ ...c, sameGroup: c.sameInterface === true }));
  const findings: Finding[] = [];
  for (const [flagged, violations] of collectViolations(placed, constraints)) {
    const chainRules = rec.filter((r) => r.table === flagged.table && r.rule.chain === flagged.rule.chain);
    findings.push(misorderFinding(flagged, violations, reorderChainEdit(doc, bestRanking(cls, chainRules))));
  }
  return findings;
}

/**
 * Ranks a chain's Istio rules by canonical order. The order of the virtual-interface pairs is the
 * annotation's, which a dump does not record, so every order of the interfaces found is tried and the
 * one that moves the fewest lines wins (ties keep the order the interfaces first appear in).
 */
function bestRanking(
  cls: ContextClassification,
  chainRules: readonly RecognizedRule[],
): { rr: RecognizedRule; rank: number }[] {
  const interfaces = cls.variant?.virtualInterfaces ?? [];
  const orders = interfaces.length > 1 && interfaces.length <= 5 ? permutations(interfaces) : [interfaces];
  let best: { rr: RecognizedRule; rank: number }[] = [];
  let bestUnchanged = -1;
  for (const order of orders) {
    const variantCls: ContextClassification = cls.variant
      ? { ...cls, expected: expectedInpodRuleSet({ ...cls.variant, virtualInterfaces: order }) }
      : cls;
    const ranked = chainRules
      .map((rr) => ({ rr, rank: canonicalRank(variantCls, rr) }))
      .filter((x): x is { rr: RecognizedRule; rank: number } => x.rank !== undefined);
    const slots = ranked.map((x) => x.rr.rule.line).sort((a, b) => a - b);
    const sorted = [...ranked].sort((a, b) => a.rank - b.rank || a.rr.rule.line - b.rr.rule.line);
    const unchanged = sorted.filter((x, i) => x.rr.rule.line === slots[i]).length;
    if (unchanged > bestUnchanged) {
      best = ranked;
      bestUnchanged = unchanged;
    }
  }
  return best;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function moveToFrontEdits(
  doc: ParsedDocument,
  rule: Rule,
  firstLine: number,
): ReturnType<typeof deleteLineEdit>[] {
  const text = editorLineText(doc, rule.line) ?? '';
  return [insertBeforeLineEdit(doc, firstLine, text), deleteLineEdit(rule.line)];
}

function firstInChainViolations(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const findings: Finding[] = [];
  for (const c of firstInChainConstraints) {
    for (const rr of cls.context.recognized.filter((r) => r.id === c.id && r.table.name === c.table)) {
      const chain = rr.table.chains.get(c.chain);
      const first = chain?.rules[0];
      if (!first || first === rr.rule) continue;
      findings.push(
        finding(
          'istio.misordered-rule',
          rr.rule.span,
          `${rr.id} (${rr.entry.title}) is not the first rule of ${c.table} ${c.chain}: ${c.consequence}.`,
          {
            severity: c.severity,
            related: [{ span: first.span, message: 'this rule runs first' }],
            fixes: [
              {
                title: `Move ${rr.id} to the top of ${c.chain}`,
                edits: moveToFrontEdits(doc, rr.rule, first.line),
                isPreferred: true,
                fixAllKey: 'istio.restore-order',
              },
            ],
          },
        ),
      );
    }
  }
  return findings;
}

/**
 * Sidecar rules by role (istio/orderConstraints.ts), each with its rank in istio-iptables' order. Owner
 * rules rank by triple: one uid or gid value after the other, in the order the file names them first.
 */
function placeSidecarRules(cls: ContextClassification): { rule: PlacedRule; rank: number }[] {
  const out: { rule: PlacedRule; rank: number }[] = [];
  const chains = new Set(sidecarRuleRoles.map((r) => `${r.table} ${r.chain}`));
  for (const key of chains) {
    const [tableName, chainName] = key.split(' ') as [string, string];
    const table = cls.context.tableByName.get(tableName);
    const chain = table?.chains.get(chainName);
    if (!table || !chain) continue;
    const roles = sidecarRuleRoles.filter((r) => r.table === tableName && r.chain === chainName);
    const ownerValues = new Map<string, string[]>();
    for (const rule of chain.rules) {
      const facets = ruleFacets(rule);
      const index = roles.findIndex((role) => fitsRole(role, facets));
      const role = roles[index];
      if (!role) continue;
      let rank = index * 1000;
      let owner: string | undefined;
      if (role.owner) {
        const ownerKind = role.owner.kind;
        owner = facets.find((f) => f.key === role.owner?.key)?.args[0] ?? '';
        const seen = ownerValues.get(ownerKind) ?? [];
        if (!seen.includes(owner)) seen.push(owner);
        ownerValues.set(ownerKind, seen);
        const blockStart = roles.findIndex((r) => r.owner?.kind === ownerKind);
        rank = blockStart * 1000 + seen.indexOf(owner) * 10 + (index - blockStart);
      }
      const label = role.title.replace('{owner}', owner ?? '');
      out.push({ rule: { id: role.id, rule, table, label, shortLabel: label, group: owner }, rank });
    }
  }
  return out;
}

function fitsRole(role: SidecarRuleRole, facets: readonly Facet[]): boolean {
  const meets = role.requires.every((req) =>
    facets.some((f) => req.keys.includes(f.key) && (!req.values || req.values.includes(f.args[0] ?? ''))),
  );
  if (!meets || !role.exact) return meets;
  return facets.every((f) => f.key === 'p' || role.requires.some((req) => req.keys.includes(f.key)));
}

function sidecarViolations(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const ranked = placeSidecarRules(cls);
  const constraints = sidecarOrderConstraints.map((c) => ({ ...c, sameGroup: c.sameOwner === true }));
  const findings: Finding[] = [];
  for (const [flagged, violations] of collectViolations(
    ranked.map((r) => r.rule),
    constraints,
  )) {
    const chainRanks = ranked.filter(
      (r) => r.rule.table === flagged.table && r.rule.rule.chain === flagged.rule.chain,
    );
    findings.push(misorderFinding(flagged, violations, reorderChainEdit(doc, leastMovingOrder(chainRanks))));
  }
  return findings;
}

/**
 * Istio's order with the fewest lines moved. Rules of equal rank (port exclusions, CIDR RETURNs) may come
 * in any order, and the dump does not record the configured one, so each rank's rules keep the slots they
 * already hold in that rank's range and only the others move, in their current order. After a swap of
 * two lines this gives back the original order.
 */
function leastMovingOrder(
  items: readonly { rule: PlacedRule; rank: number }[],
): { rr: PlacedRule; rank: number }[] {
  const slots = items.map((i) => i.rule.rule.line).sort((a, b) => a - b);
  const byRank = [...items].sort((a, b) => a.rank - b.rank || a.rule.rule.line - b.rule.rule.line);
  const atSlot = new Map<number, PlacedRule>();
  for (let start = 0; start < byRank.length;) {
    let end = start;
    while (end < byRank.length && byRank[end]?.rank === byRank[start]?.rank) end++;
    const range = slots.slice(start, end);
    const group = byRank.slice(start, end).map((i) => i.rule);
    const staying = group.filter((r) => range.includes(r.rule.line));
    const free = range.filter((line) => !staying.some((r) => r.rule.line === line));
    for (const r of staying) atSlot.set(r.rule.line, r);
    group.filter((r) => !staying.includes(r)).forEach((r, k) => atSlot.set(free[k] as number, r));
    start = end;
  }
  return slots.flatMap((line, rank) => {
    const rr = atSlot.get(line);
    return rr ? [{ rr, rank }] : [];
  });
}
