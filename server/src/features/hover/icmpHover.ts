import type { IcmpTypeEntry } from '../../netfilter/icmpTypes';
import { icmpTypes, icmpv6Types } from '../../netfilter/icmpTypes';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import type { ValueSite } from './valueSite';

type IcmpTable = Readonly<Record<string, IcmpTypeEntry>>;

/** The type number libxt_icmp uses for `any`: the kernel's xt_icmp treats 0xFF as every type. */
const anyType = 255;

/**
 * `--icmp-type` / `--icmpv6-type` values decoded both ways with the name tables of netfilter/icmpTypes.ts:
 * a number (`8`, `3/3`) gets its names, a name gets the number iptables-save prints. Names resolve as
 * libxt_icmp/libip6t_icmp6 1.8.9 do (observed): case-insensitive, any unique prefix (`dest`), an
 * ambiguous prefix (`echo`) is refused. Without a code, every code of the type matches
 * (iptables-extensions(8), icmp).
 */
export function icmpTypeHover(site: ValueSite): HoverContent | undefined {
  const v6 = site.spec?.value === 'icmpv6-type';
  const table = v6 ? icmpv6Types : icmpTypes;
  const what = v6 ? 'ICMPv6 type' : 'ICMP type';
  const text = site.token.text;
  const details: string[] = [];
  const numeric = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (numeric) {
    const type = Number(numeric[1]);
    const codeValue = numeric[2] === undefined ? undefined : Number(numeric[2]);
    details.push(describeNumber(table, type, codeValue, v6));
  } else {
    const resolved = resolveName(table, text);
    if (resolved.kind === 'unknown') {
      details.push(`Not an ${what} name iptables knows: it refuses the rule (\`Unknown ${what}\`).`);
    } else if (resolved.kind === 'ambiguous') {
      details.push(
        `Ambiguous: a prefix of ${resolved.names.map(code).join(' and ')}; iptables refuses the rule.`,
      );
    } else {
      if (resolved.name.toLowerCase() !== text.toLowerCase())
        details.push(`${code(text)} is an abbreviation of ${code(resolved.name)}.`);
      details.push(describeName(table, resolved.name, resolved.entry, v6));
    }
  }
  if (site.use.negated) details.push('Negated with `!`: matches every other type and code.');
  return {
    headline: `${text} — ${what}`,
    details,
    source: `iptables-extensions(8), ${v6 ? 'icmp6' : 'icmp'}; names as iptables 1.8.9 lists them`,
  };
}

function sameEntry(a: IcmpTypeEntry, b: IcmpTypeEntry): boolean {
  return a.type === b.type && a.code === b.code;
}

/** All names of one type/code pair, e.g. `echo-request` and `ping` for type 8. */
function namesOf(table: IcmpTable, entry: IcmpTypeEntry): string[] {
  return Object.entries(table)
    .filter(([, e]) => sameEntry(e, entry))
    .map(([name]) => name);
}

function nameList(names: readonly string[]): string {
  const [first, ...others] = names;
  if (!first) return '';
  return others.length > 0 ? `${code(first)} (also ${others.map(code).join(', ')})` : code(first);
}

function describeNumber(table: IcmpTable, type: number, codeValue: number | undefined, v6: boolean): string {
  if (type > 255 || (codeValue !== undefined && codeValue > 255))
    return 'Out of range: type and code are 0–255, so iptables refuses the rule.';
  if (!v6 && type === anyType && codeValue === undefined) return 'Type 255 (`any`): every ICMP type.';
  const typeNames = namesOf(table, { type });
  const typeText = `Type ${type}${typeNames.length > 0 ? ` = ${nameList(typeNames)}` : ''}`;
  if (codeValue === undefined)
    return `${typeText}, any code.${typeNames.length === 0 ? ' No name in iptables’ list.' : ''}`;
  const codeNames = namesOf(table, { type, code: codeValue });
  return `${typeText}, code ${codeValue}${codeNames.length > 0 ? ` = ${nameList(codeNames)}` : ' (no name in iptables’ list)'}.`;
}

function describeName(table: IcmpTable, name: string, entry: IcmpTypeEntry, v6: boolean): string {
  if (!v6 && entry.type === anyType) return '`any` = type 255: every ICMP type; iptables-save prints `any`.';
  const printed = entry.code === undefined ? `${entry.type}` : `${entry.type}/${entry.code}`;
  const others = namesOf(table, entry).filter((n) => n !== name);
  const also = others.length > 0 ? ` Same as ${others.map(code).join(', ')}.` : '';
  const scope =
    entry.code === undefined ? `type ${entry.type}, any code` : `type ${entry.type}, code ${entry.code}`;
  return `${code(name)} = ${scope}; iptables-save prints ${code(printed)}.${also}`;
}

type ResolvedName =
  | { readonly kind: 'name'; readonly name: string; readonly entry: IcmpTypeEntry }
  | { readonly kind: 'ambiguous'; readonly names: readonly string[] }
  | { readonly kind: 'unknown' };

function resolveName(table: IcmpTable, text: string): ResolvedName {
  const lower = text.toLowerCase();
  const entries = Object.entries(table);
  const exact = entries.find(([name]) => name.toLowerCase() === lower);
  if (exact) return { kind: 'name', name: exact[0], entry: exact[1] };
  const prefixed = entries.filter(([name]) => name.toLowerCase().startsWith(lower));
  const [only, ...rest] = prefixed;
  if (!only) return { kind: 'unknown' };
  if (rest.length > 0) return { kind: 'ambiguous', names: prefixed.map(([name]) => name) };
  return { kind: 'name', name: only[0], entry: only[1] };
}
