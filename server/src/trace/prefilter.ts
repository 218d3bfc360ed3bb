/**
 * A compact per-chain index of the IPv4 destination each rule requires, so a long chain such as
 * kube-proxy's KUBE-SERVICES (one `-d <cluster IP>/32` rule per service) is scanned in a typed
 * array instead of dereferencing every rule object. Built once per chain and cached: a parsed
 * rule set never changes (a new document version is a new parse).
 */
import type { Rule } from '../model/rule';
import type { ChainModel } from '../model/ruleset';
import { destinationFilterOf } from '../parser/onDemand';

export interface ChainPrefilter {
  /** 1 where the rule's first condition to test is a single, non-negated IPv4 `-d`; 0 elsewhere. */
  readonly usable: Uint8Array;
  readonly network: Uint32Array;
  readonly mask: Uint32Array;
}

const cache = new WeakMap<ChainModel, ChainPrefilter>();

export function chainPrefilter(chain: ChainModel): ChainPrefilter {
  let prefilter = cache.get(chain);
  if (prefilter === undefined) {
    prefilter = build(chain.rules);
    cache.set(chain, prefilter);
  }
  return prefilter;
}

function build(rules: readonly Rule[]): ChainPrefilter {
  const usable = new Uint8Array(rules.length);
  const network = new Uint32Array(rules.length);
  const mask = new Uint32Array(rules.length);
  rules.forEach((rule, i) => {
    // Read without re-reading an on-demand rule's line: KUBE-SERVICES holds one rule per service.
    const filter = destinationFilterOf(rule);
    if (!filter) return;
    usable[i] = 1;
    mask[i] = filter.mask;
    network[i] = filter.network;
  });
  return { usable, network, mask };
}

/** Whether rule `i` certainly fails on its `-d` for this IPv4 destination. */
export function failsOnDestination(prefilter: ChainPrefilter, i: number, destination: number): boolean {
  return prefilter.usable[i] === 1 && (destination & prefilter.mask[i]) >>> 0 !== prefilter.network[i];
}
