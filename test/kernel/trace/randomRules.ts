/**
 * Seeded random rule sets and connections for the differential kernel tests. Only constructs the
 * simulator claims to model and the kernel accepts at commit: addresses (with negation and
 * prefixes), protocols, ports and multiport, interfaces where the hook has them, mark/connmark and
 * conntrack state matches, MARK/CONNMARK (set, save, restore), jumps/gotos into an acyclic tree of
 * user chains, RETURN, ACCEPT/DROP, REDIRECT and DNAT (to the pod itself) in nat. Not generated,
 * because they put extra packets on the wire that the counters would see: REJECT (an ICMP error or
 * RST), source NAT to addresses nobody answers for, and DNAT to remote hosts (a pod does not forward;
 * the kernel answers with ICMP unreachable).
 *
 * With `effects: true` (natRejectKernel.test.ts, which compares rule counters only) the generator
 * also writes REJECT in filter INPUT/OUTPUT/FORWARD, SNAT (to an address the peer routes back to
 * the pod) and MASQUERADE in nat POSTROUTING out of eth0, and DNAT of the pod's own traffic to the
 * peer in nat OUTPUT. To keep REJECT's ICMP errors and RSTs out of every rule counter, each rule
 * then names `-p tcp`/`-p udp` and a positive `--dport` among the service ports: an ICMP error has
 * another protocol, and a RST's destination port is the client's source port (41000 and up in
 * that suite). A TCP REJECT also needs `--syn`: rejecting the handshake's ACK would reset the
 * client's socket before it closes, and the closing RST the simulator sends would never exist.
 * SNAT and MASQUERADE keep the source port (unique per connection), so the kernel has no reason to
 * pick another one. The default (`effects` absent) draws exactly the same numbers as before.
 */
import { peerAddress, podAddress, remoteAddresses } from '../lib/pod';
import { secondaryPodAddress, snatAddress } from './natRejectCases';
import { appPorts } from './differential';
import type { KernelConnection } from './differential';
import { prng } from '../../helpers/prng';

type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

