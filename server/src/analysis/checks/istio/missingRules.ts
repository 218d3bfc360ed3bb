import type { Check } from '../../check';
import type { Finding, Severity } from '../../findings';
import { finding } from '../../findings';
import { analyzeIstio } from '../../../istio/classify';
import { ambientChains } from '../../../istio/constants';
import type { TableModel } from '../../../model/ruleset';
import type { ParsedDocument } from '../../../parser/parseDocument';
import type { ContextClassification } from '../../../istio/classify';
import { catalogueEntry } from '../../../istio/catalogue';
import { findTarget } from '../../../netfilter/lookup';
import type { ExpectedRule } from '../../../istio/generations';
import { renderExpected } from '../../../istio/recognize';
import { insertBeforeLineEdit, insertionPoint } from './istioEdits';

/**
 * Every rule, jump and chain the detected generation and variant expects but the file lacks
 * (istio-ambient.md §3, §4, §11). The fix inserts the rule at its canonical place, written with the
 * file's own marks and addresses.
 */
export const missingRulesCheck: Check = {
  id: 'istio.missing-rules',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod' && cls.kind !== 'ambient-host') continue;
      findings.push(...missingInContext(doc, cls));
    }
    return findings;
  },
};

function missingInContext(doc: ParsedDocument, cls: ContextClassification): Finding[] {
  const findings: Finding[] = [];
  const ctx = cls.context;
  const reportedTables = new Set<string>();
  for (const expectedChain of cls.expected) {
    const table = ctx.tableByName.get(expectedChain.table);
    // A table that is absent altogether is taken as a partial dump (`iptables-save -t nat`), not as missing rules.
    if (!table) continue;
    const istioChainsPresent = ctx.recognized.some((rr) => rr.table === table) || hasIstioChain(table);
    if (!istioChainsPresent) {
      if (expectedChain.rules.length > 0 && !reportedTables.has(table.name)) {
        reportedTables.add(table.name);
        findings.push(missingTable(cls, table));
      }
      continue;
    }
    for (const expected of expectedChain.rules) {
      const present = ctx.recognized.some(
        (rr) =>
          rr.table === table &&
          rr.rule.chain === expectedChain.chain &&
          rr.id === expected.id &&
          (expected.virtualInterface === undefined || rr.virtualInterface === expected.virtualInterface),
      );
      if (present) continue;
      findings.push(missingRule(doc, cls, table.name, expectedChain.chain, expected));
    }
  }
  return findings;
}

function hasIstioChain(table: TableModel): boolean {
  return Object.values(ambientChains).some((name) => table.chains.get(name)?.declarationSpan !== undefined);
}

function missingTable(cls: ContextClassification, table: TableModel): Finding {
  const consequence =
    table.name === 'mangle'
      ? "the connection-marking rules are absent, so the app's replies on connections ztunnel delivered are not steered back to ztunnel and those connections hang"
      : table.name === 'nat'
        ? 'no traffic is captured: everything bypasses ztunnel (no mTLS, no policy, no telemetry)'
        : "ztunnel's upstream DNS traffic has no conntrack zone of its own: intermittent DNS failures";
  return finding(
    'istio.missing-chain',
    table.nameSpan,
    `This ${cls.context.family === 'ipv6' ? 'IPv6 ' : ''}${table.name} table has none of Istio's chains (ISTIO_PRERT/ISTIO_OUTPUT) although the rest of the dump is an Istio ambient pod: ${consequence}.`,
  );
}

/**
 * Whether the `-j`/`-g` target of a rendered rule is a target module or a chain the table declares:
 * inserting a jump to an undeclared chain would trade the missing rule for a restore error.
 */
function jumpTargetExists(table: TableModel | undefined, renderedRule: string): boolean {
  const target = / -[jg] (\S+)/.exec(renderedRule)?.[1];
  if (target === undefined || findTarget(target)) return true;
  const chain = table?.chains.get(target);
  return chain !== undefined && (chain.builtin || chain.declarationSpan !== undefined);
}

function missingRule(
  doc: ParsedDocument,
  cls: ContextClassification,
  tableName: string,
  chainName: string,
  expected: ExpectedRule,
): Finding {
  const ctx = cls.context;
  const table = ctx.tableByName.get(tableName);
  const entry = catalogueEntry(expected.id);
  const point = table
    ? insertionPoint(cls, table, chainName, expected, entry.isJump)
    : { beforeLine: 0, reportSpan: { line: 0, start: 0, end: 0 }, chainExists: false };
  const text = renderExpected(entry, ctx.values, expected.virtualInterface);
  const where = `${tableName} ${chainName}`;
  const iface = expected.virtualInterface ? ` for interface ${expected.virtualInterface}` : '';
  let code: 'istio.missing-jump' | 'istio.missing-rule' | 'istio.missing-pair-half' = entry.isJump
    ? 'istio.missing-jump'
    : 'istio.missing-rule';
  let severity: Severity = entry.missingSeverity;
  let consequence = entry.consequence;
  const has = (id: string): boolean => ctx.recognized.some((rr) => rr.id === id);
  const variant = cls.variant;
  if ((expected.id === 'R3' && has('R4')) || (expected.id === 'R4' && has('R3'))) {
    code = 'istio.missing-pair-half';
  } else if ((expected.id === 'R3' || expected.id === 'R4') && !has('R3') && !has('R4')) {
    severity = 'warning';
    consequence =
      "DNS answers may collide with the app's own connections in conntrack: intermittent DNS failures";
  } else if (expected.id === 'N1' && variant?.ingress && variant.virtualInterfaces.length === 0) {
    severity = 'information';
    consequence =
      'nothing changes today because nat ISTIO_PRERT is empty in ingress mode, but Istio writes this jump';
  }
  const fixTitle = `Insert Istio's ${expected.id} rule${iface}`;
  return finding(
    code,
    point.reportSpan,
    `Missing ${entry.isJump ? 'jump' : 'Istio rule'} ${expected.id}${iface} in ${where} (${entry.title}): ${consequence}. Expected: ${text}`,
    {
      severity,
      fixes:
        point.chainExists && jumpTargetExists(table, text)
          ? [
              {
                title: fixTitle,
                edits: [insertBeforeLineEdit(doc, point.beforeLine, text)],
                isPreferred: true,
                fixAllKey: 'istio.insert-missing-rule',
              },
            ]
          : undefined,
    },
  );
}
