import type { AddressSpec } from '../../model/rule';
import type { MarkConstant } from '../../istio/constants';
import {
  ambientChains,
  connectionMark,
  loopbackAddress,
  policyRouting,
  probeSnatAddress,
  settings,
  sidecarPorts,
  ztunnelMark,
  ztunnelPorts,
} from '../../istio/constants';
import { catalogueEntries } from '../../istio/catalogue';
import {
  addressRoleDocs,
  probeIpsetDocs,
  sidecarChainDocs,
  sidecarMarks,
  sidecarPortDocs,
} from '../../istio/hoverDocs';
import { canonicalAddress } from '../../format/addresses';
import type { IstioContext } from './istioContext';
import { isAmbient, isSidecarChain } from './istioContext';
import { hex32 } from './marks';

/**
 * What a value means to Istio in this document. Every fact is read from istio/ data; nothing here is
 * said unless the document is an Istio rule set of the matching kind, so a plain firewall's port 15001
 * stays a plain port.
 */

/** Sidecar or ambient for one rule: the chain decides first (a sidecar chain in an ambient file is sidecar). */
function flavourOf(ctx: IstioContext, chain: string | undefined): 'ambient' | 'sidecar' | undefined {
  if (chain !== undefined && isSidecarChain(chain)) return 'sidecar';
  if (isAmbient(ctx.kind)) return 'ambient';
  if (ctx.kind === 'sidecar') return 'sidecar';
  return undefined;
}

/** Lines explaining a `value/mask` in Istio terms, or none (ambient and sidecar use 0x539 with different masks). */
export function istioMarkMeaning(
  ctx: IstioContext,
  chain: string | undefined,
  value: number,
  mask: number,
): string[] {
  const flavour = flavourOf(ctx, chain);
  if (flavour === 'ambient') {
    for (const constant of [ztunnelMark, connectionMark]) {
      const lines = ambientMarkLines(constant, value, mask);
      if (lines.length > 0) return lines;
    }
    return [];
  }
  if (flavour === 'sidecar') {
    const doc = sidecarMarks.find((m) => m.value === value >>> 0 && m.mask === mask >>> 0);
    return doc ? [`**Istio sidecar:** ${doc.summary}.`, `_(${doc.source.file})_`] : [];
  }
  return [];
}

function ambientMarkLines(constant: MarkConstant, value: number, mask: number): string[] {
  if (constant.value !== value >>> 0) return [];
  if (constant.mask === mask >>> 0) {
    const lines = [`**Istio ambient \`${constant.text}\`:** ${constant.summary}.`];
    if (constant === connectionMark) {
      lines.push(`Policy routing (not in the dump): ${policyRouting.assumption}.`);
    }
    lines.push(`_(${constant.source.file})_`);
    return lines;
  }
  return [
    `**Istio ambient** uses ${hex32(constant.value)} with mask ${hex32(constant.mask)} (\`${constant.text}\`: ${constant.summary}); with mask ${hex32(mask)} this tests other bits and means something else.`,
  ];
}

/** One line on what a port is to Istio in this document, or undefined. */
export function istioPortMeaning(
  ctx: IstioContext,
  chain: string | undefined,
  port: number,
): string | undefined {
  const flavour = flavourOf(ctx, chain);
  if (flavour === 'ambient') {
    const constant = Object.values(ztunnelPorts).find((p) => p.port === port);
    return constant
      ? `**Istio ambient ${port}:** ${constant.summary}. _(${constant.source.file})_`
      : undefined;
  }
  if (flavour === 'sidecar') {
    const doc = sidecarPortDocs.find((p) => p.port === port);
    return doc ? `**Istio sidecar ${port}:** ${doc.summary}. _(${doc.source.file})_` : undefined;
  }
  return undefined;
}

/** One line on what an address is to Istio in this document, or undefined. */
export function istioAddressMeaning(
  ctx: IstioContext,
  chain: string | undefined,
  spec: AddressSpec,
): string | undefined {
  const flavour = flavourOf(ctx, chain);
  if (flavour === undefined) return undefined;
  const text = canonicalAddress(spec);
  const bare = text.replace(/\/\d+$/, '');
  for (const probe of [probeSnatAddress.ipv4, probeSnatAddress.ipv6]) {
    if (text === probe.text || bare === probe.bare) {
      const setting = settings.find((s) => s.name.startsWith('HOST_PROBE_SNAT_IP'));
      const changed = setting ? ` Changed with \`${setting.name}\`.` : '';
      return `**Istio:** ${probe.summary}.${changed} _(${probe.source.file})_`;
    }
  }
  if (text === loopbackAddress.ipv4 || text === loopbackAddress.ipv6) {
    return flavour === 'ambient'
      ? `**Istio ambient:** ${addressRoleDocs.ambientLoopback}.`
      : `**Istio sidecar:** ${addressRoleDocs.sidecarLoopback}.`;
  }
  if (flavour === 'sidecar' && text === sidecarPorts.inboundPassthroughSource) {
    return `**Istio sidecar:** ${addressRoleDocs.sidecarPassthrough}.`;
  }
  return undefined;
}

/** Lines on an `ISTIO_*` chain: what it holds, which catalogue rules belong in it, which annotations change it. */
export function istioChainMeaning(ctx: IstioContext, table: string, chain: string): string[] {
  if (isSidecarChain(chain)) {
    return [`**Istio sidecar chain:** ${sidecarChainDocs[chain as keyof typeof sidecarChainDocs]}.`];
  }
  if (!isAmbient(ctx.kind) || !(Object.values(ambientChains) as string[]).includes(chain)) return [];
  const entries = catalogueEntries.filter((e) => e.table === table && e.chain === chain);
  const lines = [`**Istio ambient chain** (${table}).`];
  if (entries.length > 0) {
    lines.push(`Expected rules: ${entries.map((e) => `${e.id} ${e.title}`).join('; ')}.`);
  }
  const annotations = settings.filter(
    (s) => s.kind === 'annotation' && s.effect.includes(`${table} ${chain}`),
  );
  for (const a of annotations) lines.push(`\`${a.name}\`: ${a.effect}`);
  return lines;
}

/** One line on an ipset name Istio uses, or undefined. */
export function istioIpsetMeaning(ctx: IstioContext, name: string): string | undefined {
  if (ctx.kind === 'none') return undefined;
  const doc = probeIpsetDocs.find((d) => d.name === name);
  return doc ? `**Istio:** ${doc.summary}. _(${doc.source.file})_` : undefined;
}

/** One line on a uid/gid in an owner match: sidecar mode recognises Envoy by it (istio-ambient.md §9). */
export function istioOwnerMeaning(
  ctx: IstioContext,
  chain: string | undefined,
  id: number,
): string | undefined {
  if (flavourOf(ctx, chain) !== 'sidecar' || id !== sidecarPorts.proxyUid) return undefined;
  return `**Istio sidecar:** ${id}: ${addressRoleDocs.sidecarProxyOwner}. _(${addressRoleDocs.source})_`;
}
