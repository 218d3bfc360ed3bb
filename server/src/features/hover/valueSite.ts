import type { OptionUse, Rule } from '../../model/rule';
import type { Token } from '../../model/syntax';
import type { OptionSpec } from '../../netfilter/spec';
import type { IstioContext } from './istioContext';
import type { OptionOwner } from './tokenAt';

/** Everything a value hover needs to know about where the value sits. */
export interface ValueSite {
  readonly use: OptionUse;
  readonly owner: OptionOwner;
  readonly spec: OptionSpec | undefined;
  readonly token: Token;
  readonly argIndex: number;
  readonly character: number;
  readonly rule: Rule | undefined;
  readonly istio: IstioContext;
}

/** The chain of the rule the value belongs to: sidecar and ambient chains give values different meanings. */
export function chainOf(site: ValueSite): string | undefined {
  return site.rule?.chain;
}
