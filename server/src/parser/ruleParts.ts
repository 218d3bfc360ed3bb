import type { OptionUse } from '../model/rule';
import type { Token } from '../model/syntax';
import type { ModuleSpec, TargetSpec } from '../netfilter/spec';

/** A match module as the command parser loaded it, before its options are decoded. */
export interface LoadedMatch {
  readonly name: string;
  /** Undefined for modules iptables-lens does not know. */
  readonly spec: ModuleSpec | undefined;
  readonly matchToken?: Token;
  readonly moduleToken?: Token;
  readonly implicit: boolean;
  readonly options: OptionUse[];
}

/** The target named by -j/-g, before its options are decoded. */
export interface LoadedTarget {
  readonly name: string;
  /** Undefined when the name is not a known target (a user chain, or an extension we do not know). */
  readonly spec: TargetSpec | undefined;
  readonly nameToken: Token;
  readonly jumpToken: Token;
  readonly goto: boolean;
  readonly options: OptionUse[];
}
