import type { Check } from '../../check';
import type { Finding } from '../../findings';
import { finding } from '../../findings';

/**
 * A dump with table blocks or an iptables-save header but not a single rule: what `iptables-save` prints
 * in an ambient pod on the native nftables backend (1.28+, istio-ambient.md §1, §7).
 */
export const emptyDumpCheck: Check = {
  id: 'istio.empty-dump',
  run({ doc }) {
    if (doc.ruleset.rules.length > 0) return [];
    const marker = doc.tree.lines.find(
      (l) => l.kind === 'table' || (l.kind === 'comment' && l.commentKind === 'header'),
    );
    if (!marker) return [];
    const span =
      marker.kind === 'table' || marker.kind === 'comment' ? marker.span : { line: 0, start: 0, end: 0 };
    return [
      finding(
        'istio.empty-dump',
        span,
        'This dump holds no rules. If it comes from an ambient pod, the node may use native nftables (Istio 1.28+, global.nativeNftables): run `nft list ruleset` in the pod instead.',
      ),
    ] satisfies Finding[];
  },
};
