import { parseDocument } from '../parser/parseDocument';
import type { CatalogueEntry, TemplateValues, TemplateVariable } from './catalogue';
import { renderTemplate } from './catalogue';
import {
  ambientChains,
  connectionMark,
  loopbackAddress,
  probeIpsets,
  probeSnatAddress,
  ztunnelMark,
} from './constants';
import type { Facet } from './ruleFacets';
import { facetKeys, ruleFacets } from './ruleFacets';

export type Family = 'ipv4' | 'ipv6';

/** Placeholder for the virtual interface while learning a template's shape (upper case: unlike any kernel default name, and within IFNAMSIZ). */
const virtualInterfacePlaceholder = 'ISTIO-VIF';

/** The knowledge-base defaults for every template variable, per family. */
export function defaultTemplateValues(family: Family): TemplateValues {
  return {
    ztunnelMark: ztunnelMark.text,
    connectionMark: connectionMark.text,
    loopback: loopbackAddress[family],
    probe: probeSnatAddress[family].text,
    snatAddress: probeSnatAddress[family].bare,
    probeIpset: probeIpsets[family],
    virtualInterface: virtualInterfacePlaceholder,
  };
}

/** Which template variable fills one argument of one facet. */
export interface Slot {
  readonly key: string;
  readonly argIndex: number;
  readonly variable: TemplateVariable;
}

/** A catalogue entry's shape as the parser sees it, learnt by parsing its template. */
export interface TemplateShape {
  readonly entry: CatalogueEntry;
  readonly facets: readonly Facet[];
  readonly keys: ReadonlySet<string>;
  readonly slots: readonly Slot[];
}

const shapeCache = new Map<string, TemplateShape | undefined>();

/**
 * Parses an entry's template (rendered with the defaults) with the real parser, so recognition compares
 * like with like, and records which facet arguments come from variables. Undefined when the parser
 * cannot read the template (then the entry is simply never recognised).
 */
export function templateShape(entry: CatalogueEntry, family: Family): TemplateShape | undefined {
  const cacheKey = `${family}|${entry.id}`;
  if (shapeCache.has(cacheKey)) return shapeCache.get(cacheKey);
  const defaults = defaultTemplateValues(family);
  const line = renderTemplate(entry.template, defaults);
  const builtin = /^[A-Z]+$/.test(entry.chain) && !entry.chain.startsWith('ISTIO');
  const declarations = [
    builtin ? `:${entry.chain} ACCEPT [0:0]` : `:${entry.chain} - [0:0]`,
    ...Object.values(ambientChains)
      .filter((c) => c !== entry.chain)
      .map((c) => `:${c} - [0:0]`),
  ];
  const text = `*${entry.table}\n${declarations.join('\n')}\n${line}\nCOMMIT\n`;
  let shape: TemplateShape | undefined;
  try {
    const rule = parseDocument(text).ruleset.rules[0];
    if (rule) {
      const facets = ruleFacets(rule);
      shape = { entry, facets, keys: facetKeys(facets), slots: findSlots(facets, defaults) };
    }
  } catch {
    shape = undefined;
  }
  shapeCache.set(cacheKey, shape);
  return shape;
}

function findSlots(facets: readonly Facet[], defaults: TemplateValues): Slot[] {
  const slots: Slot[] = [];
  const byValue = new Map<string, TemplateVariable>();
  // The defaults are written in iptables-save's normalised form, so they compare with facet arguments as is.
  for (const [variable, value] of Object.entries(defaults) as [TemplateVariable, string][])
    byValue.set(value, variable);
  for (const f of facets) {
    f.args.forEach((arg, argIndex) => {
      const variable = byValue.get(arg);
      if (variable) slots.push({ key: f.key, argIndex, variable });
    });
  }
  return slots;
}
