import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';
import type { ParsedDocument } from '../../../parser/parseDocument';
import { analyzeIstio } from '../../../istio/classify';
import type { ContextClassification } from '../../../istio/classify';
import type { TemplateVariable } from '../../../istio/catalogue';
import { connectionMark, probeSnatAddress, ztunnelMark, ztunnelPorts } from '../../../istio/constants';
import type { RecognizedRule, ValueMismatch } from '../../../istio/recognize';
import { renderExpected } from '../../../istio/recognize';
import { markOptionNames, portOptionNames } from '../../../istio/ruleFacets';
import { replaceLineEdit, replaceSpanEdit } from './istioEdits';

/** The option name of a facet key (`tcp:!destination-port` → `destination-port`). */
function optionOf(key: string): string {
  return key.slice(key.indexOf(':') + 1).replace(/^!/, '');
}
const isMarkKey = (key: string): boolean => key.includes(':') && markOptionNames.has(optionOf(key));
const isPortKey = (key: string): boolean => key.includes(':') && portOptionNames.has(optionOf(key));

const portNames = new Map<number, string>(Object.values(ztunnelPorts).map((p) => [p.port, p.name]));

/**
 * Recognised Istio rules whose values or options differ from what Istio writes: a mark or mask that
 * differs from the rest of the file (or from ztunnel's), a mark without Istio's mask, a port that is not
 * ztunnel's, a missing `! --dport 15008`, or any other added/removed option (istio-ambient.md §2, §3, §11).
 */
export const alteredRulesCheck: Check = {
  id: 'istio.altered-rules',
  run({ doc }) {
    const findings: Finding[] = [];
    for (const cls of analyzeIstio(doc).contexts) {
      if (cls.kind !== 'ambient-inpod' && cls.kind !== 'ambient-host') continue;
      for (const rr of cls.context.recognized) findings.push(...alteredRule(doc, cls, rr));
      findings.push(...nonDefaultValues(cls));
    }
    return findings;
  },
};

function alteredRule(doc: ParsedDocument, cls: ContextClassification, rr: RecognizedRule): Finding[] {
  const findings: Finding[] = [];
  const expectedLine = renderExpected(rr.entry, cls.context.values, rr.virtualInterface);
  if (rr.missingKeys.length > 0 || rr.extraKeys.length > 0) {
    const fix = {
      title: `Rewrite as Istio's ${rr.id} rule`,
      edits: [replaceLineEdit(doc, rr.rule.line, expectedLine)],
      isPreferred: true,
      fixAllKey: 'istio.rewrite-altered-rule',
    };
    if (rr.id === 'N6' && rr.missingKeys.some(isPortKey)) {
      findings.push(
        finding(
          'istio.missing-hbone-exclusion',
          rr.rule.span,
          `${rr.id} (${rr.entry.title}) lacks \`! --dport ${ztunnelPorts.hbone.port}\`: inbound HBONE (mTLS) is pushed into ztunnel's plaintext port ${ztunnelPorts.inboundPlaintext.port} and mesh traffic to this pod breaks.`,
          { fixes: [fix] },
        ),
      );
    } else {
      const parts: string[] = [];
      if (rr.missingKeys.length > 0) parts.push(`lacks ${rr.missingKeys.map(describeKey).join(', ')}`);
      if (rr.extraKeys.length > 0) parts.push(`adds ${rr.extraKeys.map(describeKey).join(', ')}`);
      findings.push(
        finding(
          'istio.rule-altered',
          rr.rule.span,
          `This looks like Istio's ${rr.id} (${rr.entry.title}) but ${parts.join(' and ')}; if it no longer matches what Istio intends, ${rr.entry.consequence}. Istio writes: ${expectedLine}`,
          { fixes: [fix] },
        ),
      );
    }
  }
  for (const m of rr.mismatches) findings.push(valueFinding(rr, m));
  return findings;
}

