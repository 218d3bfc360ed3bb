import { canonicalPortRange } from '../../format/values';
import {
  ctstateDocs,
  ctstatusDocs,
  interfaceDocs,
  interfaceWildcardDoc,
  protocolNames,
  protocolNumbers,
  setFlagDocs,
  tcpFlagNames,
} from '../../netfilter/valueDocs';
import { findImplicitModule } from '../../netfilter/lookup';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import { istioIpsetMeaning, istioMarkMeaning, istioOwnerMeaning, istioPortMeaning } from './istioMeaning';
import { addressHover, natRangeHover } from './addressHover';
import type { ValueSite } from './valueSite';
import { chainOf } from './valueSite';
import { markRoleOf, markValueHover } from './markHover';
import { describeCounters, groupThousands } from './counters';
import { parseValueMask } from '../../format/numbers';
import { icmpTypeHover } from './icmpHover';
import { textValueHover } from './textValueHover';

/** Options whose value is a port even where the option table calls it a number (TPROXY --on-port). */
const portValued = new Set(['on-port', 'to-ports', 'to-port']);

/**
 * Explains an option's argument according to what kind of value the option takes (netfilter/spec.ts
 * ValueKind): marks decoded, ports and addresses with their Istio meaning, states and protocols named.
 */
export function valueHover(site: ValueSite): HoverContent {
  const kind = site.spec?.value;
  const name = site.spec?.name ?? site.use.name;
  const decoded =
    markHover(site) ??
    (kind === 'port-range' || kind === 'port-list' || portValued.has(name) ? portHover(site) : undefined) ??
    (kind === 'address-list' || kind === 'address' ? addressHover(site) : undefined) ??
    (kind === 'nat-range' ? natRangeHover(site) : undefined) ??
    (kind === 'interface' ? interfaceHover(site) : undefined) ??
    (kind === 'protocol' ? protocolHover(site) : undefined) ??
    (kind === 'ctstate-list' ? wordListHover(site, ctstateDocs, 'conntrack state') : undefined) ??
    (kind === 'ctstatus-list' ? wordListHover(site, ctstatusDocs, 'conntrack status') : undefined) ??
    (kind === 'set-spec' ? setSpecHover(site) : undefined) ??
    (kind === 'id-range' ? idRangeHover(site) : undefined) ??
    (kind === 'tcp-flags' ? tcpFlagsHover(site) : undefined) ??
    (name === 'set-counters' ? setCountersHover(site) : undefined) ??
    (kind === 'icmp-type' || kind === 'icmpv6-type' ? icmpTypeHover(site) : undefined) ??
    (kind === 'string' ? textValueHover(site) : undefined);
  if (decoded) return decoded;
  return {
    headline: `${code(site.token.text)} — value of ${site.use.token.text}`,
    details: site.spec ? [site.spec.summary] : [],
    code: site.spec ? [site.spec.syntax] : [],
  };
}

function markHover(site: ValueSite): HoverContent | undefined {
  const { owner } = site;
  const optionName = site.spec?.name ?? site.use.name;
  const role =
    owner.kind === 'match'
      ? markRoleOf('match', owner.match.module, optionName)
      : owner.kind === 'target'
        ? markRoleOf('target', owner.target.name, optionName)
        : undefined;
  if (!role) return undefined;
  const hover = markValueHover(
    site.token.text,
    role,
    site.use,
    owner.kind === 'target' ? owner.target : undefined,
  );
  if (!hover) return undefined;
  if (role === 'mask') return hover;
  const parsed = parseValueMask(site.token.text);
  const meaning = parsed
    ? istioMarkMeaning(site.istio, chainOf(site), parsed.value, parsed.mask ?? 0xffffffff)
    : [];
  return { ...hover, after: [...(hover.after ?? []), ...meaning] };
}

function portHover(site: ValueSite): HoverContent | undefined {
  const entries = site.token.text.split(',');
  const ranges = entries.map((e) => canonicalPortRange(e.replace('-', ':')));
  if (ranges.some((r) => r === undefined)) return undefined;
  const valid = ranges as { from: number; to: number; text: string }[];
  const details: string[] = [];
  const after: string[] = [];
  for (const r of valid) {
    if (r.from === r.to) {
      details.push(`Port ${r.from}.`);
      const meaning = istioPortMeaning(site.istio, chainOf(site), r.from);
      if (meaning) after.push(meaning);
    } else {
      details.push(
        `Ports ${r.from}–${r.to} (${groupThousands(BigInt(r.to - r.from + 1))} ports, inclusive).`,
      );
    }
  }
  if (site.use.negated) details.push('Negated with `!`: matches every other port.');
  if (site.spec) details.push(site.spec.summary);
  return {
    headline: `${site.token.text} — ${valid.length === 1 && valid[0]?.from === valid[0]?.to ? 'port' : 'ports'} of ${site.use.token.text}`,
    details,
    after,
  };
}

function interfaceHover(site: ValueSite): HoverContent {
  const text = site.token.text;
  const wildcard = text.endsWith('+');
  const details: string[] = [];
  const known = interfaceDocs[text];
  if (known) details.push(known);
  if (wildcard)
    details.push(
      `${interfaceWildcardDoc} Here: every name starting with ${code(text.slice(0, -1) || '(anything)')}.`,
    );
  if (site.use.negated) details.push('Negated with `!`: any other interface.');
  if (site.spec) details.push(site.spec.summary);
  return { headline: `${text} — interface`, details };
}

