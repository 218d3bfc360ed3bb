import type { CommandSpec, ModuleSpec, OptionSpec, TargetSpec } from '../../netfilter/spec';
import { commands, genericOptions } from '../../netfilter/generic';
import { findMatchModule, findTarget, longNamesOf, resolveLongName } from '../../netfilter/lookup';

/**
 * Finds the knowledge-base entry behind a written token, resolving aliases and getopt_long prefix
 * abbreviations the way iptables does (netfilter/lookup.ts), so a hover on `--to-port` documents
 * `--to-ports`.
 */

/** The option name as written, without its dashes (`--to-port` → `to-port`, `-p` → `p`). */
export function writtenOptionName(tokenText: string): string {
  return tokenText.replace(/^-{1,2}/, '');
}

/** `-A`, `--append`, or a unique prefix of a command's long name. */
export function findCommand(tokenText: string): CommandSpec | undefined {
  if (/^-[A-Za-z]$/.test(tokenText)) return commands.find((c) => c.short === tokenText.slice(1));
  if (!tokenText.startsWith('--')) return undefined;
  const written = writtenOptionName(tokenText);
  const exact = commands.find((c) => c.name === written);
  if (exact) return exact;
  const hits = commands.filter((c) => c.name.startsWith(written));
  return hits.length === 1 ? hits[0] : undefined;
}

/** A generic option by canonical name, alias, short letter or unique prefix. */
export function findGenericOption(nameOrToken: string): OptionSpec | undefined {
  const bare = writtenOptionName(nameOrToken);
  if (/^-[A-Za-z0-9]$/.test(nameOrToken)) return genericOptions.find((o) => o.short === bare);
  return findInOptions(genericOptions, bare);
}

/** An option of a list by canonical name or alias, else by unique prefix. */
export function findInOptions(options: readonly OptionSpec[], name: string): OptionSpec | undefined {
  const exact = options.find((o) => o.name === name || (o.aliases ?? []).includes(name));
  if (exact) return exact;
  const table = options.flatMap((o) => longNamesOf(o, o.name));
  const resolved = resolveLongName(name, table);
  return resolved.kind === 'found' ? resolved.entry.option : undefined;
}

export function findModuleOption(module: ModuleSpec, name: string): OptionSpec | undefined {
  return findInOptions(module.options, name);
}

export function findTargetOption(target: TargetSpec, name: string): OptionSpec | undefined {
  return findInOptions(target.options, name);
}

export { findMatchModule, findTarget };

/** How the written name relates to the entry: exact, an alias, or an abbreviation. */
export type NameRelation = 'canonical' | 'alias' | 'abbreviation';

export function nameRelation(spec: OptionSpec, written: string): NameRelation {
  if (written === spec.name || written === spec.short) return 'canonical';
  if ((spec.aliases ?? []).includes(written)) return 'alias';
  return 'abbreviation';
}