function valueFinding(rr: RecognizedRule, m: ValueMismatch): Finding {
  const fix = {
    title: `Change ${m.actual} to ${m.expected}`,
    edits: [replaceSpanEdit(m.span, m.expected)],
    isPreferred: true,
    fixAllKey: 'istio.correct-value',
  };
  const what = `${rr.id} (${rr.entry.title})`;
  if (isMarkKey(m.key)) {
    const role = roleOf(m.variable);
    if (!m.actual.includes('/') && m.expected.includes('/')) {
      return finding(
        'istio.mark-without-mask',
        m.span,
        `${what} matches mark ${m.actual} without Istio's mask (${m.expected}): with the implied mask 0xffffffff, packets whose other mark bits are set no longer match, so ${rr.entry.consequence}.`,
        { fixes: [fix] },
      );
    }
    return finding(
      'istio.wrong-mark',
      m.span,
      `${what} uses ${m.actual} where ${role} is ${m.expected}: ${rr.entry.consequence}.`,
      { fixes: [fix] },
    );
  }
  if (isPortKey(m.key)) {
    const expectedPort = Number(m.expected);
    const actualPort = Number(m.actual);
    const expectedName = portNames.get(expectedPort) ?? `port ${m.expected}`;
    const actualName = portNames.get(actualPort);
    return finding(
      'istio.wrong-port',
      m.span,
      `${what} uses port ${m.actual}${actualName ? ` (${actualName})` : ", which is not one of ztunnel's,"} where Istio uses ${m.expected} (${expectedName}): ${rr.entry.consequence}.`,
      { fixes: [fix] },
    );
  }
  return finding(
    'istio.rule-altered',
    m.span,
    `${what} has ${m.actual} where ${m.variable ? 'the rest of this rule set uses' : 'Istio writes'} ${m.expected}: ${rr.entry.consequence}.`,
    { fixes: [fix] },
  );
}

function roleOf(variable: TemplateVariable | undefined): string {
  if (variable === 'ztunnelMark') return "ztunnel's mark, as used by the rest of this rule set,";
  if (variable === 'connectionMark') return 'the connection mark, as used by the rest of this rule set,';
  return "Istio's value";
}

function describeKey(key: string): string {
  const neg = key.includes('!') ? '! ' : '';
  const bare = key.replace('!', '');
  const generic: Record<string, string> = { p: '-p', s: '-s', d: '-d', i: '-i', o: '-o' };
  if (generic[bare]) return `\`${neg}${generic[bare]}\``;
  const [module, option] = bare.split(':');
  if (module === 'j') return `target option \`--${option}\``;
  return option ? `\`-m ${module} ${neg}--${option}\`` : `\`-m ${module}\``;
}

const nonDefaultText: Partial<Record<TemplateVariable, (value: string, family: string) => string>> = {
  ztunnelMark: (v) =>
    `This rule set uses ${v} as ztunnel's mark; Istio's default is ${ztunnelMark.text} (${ztunnelMark.summary}). It works only if ztunnel and the istio-cni agent were configured with the same value.`,
  connectionMark: (v) =>
    `This rule set uses ${v} as the connection mark; Istio's default is ${connectionMark.text}. The policy-routing rule (fwmark … lookup 100) must use the same value.`,
  probe: (v, family) =>
    `This rule set lets kubelet probes in from ${v}; Istio's default is ${family === 'ipv6' ? probeSnatAddress.ipv6.text : probeSnatAddress.ipv4.text}. The node's ISTIO_POSTRT SNAT (HOST_PROBE_SNAT_IP${family === 'ipv6' ? 'V6' : ''}) must use the same address.`,
};

function nonDefaultValues(cls: ContextClassification): Finding[] {
  const findings: Finding[] = [];
  for (const [variable, value] of cls.context.nonDefault) {
    const text = nonDefaultText[variable];
    if (!text) continue;
    const first = cls.context.recognized.find((rr) =>
      rr.shape.slots.some(
        (s) =>
          s.variable === variable && rr.facets.some((f) => f.key === s.key && f.args[s.argIndex] === value),
      ),
    );
    if (!first) continue;
    findings.push(finding('istio.nondefault-value', first.rule.span, text(value, cls.context.family)));
  }
  return findings;
}