const tableHooks: Record<string, Hook[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const marks = ['0x539/0xfff', '0x111/0xfff', '0x1/0x1', '0x0/0xffffffff', '0x539'];
const setMarks = ['0x539/0xfff', '0x111/0xfff', '0x1/0x1', '0x0/0xffffffff', '0x222/0xf0f'];

export interface RandomCase {
  readonly seed: number;
  readonly family: 4 | 6;
  readonly text: string;
  readonly policyRoute: boolean;
  readonly connections: readonly KernelConnection[];
}

/** What randomCase may generate beyond the default constructs. */
export interface RandomOptions {
  /** REJECT, SNAT, MASQUERADE and DNAT to the peer, under the restrictions in the file comment. */
  readonly effects?: boolean;
}

export function randomCase(seed: number, options: RandomOptions = {}): RandomCase {
  const effects = options.effects ?? false;
  const r = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const chance = (p: number): boolean => r() < p;
  const family: 4 | 6 = chance(0.3) ? 6 : 4;
  const loopback = family === 4 ? '127.0.0.1' : '::1';
  const pod = podAddress[family];
  const [service, client, probe] = remoteAddresses[family];
  const host = family === 4 ? '/32' : '/128';
  const net = family === 4 ? '10.244.0.0/24' : 'fd00:244::/64';
  const addresses = [
    `${pod}${host}`,
    `${service}${host}`,
    `${client}${host}`,
    `${loopback}${host}`,
    net,
    `${probe}${host}`,
  ];
  const lines: string[] = [];

  /** The effect targets a rule may take (effects mode only); each draws only when offered. */
  const effectTargets = (
    table: string,
    hook: Hook,
    protocol: 'tcp' | 'udp' | undefined,
    parts: readonly string[],
  ): (() => string | undefined)[] => {
    const portUnreachable = family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable';
    const hasOif = parts.some((p) => /(^|\s)-o /.test(p));
    const hasSource = parts.some((p) => /(^|\s)-s /.test(p));
    // A rule that already picks TCP flags must not get --syn as well (iptables refuses the pair).
    const picksFlags = parts.some((p) => p === '--syn' || p.startsWith('--tcp-flags'));
    return [
      () =>
        table === 'filter' &&
        hook !== 'PREROUTING' &&
        hook !== 'POSTROUTING' &&
        protocol !== undefined &&
        !picksFlags
          ? protocol === 'tcp'
            ? `--syn -j REJECT --reject-with ${pick(['tcp-reset', portUnreachable])}`
            : pick(['-j REJECT', `-j REJECT --reject-with ${portUnreachable}`])
          : undefined,
      () =>
        table === 'nat' && hook === 'POSTROUTING' && !hasOif
          ? pick([`-o eth0 -j SNAT --to-source ${snatAddress[family]}`, '-o eth0 -j MASQUERADE'])
          : undefined,
      // Only the pod address as source: a loopback source cannot leave through eth0.
      () =>
        table === 'nat' && hook === 'OUTPUT' && !hasSource
          ? `-s ${pod}${host} -j DNAT --to-destination ${family === 6 ? `[${peerAddress[6]}]` : peerAddress[4]}:${pick([8080, 9000, 9001])}`
          : undefined,
    ];
  };

  for (const table of Object.keys(tableHooks)) {
    if (!chance(0.75)) continue;
    const hooks = tableHooks[table];
    const userChains: { name: string; hook: Hook }[] = [];
    const body: string[] = [];
    const policies = hooks.map((h) => `:${h} ${table === 'filter' && chance(0.1) ? 'DROP' : 'ACCEPT'} [0:0]`);

    const ruleFor = (chain: string, hook: Hook, depth: number): string => {
      const parts: string[] = [`-A ${chain}`];
      let protocol: 'tcp' | 'udp' | undefined;
      if (chance(0.3)) parts.push(`${chance(0.3) ? '! ' : ''}-s ${pick(addresses)}`);
      if (chance(0.35)) parts.push(`${chance(0.3) ? '! ' : ''}-d ${pick(addresses)}`);
      if (chance(0.2) && ['PREROUTING', 'INPUT', 'FORWARD'].includes(hook))
        parts.push(`${chance(0.3) ? '! ' : ''}-i ${pick(['lo', 'eth0', 'eth+'])}`);
      if (chance(0.25) && ['OUTPUT', 'POSTROUTING', 'FORWARD'].includes(hook))
        parts.push(`${chance(0.3) ? '! ' : ''}-o ${pick(['lo', 'eth0', 'eth+'])}`);
      if (chance(0.55) || effects) {
        protocol = pick(['tcp', 'udp'] as const);
        parts.push(`-p ${protocol}`);
        if (effects || chance(0.5))
          parts.push(
            `-m ${protocol} ${!effects && chance(0.25) ? '! ' : ''}--dport ${pick(effects ? appPorts : [...appPorts, 15001, 15008])}`,
          );
        else if (chance(0.3))
          parts.push(
            `-m multiport --dports ${pick(['8080,9000', '53,9001', '9000:9001', '15001,15006,15008'])}`,
          );
        if (chance(0.15))
          parts.push(`-m ${protocol} --sport ${pick(['20000:40000', '53', '8080', '1:1024'])}`);
        if (protocol === 'tcp' && chance(0.1))
          parts.push(chance(0.5) ? '--syn' : '--tcp-flags SYN,ACK SYN,ACK');
      }
      if (chance(0.3)) parts.push(`-m mark ${chance(0.4) ? '! ' : ''}--mark ${pick(marks)}`);
      if (chance(0.15)) parts.push(`-m connmark ${chance(0.3) ? '! ' : ''}--mark ${pick(marks)}`);
      if (chance(0.2))
        parts.push(
          `-m conntrack ${chance(0.2) ? '! ' : ''}--ctstate ${pick(['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'DNAT', 'NEW,ESTABLISHED'])}`,
        );
      if (chance(0.1)) parts.push(`-m comment --comment "seed ${seed}"`);
      // The target.
      const natHook = table === 'nat' && (hook === 'PREROUTING' || hook === 'OUTPUT');
      const options: (() => string | undefined)[] = [
        () => '-j ACCEPT',
        // nft refuses DROP in nat ("not intended for filtering").
        () => (table !== 'nat' && chance(0.5) ? '-j DROP' : undefined),
        () => '-j RETURN',
        () => `-j MARK --set-xmark ${pick(setMarks)}`,
        () => `-j CONNMARK --set-xmark ${pick(setMarks)}`,
        () =>
          table === 'mangle'
            ? `-j CONNMARK --restore-mark --nfmask ${pick(['0xffffffff', '0xfff'])} --ctmask ${pick(['0xffffffff', '0xfff'])}`
            : undefined,
        () =>
          `-j CONNMARK --save-mark --nfmask ${pick(['0xffffffff', '0xfff'])} --ctmask ${pick(['0xffffffff', '0xfff'])}`,
        () =>
          natHook && protocol ? `-j REDIRECT --to-ports ${pick([9000, 9001, 15001, 15006])}` : undefined,
        () =>
          natHook && protocol
            ? `-j DNAT --to-destination ${family === 6 ? `[${pod}]` : pod}:${pick([8080, 9000, 9001])}`
            : undefined,
        () => (depth < 3 ? 'chain' : undefined),
        () => '',
        // Offered eight times over, so a good share of the rules that can take one do.
        ...(effects
          ? Array.from({ length: 8 }, () => effectTargets(table, hook, protocol, parts)).flat()
          : []),
      ];
      let target: string | undefined;
      while (target === undefined) target = pick(options)();
      if (target === 'chain') {
        const name = `U_${table.toUpperCase()}_${userChains.length}`;
        userChains.push({ name, hook });
        const rules = Math.floor(r() * 4);
        for (let i = 0; i < rules; i++) body.push(ruleFor(name, hook, depth + 1));
        target = `${chance(0.25) ? '-g' : '-j'} ${name}`;
      }
      return [...parts, target].filter((p) => p !== '').join(' ');
    };

    const builtinRules: string[] = [];
    for (const hook of hooks) {
      const count = Math.floor(r() * 4);
      for (let i = 0; i < count; i++) builtinRules.push(ruleFor(hook, hook, 0));
    }
    lines.push(
      `# Generated by ${family === 6 ? 'ip6tables' : 'iptables'}-save v1.8.9 (nf_tables), random seed ${seed}`,
      `*${table}`,
      ...policies,
      ...userChains.map((c) => `:${c.name} - [0:0]`),
      ...builtinRules,
      ...body,
      'COMMIT',
    );
  }

  const connections: KernelConnection[] = [];
  // More connections in effects mode, so more of them meet the effect rules.
  const count = effects ? 4 + Math.floor(r() * 5) : 2 + Math.floor(r() * 3);
  for (let i = 0; i < count; i++) {
    const protocol = chance(0.75) ? 'tcp' : 'udp';
    const mark = pick([0, 0, 0x539, 0x111, 1]);
    const kind = pick(
      effects
        ? (['out-remote', 'out-self', 'out-loopback', 'in', 'out-secondary'] as const)
        : (['out-remote', 'out-self', 'out-loopback', 'in'] as const),
    );
    const dport = pick(appPorts);
    if (kind === 'in')
      connections.push({
        family,
        protocol,
        origin: 'in',
        src: pick([client, probe]),
        dst: pod,
        dport,
        label: `random ${seed}: ${protocol} in → ${dport}`,
      });
    else {
      const dst =
        kind === 'out-remote' || kind === 'out-secondary' ? service : kind === 'out-self' ? pod : loopback;
      connections.push({
        family,
        protocol,
        origin: 'out',
        src:
          kind === 'out-loopback' ? loopback : kind === 'out-secondary' ? secondaryPodAddress[family] : pod,
        dst,
        dport,
        mark,
        label: `random ${seed}: ${protocol} ${kind} → ${dport} mark ${mark}`,
      });
    }
  }
  return { seed, family, text: `${lines.join('\n')}\n`, policyRoute: chance(0.3), connections };
}
