import type { RuleId } from './catalogue';
import { ambientChains } from './constants';

/**
 * Rule-set generations and variants of Istio ambient in-pod rules, and the rule set each one expects
 * (istio-ambient.md §3.4, §8). Source: istio/istio `cni/pkg/iptables/iptables.go` at release tags
 * 1.22.0, 1.23.6, 1.24.0, 1.26.0, 1.28.0 and snapshot 86c9f01; the goldens in `cni/pkg/iptables/testdata/`.
 */

/** How inbound traffic is captured. */
export type CaptureGeneration =
  /** TPROXY in mangle ISTIO_PRERT, no nat ISTIO_PRERT: 1.21–1.23.x default, 1.24 opt-in. */
  | 'tproxy'
  /** REDIRECT to 15006 in nat ISTIO_PRERT: 1.23.1+ opt-in, 1.24+ default, the only mode from 1.25. */
  | 'redirect';

/** Which DNS capture rules a pod carries. */
export type DnsForm =
  /** N8 + N9 with the ztunnel-mark exclusion plus raw R1–R4 (1.24+). */
  | 'marked'
  /** Only N8L, the UDP rule without mark exclusion (1.21–1.23). */
  | 'legacy'
  /** No DNS rules: DNS capture off for this pod. */
  | 'off';

/** Everything that decides which rules an in-pod rule set should contain. */
export interface InpodVariant {
  readonly generation: CaptureGeneration;
  readonly dns: DnsForm;
  /** `ambient.istio.io/bypass-inbound-capture`: no N5/N6 (REDIRECT generation only). */
  readonly ingress: boolean;
  /** Whether M3 is expected: always, except ingress mode as written by 1.24–1.28. */
  readonly expectsConnmarkRule: boolean;
  /** Interfaces of `istio.io/reroute-virtual-interfaces`, in file order. */
  readonly virtualInterfaces: readonly string[];
}

/** One expected rule: a catalogue id, and the interface for the per-interface pair. */
export interface ExpectedRule {
  readonly id: RuleId;
  readonly virtualInterface?: string;
}

/** The expected rules of one chain, in Istio's append order (which is also their canonical order). */
export interface ExpectedChain {
  readonly table: 'mangle' | 'nat' | 'raw';
  readonly chain: string;
  readonly rules: readonly ExpectedRule[];
}

const PRERT = ambientChains.prerouting;
const OUTPUT = ambientChains.output;

/** The expected in-pod rule set of a variant, per table and chain, in canonical order. */
export function expectedInpodRuleSet(v: InpodVariant): ExpectedChain[] {
  const chains: ExpectedChain[] = [];
  const ids = (...list: RuleId[]): ExpectedRule[] => list.map((id) => ({ id }));
  const manglePrert: RuleId[] = v.expectsConnmarkRule ? ['M3'] : [];
  if (v.generation === 'tproxy') manglePrert.push('T1', 'T2', 'T3', 'T4', 'T5');
  chains.push(
    { table: 'mangle', chain: 'PREROUTING', rules: ids('M1') },
    { table: 'mangle', chain: 'OUTPUT', rules: ids('M2') },
    { table: 'mangle', chain: OUTPUT, rules: ids('M4') },
    { table: 'mangle', chain: PRERT, rules: ids(...manglePrert) },
  );
  if (v.dns === 'marked') {
    chains.push(
      { table: 'raw', chain: 'PREROUTING', rules: ids('R1') },
      { table: 'raw', chain: 'OUTPUT', rules: ids('R2') },
      { table: 'raw', chain: OUTPUT, rules: ids('R3') },
      { table: 'raw', chain: PRERT, rules: ids('R4') },
    );
  }
  const dnsRules: RuleId[] = v.dns === 'marked' ? ['N8', 'N9'] : v.dns === 'legacy' ? ['N8L'] : [];
  const natOutput: RuleId[] = ['N7', ...dnsRules, 'N10', 'N11', 'N12'];
  if (v.generation === 'redirect') {
    const natPrert: ExpectedRule[] = v.virtualInterfaces.flatMap((virtualInterface) => [
      { id: 'N3' as const, virtualInterface },
      { id: 'N4' as const, virtualInterface },
    ]);
    if (!v.ingress) natPrert.push({ id: 'N5' }, { id: 'N6' });
    chains.push({ table: 'nat', chain: 'PREROUTING', rules: ids('N1') });
    chains.push({ table: 'nat', chain: 'OUTPUT', rules: ids('N2') });
    chains.push({ table: 'nat', chain: OUTPUT, rules: ids(...natOutput) });
    chains.push({ table: 'nat', chain: PRERT, rules: natPrert });
  } else {
    chains.push({ table: 'nat', chain: 'OUTPUT', rules: ids('N2') });
    chains.push({ table: 'nat', chain: OUTPUT, rules: ids(...natOutput) });
  }
  return chains;
}

/** The host (node netns) rule set: H1 first in POSTROUTING, H2 in ISTIO_POSTRT. */
export const expectedHostRuleSet: readonly ExpectedChain[] = [
  { table: 'nat', chain: 'POSTROUTING', rules: [{ id: 'H1' }] },
  { table: 'nat', chain: ambientChains.hostPostrouting, rules: [{ id: 'H2' }] },
];

/** A range of Istio releases, e.g. 1.25 → (open). */
export interface VersionRange {
  /** First minor release, e.g. `1.25`. */
  readonly from: string;
  /** Last release, inclusive (`1.28`, `1.23.x`); open when absent. */
  readonly to?: string;
  /** Non-default settings under which other releases produce the same rules. */
  readonly alsoWith?: string;
}

/** Formats a range as "1.25+" or "1.24–1.28", with the alternative in parentheses. */
export function formatVersionRange(r: VersionRange): string {
  const core = r.to === undefined ? `${r.from}+` : r.from === r.to ? r.from : `${r.from}–${r.to}`;
  return r.alsoWith ? `${core} (${r.alsoWith})` : core;
}

/**
 * The Istio releases whose default settings write a variant, with the non-default settings that
 * reproduce it elsewhere (istio-ambient.md §8, §8.1, §8.2).
 */
export function versionRangeOf(v: InpodVariant): VersionRange {
  if (v.generation === 'tproxy') {
    if (v.dns === 'marked') return { from: '1.24', to: '1.24', alsoWith: 'AMBIENT_TPROXY_REDIRECTION=true' };
    if (v.dns === 'legacy') return { from: '1.21', to: '1.23.x' };
    return {
      from: '1.21',
      to: '1.23.x',
      alsoWith: '1.24 with AMBIENT_TPROXY_REDIRECTION=true and DNS capture off',
    };
  }
  if (v.dns === 'legacy')
    return { from: '1.23.1', to: '1.23.x', alsoWith: 'AMBIENT_TPROXY_REDIRECTION=false' };
  if (v.virtualInterfaces.length > 0) {
    if (v.ingress && !v.expectsConnmarkRule) return { from: '1.25', to: '1.28' };
    return v.ingress ? { from: '1.29' } : { from: '1.25' };
  }
  if (v.ingress) return v.expectsConnmarkRule ? { from: '1.29' } : { from: '1.24', to: '1.28' };
  if (v.dns === 'marked') return { from: '1.25', alsoWith: 'or 1.24 with DNS capture enabled' };
  return { from: '1.24', alsoWith: 'or 1.23.1+ with AMBIENT_TPROXY_REDIRECTION=false' };
}
