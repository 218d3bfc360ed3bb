/**
 * The host around the rules: which addresses are local, where a packet is routed, and the policy
 * routes a dump cannot show. Istio ambient pods carry `ip rule add fwmark 0x111/0xfff lookup 100`
 * and `ip route add local 0.0.0.0/0 dev lo table 100` (istio/istio cni/pkg/iptables/iptables_linux.go;
 * reference istio-ambient.md §5); the simulator applies them only as a stated assumption.
 */
import { formatAddress, isLoopback } from './address';
import type { Family, PolicyRoute } from './types';

export interface RouteDecision {
  readonly result: 'local' | 'out';
  readonly oif: string;
  readonly reason: string;
}

export class Host {
  constructor(
    readonly localAddresses: readonly bigint[],
    readonly policyRoutes: readonly PolicyRoute[],
    readonly defaultInterface: string,
    private readonly interfaceAddresses: ReadonlyMap<string, bigint>,
  ) {}

  isLocal(family: Family, address: bigint): boolean {
    return isLoopback(family, address) || this.localAddresses.includes(address);
  }

  /**
   * Routing as the kernel's rule list orders it: the local table (priority 0) first, then policy
   * routes by fwmark, then the main table's default route.
   */
  route(family: Family, dst: bigint, mark: number, forcedOif?: string): RouteDecision {
    if (this.isLocal(family, dst))
      return { result: 'local', oif: 'lo', reason: `${formatAddress(family, dst)} is a local address` };
    const policy = this.policyRoutes.find((r) => (mark & r.mask) >>> 0 === r.mark >>> 0);
    if (policy !== undefined && policy.local) {
      return {
        result: 'local',
        oif: 'lo',
        reason: `mark 0x${mark.toString(16)} matches "${policy.text}" (assumed policy route)`,
      };
    }
    const oif = forcedOif ?? this.defaultInterface;
    return {
      result: 'out',
      oif,
      reason: forcedOif ? `oif ${oif} given in the packet` : `default route via ${oif}`,
    };
  }

  /** addrtype's view of an address (iptables-extensions(8), addrtype). */
  addressType(family: Family, address: bigint): string {
    if (this.isLocal(family, address)) return 'LOCAL';
    if (family === 4) {
      if (address === 0xffffffffn) return 'BROADCAST';
      if (address >> 28n === 0xen) return 'MULTICAST';
    } else if (address >> 120n === 0xffn) {
      return 'MULTICAST';
    }
    return 'UNICAST';
  }

  /** The primary address of an interface, as REDIRECT in PREROUTING and MASQUERADE use it. */
  interfaceAddress(family: Family, name: string | undefined): bigint | undefined {
    if (name === 'lo') return family === 4 ? 0x7f000001n : 1n;
    if (name !== undefined && this.interfaceAddresses.has(name)) return this.interfaceAddresses.get(name);
    return this.localAddresses.find((a) => !isLoopback(family, a));
  }
}
