import type { OptionUse } from '../../model/rule';
import type { ModuleSpec, OptionSpec, TargetSpec } from '../../netfilter/spec';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import type { OptionOwner } from './tokenAt';
import {
  findGenericOption,
  findMatchModule,
  findModuleOption,
  findTarget,
  findTargetOption,
  nameRelation,
  writtenOptionName,
} from './specLookup';

/** An option's knowledge-base entry together with the module or target that defines it. */
export interface ResolvedOption {
  readonly spec: OptionSpec | undefined;
  readonly module?: ModuleSpec;
  readonly target?: TargetSpec;
}

/** Looks up the entry of an option use: by its canonical name first, then by what was written. */
export function resolveOption(use: OptionUse, owner: OptionOwner): ResolvedOption {
  const written = writtenOptionName(use.token.text);
  if (owner.kind === 'generic') {
    return { spec: findGenericOption(use.name) ?? findGenericOption(use.token.text) };
  }
  if (owner.kind === 'match') {
    const module = findMatchModule(owner.match.module);
    const spec = module
      ? (findModuleOption(module, use.name) ?? findModuleOption(module, written))
      : undefined;
    return module ? { spec, module } : { spec };
  }
  const target = findTarget(owner.target.name);
  const spec = target ? (findTargetOption(target, use.name) ?? findTargetOption(target, written)) : undefined;
  return target ? { spec, target } : { spec };
}

/** `--dport` hovered: what it tests or does, its syntax, default, where it is allowed, and the resolved name. */
export function optionHover(use: OptionUse, owner: OptionOwner): HoverContent {
  const { spec, module, target } = resolveOption(use, owner);
  const written = use.token.text;
  const ownerText =
    owner.kind === 'generic'
      ? 'generic option'
      : owner.kind === 'match'
        ? `option of the ${owner.match.module} match${owner.match.implicit ? ' (loaded by -p)' : ''}`
        : `option of the ${owner.target.name} target`;
  if (!spec) {
    return {
      headline: `${written} — ${ownerText}`,
      details: [
        (owner.kind === 'match' && !module) || (owner.kind === 'target' && !target)
          ? 'An option of an extension iptables-lens does not know; kept as written.'
          : 'Not a known option here: iptables rejects it (`unknown option`).',
      ],
    };
  }
  const details: string[] = [];
  const relation = nameRelation(spec, writtenOptionName(written));
  if (relation === 'alias') details.push(`${code(written)} is another name for ${code(`--${spec.name}`)}.`);
  if (relation === 'abbreviation' && !/^-[^-]$/.test(written)) {
    details.push(
      `${code(written)} is an abbreviation of ${code(`--${spec.name}`)} (iptables accepts any unique prefix).`,
    );
  }
  details.push(spec.summary);
  if (spec.default !== undefined) details.push(`Default: ${code(spec.default)}.`);
  if (use.negated) details.push('Negated here with `!`: the rule matches when this test is false.');
  const where = whereAllowed(module, target);
  if (where) details.push(where);
  return {
    headline: `${written} — ${ownerText}`,
    details,
    code: [spec.syntax],
    source: module?.source ?? target?.source ?? 'iptables(8), PARAMETERS',
  };
}

/** "Only in mangle PREROUTING" style restriction of a module or target, from its spec. */
export function whereAllowed(
  module: ModuleSpec | undefined,
  target: TargetSpec | undefined,
): string | undefined {
  const parts: string[] = [];
  const tables = target?.tables;
  const hooks = module?.hooks ?? target?.hooks;
  if (tables) parts.push(`tables ${tables.join(', ')}`);
  if (hooks) parts.push(`chains reached from ${hooks.join(', ')}`);
  const family = module?.family ?? target?.family;
  const protocols = module?.requiresProtocol ?? target?.requiresProtocol;
  const extra: string[] = [];
  if (family) extra.push(`IPv${family} only`);
  if (protocols) extra.push(`needs -p ${protocols.join('|')}`);
  if (parts.length === 0 && extra.length === 0) return undefined;
  const allowed =
    parts.length > 0 ? `Allowed only in ${parts.join(', ')} (checked by the kernel at COMMIT).` : '';
  const needs = extra.length > 0 ? `${extra.join('; ')}.` : '';
  return [allowed, needs.charAt(0).toUpperCase() + needs.slice(1)].filter((s) => s.length > 0).join(' ');
}
