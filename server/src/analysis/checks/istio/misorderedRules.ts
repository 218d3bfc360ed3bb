import type { Check } from '../../check';
import type { Finding, Severity } from '../../findings';
import { finding } from '../../findings';
import type { ParsedDocument } from '../../../parser/parseDocument';
import type { Rule } from '../../../model/rule';
import { analyzeIstio } from '../../../istio/classify';
import type { ContextClassification } from '../../../istio/classify';
import {
  firstInChainConstraints,
  orderConstraints,
  sidecarCatchAllConstraints,
} from '../../../istio/orderConstraints';
import type { RecognizedRule } from '../../../istio/recognize';
import { expectedInpodRuleSet } from '../../../istio/generations';
import {
  canonicalRank,
  deleteLineEdit,
  documentLines,
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

interface Violation {
  readonly early: RecognizedRule;
  readonly late: RecognizedRule;
  readonly severity: Severity;
  readonly consequence: string;
}

function pairViolations(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const byFlagged = new Map<RecognizedRule, Violation[]>();
  const rec = cls.context.recognized;
  for (const c of orderConstraints) {
    const befores = rec.filter(
      (r) => r.table.name === c.table && r.rule.chain === c.chain && r.id === c.before,
    );
    const afters = rec.filter(
      (r) => r.table.name === c.table && r.rule.chain === c.chain && r.id === c.after,
    );
    for (const b of befores) {
      for (const a of afters) {
        if (a.table !== b.table || a.rule.line > b.rule.line) continue;
        if (c.sameInterface && a.virtualInterface !== b.virtualInterface) continue;
        const list = byFlagged.get(a) ?? [];
        list.push({ early: a, late: b, severity: c.severity, consequence: c.consequence });
        byFlagged.set(a, list);
      }
    }
  }
  const findings: Finding[] = [];
  for (const [flagged, violations] of byFlagged) {
    const severity = violations.reduce<Severity>(
      (s, v) => (severityRank[v.severity] > severityRank[s] ? v.severity : s),
      'hint',
    );
    const details = violations
      .map((v) => `before ${v.late.id} (${v.late.entry.title}): ${v.consequence}`)
      .join('; ');
    const chainRules = rec.filter((r) => r.table === flagged.table && r.rule.chain === flagged.rule.chain);
    const edit = reorderChainEdit(doc, bestRanking(cls, chainRules));
    findings.push(
      finding(
        'istio.misordered-rule',
        flagged.rule.span,
        `${flagged.id} (${flagged.entry.title}) comes ${details}.`,
        {
          severity,
          related: violations.map((v) => ({
            span: v.late.rule.span,
            message: `${v.late.id} should come first`,
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
      ),
    );
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
  const text = documentLines(doc)[rule.line] ?? '';
  return [insertBeforeLineEdit(firstLine, text.replace(/\r$/, '')), deleteLineEdit(rule.line)];
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

function sidecarViolations(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const findings: Finding[] = [];
  for (const c of sidecarCatchAllConstraints) {
    const chain = cls.context.tableByName.get(c.table)?.chains.get(c.chain);
    if (!chain) continue;
    const catchAll = chain.rules.find(
      (r) =>
        r.target?.kind === 'chain' &&
        r.target.name === c.catchAllTarget &&
        r.matches.every((m) => m.options.length === 0) &&
        !r.source &&
        !r.destination &&
        !r.inInterface &&
        !r.outInterface,
    );
    if (!catchAll) continue;
    const laterReturns = chain.rules.filter((r) => r.line > catchAll.line && r.target?.kind === 'RETURN');
    if (laterReturns.length === 0) continue;
    const lastLine = chain.rules[chain.rules.length - 1]?.line ?? catchAll.line;
    const text = (documentLines(doc)[catchAll.line] ?? '').replace(/\r$/, '');
    findings.push(
      finding(
        'istio.misordered-rule',
        catchAll.span,
        `The catch-all jump to ${c.catchAllTarget} comes before ${laterReturns.length} RETURN rule(s) of ${c.chain}: ${c.consequence}.`,
        {
          severity: c.severity,
          related: laterReturns.map((r) => ({ span: r.span, message: 'never reached for matching traffic' })),
          fixes: [
            {
              title: `Move the catch-all jump to the end of ${c.chain}`,
              edits: [insertBeforeLineEdit(lastLine + 1, text), deleteLineEdit(catchAll.line)],
              fixAllKey: 'istio.restore-order',
            },
          ],
        },
      ),
    );
  }
  return findings;
}