function protocolHover(site: ValueSite): HoverContent {
  const text = site.token.text.toLowerCase();
  const byNumber = Object.entries(protocolNumbers).find(([, n]) => String(n) === text)?.[0];
  const name = byNumber ?? text;
  const number = protocolNumbers[name];
  const details: string[] = [];
  const full = protocolNames[name];
  if (full) details.push(`${full}${number !== undefined ? `, IP protocol ${number}` : ''}.`);
  if (site.use.negated) details.push('Negated with `!`: every other protocol.');
  const implicit = findImplicitModule(name);
  if (implicit)
    details.push(
      `Also loads the ${code(implicit.name)} match, so its options (${implicit.options
        .map((o) => `--${o.aliases?.[0] ?? o.name}`)
        .slice(0, 4)
        .join(', ')}) may follow.`,
    );
  return { headline: `${site.token.text} — protocol`, details };
}

function wordListHover(site: ValueSite, docs: Readonly<Record<string, string>>, what: string): HoverContent {
  const words = site.token.text.split(',');
  const details = words.map((w) => `${code(w)}: ${docs[w.toUpperCase()] ?? `not a known ${what}`}`);
  if (site.use.negated) details.push('Negated with `!`: matches when the state is none of these.');
  return { headline: `${site.token.text} — ${what}${words.length > 1 ? 's (any of)' : ''}`, details };
}

/** `--match-set name flags`: the set (with its Istio meaning) or the direction flags. */
function setSpecHover(site: ValueSite): HoverContent {
  if (site.argIndex === 0) {
    const meaning = istioIpsetMeaning(site.istio, site.token.text);
    return {
      headline: `${site.token.text} — ipset`,
      details: [
        'An ipset created outside iptables (`ipset create`); its members are not part of this dump.',
        ...(site.use.negated ? ['Negated with `!`: matches when the packet is not in the set.'] : []),
      ],
      after: meaning ? [meaning] : [],
    };
  }
  const flags = site.token.text.split(',');
  return {
    headline: `${site.token.text} — ipset lookup direction`,
    details: flags.map((f, i) => `Dimension ${i + 1}: ${setFlagDocs[f] ?? `${code(f)} is not src or dst`}.`),
  };
}

/** `--uid-owner` / `--gid-owner`: an id or inclusive range (names are resolved on the machine that loads the rules). */
function idRangeHover(site: ValueSite): HoverContent {
  const what = (site.spec?.name ?? site.use.name).startsWith('gid') ? 'group' : 'user';
  const range = /^(\d+)(?:-(\d+))?$/.exec(site.token.text);
  const details: string[] = [];
  const after: string[] = [];
  if (!range) {
    details.push(`A ${what} name, resolved to its id when the rules are loaded.`);
  } else if (range[2] === undefined) {
    details.push(`${what === 'user' ? 'User' : 'Group'} id ${range[1]}.`);
    const meaning = istioOwnerMeaning(site.istio, chainOf(site), Number(range[1]));
    if (meaning) after.push(meaning);
  } else {
    details.push(`${what === 'user' ? 'User' : 'Group'} ids ${range[1]}–${range[2]}, inclusive.`);
  }
  if (site.use.negated) details.push(`Negated with \`!\`: sockets of any other ${what}.`);
  if (site.spec) details.push(site.spec.summary);
  return { headline: `${site.token.text} — ${what} of the sending socket`, details, after };
}

/** Expands ALL / NONE the way libxt_tcp parses a flag list. */
function tcpFlagList(text: string): string[] {
  return text.split(',').flatMap((f) => (f === 'ALL' ? [...tcpFlagNames] : f === 'NONE' ? [] : [f]));
}

/** `--tcp-flags mask comp`: which flags are examined, and which of those must be set. */
function tcpFlagsHover(site: ValueSite): HoverContent | undefined {
  const [maskToken, compToken] = site.use.args;
  if (!maskToken || !compToken) return undefined;
  const examined = tcpFlagList(maskToken.text);
  const set = tcpFlagList(compToken.text).filter((f) => examined.includes(f));
  const clear = examined.filter((f) => !set.includes(f));
  const details = [
    `Examines ${examined.join(', ') || 'no flags'}; of these ${set.length > 0 ? `${set.join(', ')} must be set` : 'none may be set'}${clear.length > 0 && set.length > 0 ? ` and ${clear.join(', ')} clear` : ''}.`,
  ];
  if (site.use.negated) details.push('Negated with `!`: matches every other combination.');
  return {
    headline: `${site.token.text} — ${site.argIndex === 0 ? 'flags examined' : 'flags that must be set'}`,
    details,
    code: site.spec ? [site.spec.syntax] : [],
  };
}

/** `-c packets bytes`: the initial counters of the rule. */
function setCountersHover(site: ValueSite): HoverContent | undefined {
  const [packets, bytes] = site.use.args.map((a) => (/^\d+$/.test(a.text) ? BigInt(a.text) : undefined));
  if (packets === undefined || bytes === undefined) return undefined;
  return {
    headline: describeCounters(packets, bytes),
    details: site.spec ? [site.spec.summary] : [],
  };
}
