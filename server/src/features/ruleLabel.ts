import type { Match, Rule } from '../model/rule';
import { isUnknownMatch } from '../model/rule';

/**
 * A short human name for a rule, built from its target and key matches, for the outline and the
 * breadcrumbs: `REDIRECT 15001 · tcp ! -d 127.0.0.1/32 mark !0x539/0xfff`.
 */
export function ruleLabel(rule: Rule): string {
  const target = rule.target;
  const head = target ? targetLabel(rule) : '(count only)';
  const keys = keyMatches(rule);
  const label = keys.length > 0 ? `${head} · ${keys.join(' ')}` : head;
  return label.length > 120 ? `${label.slice(0, 119)}…` : label;
}

function targetLabel(rule: Rule): string {
  const t = rule.target;
  if (!t) return '';
  const prefix = t.goto ? 'goto ' : '';
  switch (t.kind) {
    case 'REDIRECT':
    case 'MASQUERADE':
      return t.toPorts ? `${t.name} ${t.toPorts.text}` : t.name;
    case 'TPROXY':
      return t.onPort !== undefined ? `${t.name} ${t.onPort}` : t.name;
    case 'DNAT':
      return t.toDestination ? `${t.name} ${t.toDestination.text}` : t.name;
    case 'SNAT':
      return t.toSource ? `${t.name} ${t.toSource.text}` : t.name;
    case 'MARK':
    case 'CONNMARK':
      return t.op && t.op.kind === 'set-xmark'
        ? `${t.name} ${hex(t.op.value)}/${hex(t.op.mask)}`
        : optionLabel(t.name, t.op?.kind);
    case 'CT':
      return t.notrack ? `${t.name} notrack` : t.zone !== undefined ? `${t.name} zone ${t.zone}` : t.name;
    case 'REJECT':
      return t.rejectWith ? `${t.name} ${t.rejectWith}` : t.name;
    default:
      return `${prefix}${t.name}`;
  }
}

function optionLabel(name: string, op: string | undefined): string {
  return op ? `${name} ${op}` : name;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function keyMatches(rule: Rule): string[] {
  const parts: string[] = [];
  const not = (negated: boolean): string => (negated ? '!' : '');
  if (rule.protocol) parts.push(`${not(rule.protocol.negated)}${rule.protocol.value}`);
  if (rule.source)
    parts.push(`${rule.source.negated ? '! ' : ''}-s ${rule.source.value.map((a) => a.text).join(',')}`);
  if (rule.destination) {
    parts.push(
      `${rule.destination.negated ? '! ' : ''}-d ${rule.destination.value.map((a) => a.text).join(',')}`,
    );
  }
  if (rule.inInterface)
    parts.push(`${rule.inInterface.negated ? '! ' : ''}-i ${rule.inInterface.value.name}`);
  if (rule.outInterface)
    parts.push(`${rule.outInterface.negated ? '! ' : ''}-o ${rule.outInterface.value.name}`);
  for (const m of rule.matches) {
    const text = matchLabel(m);
    if (text) parts.push(text);
  }
  return parts;
}

function matchLabel(m: Match): string | undefined {
  if (isUnknownMatch(m)) return m.module;
  const not = (negated: boolean): string => (negated ? '!' : '');
  switch (m.module) {
    case 'tcp':
    case 'udp': {
      const out: string[] = [];
      if (m.sport) out.push(`sport ${not(m.sport.negated)}${m.sport.value.text}`);
      if (m.dport) out.push(`dport ${not(m.dport.negated)}${m.dport.value.text}`);
      return out.length > 0 ? out.join(' ') : undefined;
    }
    case 'multiport': {
      const ports = m.dports ?? m.sports ?? m.ports;
      return ports ? `ports ${not(ports.negated)}${ports.value.map((p) => p.text).join(',')}` : 'multiport';
    }
    case 'mark':
    case 'connmark':
      return m.mark ? `${m.module} ${not(m.mark.negated)}${m.mark.value.text}` : m.module;
    case 'conntrack':
      return m.ctstate ? `ctstate ${not(m.ctstate.negated)}${m.ctstate.value.join(',')}` : 'conntrack';
    case 'state':
      return m.state ? `state ${not(m.state.negated)}${m.state.value.join(',')}` : 'state';
    case 'comment':
      return undefined;
    default:
      return m.module;
  }
}
