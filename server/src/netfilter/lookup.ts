import type { ModuleSpec, OptionSpec, TargetSpec } from './spec';
import { matchModules } from './matches';
import { targetSpecs } from './targets';

const modulesByName = new Map<string, ModuleSpec>();
for (const m of matchModules) {
  modulesByName.set(m.name, m);
  for (const alias of m.aliases ?? []) modulesByName.set(alias, m);
}

const targetsByName = new Map<string, TargetSpec>(targetSpecs.map((t) => [t.name, t]));

/** A match module by `-m` name or alias (`icmpv6` → icmp6). Case-sensitive, like the tool. */
export function findMatchModule(name: string): ModuleSpec | undefined {
  return modulesByName.get(name);
}

/** A target by its `-j` name (ACCEPT, DROP, RETURN and the extension targets). Case-sensitive. */
export function findTarget(name: string): TargetSpec | undefined {
  return targetsByName.get(name);
}

/** The match module `-p <protocol>` loads implicitly, if there is one (tcp, udp, icmp, ipv6-icmp …). */
export function findImplicitModule(protocol: string): ModuleSpec | undefined {
  for (const m of matchModules) {
    if (m.name === protocol || m.implicitFromProtocol?.includes(protocol)) return m;
  }
  return undefined;
}

/** One long name getopt_long can match, with what it stands for. */
export interface LongName<T> {
  readonly name: string;
  readonly option: OptionSpec;
  /** Whoever owns the option (a command, the generic table, a loaded match, the target). */
  readonly owner: T;
}

export type LongNameResolution<T> =
  | { readonly kind: 'found'; readonly entry: LongName<T>; readonly exact: boolean }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly LongName<T>[] }
  | { readonly kind: 'unknown' };

/**
 * Resolves a long option the way glibc's getopt_long does over iptables' merged option table:
 * an exact name wins (the first one in table order); otherwise a unique prefix; prefixes that hit
 * several names are ambiguous unless every hit is the same option of the same owner (aliases).
 */
export function resolveLongName<T>(written: string, table: readonly LongName<T>[]): LongNameResolution<T> {
  let first: LongName<T> | undefined;
  let ambiguous = false;
  const candidates: LongName<T>[] = [];
  for (const entry of table) {
    if (entry.name === written) return { kind: 'found', entry, exact: true };
    if (!entry.name.startsWith(written)) continue;
    candidates.push(entry);
    if (first === undefined) first = entry;
    else if (first.option !== entry.option || first.owner !== entry.owner) ambiguous = true;
  }
  if (first === undefined) return { kind: 'unknown' };
  if (ambiguous) return { kind: 'ambiguous', candidates };
  return { kind: 'found', entry: first, exact: false };
}

/** Every long name of an option: the canonical name first, then its aliases. */
export function longNamesOf<T>(option: OptionSpec, owner: T): LongName<T>[] {
  return [option.name, ...(option.aliases ?? [])].map((name) => ({ name, option, owner }));
}

/** Match modules that define an option with this exact long name (for "needs -m x" hints). */
export function modulesDefining(longName: string): ModuleSpec[] {
  return matchModules.filter((m) =>
    m.options.some((o) => o.name === longName || o.aliases?.includes(longName)),
  );
}

/** One long name of an option, without its owner (shared by every rule that loads the module). */
export interface NameEntry {
  readonly name: string;
  readonly option: OptionSpec;
}

/** The options of one owner in the merged table. */
export interface NameGroup<T> {
  readonly names: readonly NameEntry[];
  readonly owner: T;
}

const namesCache = new WeakMap<readonly OptionSpec[], readonly NameEntry[]>();

/** The long names of an option list (canonical names and aliases), computed once per list. */
export function namesOf(options: readonly OptionSpec[]): readonly NameEntry[] {
  let names = namesCache.get(options);
  if (!names) {
    names = options.flatMap((option) =>
      [option.name, ...(option.aliases ?? [])].map((name) => ({ name, option })),
    );
    namesCache.set(options, names);
  }
  return names;
}

/**
 * {@link resolveLongName} over groups in table order — `groups`, then `moreGroups` — without building
 * the merged table: the restore parser calls it for every option of every line.
 */
export function resolveInGroups<T>(
  written: string,
  groups: readonly NameGroup<T>[],
  moreGroups: readonly NameGroup<T>[] = [],
): LongNameResolution<T> {
  for (const list of [groups, moreGroups]) {
    for (const group of list) {
      for (const entry of group.names) {
        // Fields written out, not spread: V8 gives spread results fresh hidden classes once optimised.
        if (entry.name === written)
          return {
            kind: 'found',
            entry: { name: entry.name, option: entry.option, owner: group.owner },
            exact: true,
          };
      }
    }
  }
  let first: LongName<T> | undefined;
  let ambiguous = false;
  let candidates: LongName<T>[] | undefined;
  for (const list of [groups, moreGroups]) {
    for (const group of list) {
      for (const entry of group.names) {
        if (!entry.name.startsWith(written)) continue;
        const hit = { name: entry.name, option: entry.option, owner: group.owner };
        (candidates ??= []).push(hit);
        if (first === undefined) first = hit;
        else if (first.option !== entry.option || first.owner !== group.owner) ambiguous = true;
      }
    }
  }
  if (first === undefined) return { kind: 'unknown' };
  if (ambiguous) return { kind: 'ambiguous', candidates: candidates! };
  return { kind: 'found', entry: first, exact: false };
}
