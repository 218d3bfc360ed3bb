/**
 * Built-in scenarios: the packets that matter for an Istio ambient pod (istio-ambient.md §2, §3, §5),
 * each followed by its conntrack follow-ups (SYN-ACK from whoever received it, then the ACK), so the
 * connection mark and NAT bindings are visible. For other rule sets, a plain outbound and inbound
 * connection. Addresses are documentation examples (a dump does not say which pod it came from);
 * the kernel tests use the same ones (test/kernel/lib/pod.ts).
 */
import type { Ruleset } from '../model/ruleset';
import {
  ambientChains,
  connectionMark,
  probeSnatAddress,
  ztunnelMark,
  ztunnelPorts,
} from '../istio/constants';
import { parseAddress } from './address';
import { looksLikeAmbientPod } from './simulator';
import type { Family, PacketSpec, Scenario, ScenarioPacket, TraceProtocol } from './types';

/** The example addresses scenarios use, per family. */
export const scenarioAddresses = {
  4: { pod: '10.244.0.5', service: '10.96.0.10', client: '10.0.0.9' },
  6: { pod: 'fd00:244::5', service: 'fd00:96::a', client: 'fd00:10::9' },
} as const;

const appPort = 8080;

/** The scenarios that fit a rule set, per address family present in it. */
export function scenariosFor(ruleset: Ruleset): Scenario[] {
  const families = familiesOf(ruleset);
  const ambient = looksLikeAmbientPod(ruleset);
  const scenarios: Scenario[] = [];
  for (const family of families) {
    const suffix = family === 6 && families.length > 1 ? '-v6' : '';
    const list = ambient ? ambientScenarios(ruleset, family) : genericScenarios(family);
    const localAddresses = [address(scenarioAddresses[family].pod)];
    for (const s of list)
      scenarios.push({
        ...s,
        localAddresses,
        name: `${s.name}${suffix}`,
        title: `${s.title}${family === 6 ? ' (IPv6)' : ''}`,
      });
  }
  return scenarios;
}

/** Finds a scenario by name among those that fit the rule set. */
export function findScenario(ruleset: Ruleset, name: string): Scenario | undefined {
  return scenariosFor(ruleset).find((s) => s.name === name);
}

function familiesOf(ruleset: Ruleset): Family[] {
  const families = new Set<Family>(ruleset.tables.map((t) => (t.family === 'ipv6' ? 6 : 4)));
  if (families.size === 0) families.add(4);
  return [...families].sort();
}

function address(text: string): bigint {
  return parseAddress(text)?.value ?? 0n;
}

interface Endpoints {
  readonly family: Family;
  readonly protocol?: TraceProtocol;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  readonly origin: 'out' | 'in';
  readonly mark?: number;
  readonly transparent?: boolean;
}

function spec(e: Endpoints): PacketSpec {
  const protocol = e.protocol ?? 'tcp';
  return {
    family: e.family,
    protocol,
    src: address(e.src),
    dst: address(e.dst),
    sport: e.sport,
    dport: e.dport,
    origin: e.origin,
    ...(e.origin === 'in' ? { iif: 'eth0' } : {}),
    mark: e.mark ?? 0,
    ...(e.transparent ? { transparent: true } : {}),
    tcpFlags: protocol === 'tcp' ? ['SYN'] : [],
  };
}

/** A TCP connection: SYN, the receiver's SYN-ACK, the sender's ACK. */
function connection(first: PacketSpec, what: string): ScenarioPacket[] {
  return [
    { kind: 'packet', spec: first, description: `${what}: SYN` },
    {
      kind: 'reply',
      of: 0,
      tcpFlags: ['SYN', 'ACK'],
      description: 'SYN-ACK from the socket that accepted it',
    },
    {
      kind: 'again',
      of: 0,
      tcpFlags: ['ACK'],
      requires: 1,
      description: 'ACK from the sender (connection established)',
    },
  ];
}

function datagram(first: PacketSpec, what: string): ScenarioPacket[] {
  return [
    { kind: 'packet', spec: first, description: `${what}: query` },
    { kind: 'reply', of: 0, tcpFlags: [], description: 'reply from the socket that received it' },
  ];
}

/** The probe SNAT address the file itself exempts (`-s X -p tcp -j ACCEPT` in ISTIO_PRERT), else Istio's default. */
function probeAddress(ruleset: Ruleset, family: Family): string {
  for (const table of ruleset.tables) {
    if ((table.family === 'ipv6' ? 6 : 4) !== family) continue;
    for (const rule of table.chains.get(ambientChains.prerouting)?.rules ?? []) {
      const source = rule.source?.value[0];
      if (rule.target?.kind === 'ACCEPT' && source !== undefined && !rule.source?.negated) {
        return source.text.replace(/\/\d+$/, '');
      }
    }
  }
  return family === 4 ? probeSnatAddress.ipv4.bare : probeSnatAddress.ipv6.bare;
}

function ambientScenarios(ruleset: Ruleset, family: Family): Scenario[] {
  const a = scenarioAddresses[family];
  const mark = ztunnelMark.value;
  const ports = ztunnelPorts;
  const probe = probeAddress(ruleset, family);
  return [
    {
      name: 'app-outbound-tcp',
      title: 'App opens a TCP connection to a service',
      description: `The app connects to ${a.service}:${appPort}; ztunnel captures it on ${ports.outbound.port}.`,
      packets: connection(
        spec({ family, src: a.pod, sport: 43210, dst: a.service, dport: appPort, origin: 'out' }),
        'app → service',
      ),
    },
    {
      name: 'app-to-own-pod-ip',
      title: 'App connects to its own pod IP (over lo)',
      description: 'Traffic to the pod itself goes over lo and is not captured.',
      packets: connection(
        spec({ family, src: a.pod, sport: 43211, dst: a.pod, dport: appPort, origin: 'out' }),
        'app → own pod IP',
      ),
    },
    {
      name: 'inbound-plaintext',
      title: 'Inbound plaintext TCP to the app',
      description: `A client connects to the app's port; ztunnel captures it on ${ports.inboundPlaintext.port}.`,
      packets: connection(
        spec({ family, src: a.client, sport: 5000, dst: a.pod, dport: appPort, origin: 'in' }),
        'client → app',
      ),
    },
    {
      name: 'inbound-hbone',
      title: `Inbound HBONE to ${ports.hbone.port}`,
      description: 'HBONE arrives addressed to ztunnel and is not redirected.',
      packets: connection(
        spec({ family, src: a.client, sport: 5001, dst: a.pod, dport: ports.hbone.port, origin: 'in' }),
        'peer ztunnel → HBONE',
      ),
    },
    {
      name: 'ztunnel-to-app',
      title: `ztunnel connects to the app (mark 0x${mark.toString(16)}, over lo)`,
      description: `ztunnel's socket carries SO_MARK ${mark}; the looped-back SYN gets ctmark ${connectionMark.text}.`,
      packets: connection(
        spec({ family, src: a.pod, sport: 5002, dst: a.pod, dport: appPort, origin: 'out', mark }),
        'ztunnel → app',
      ),
    },
    {
      name: 'app-reply-to-ztunnel',
      title: `The app's reply on a ztunnel-delivered connection (ctmark 0x${connectionMark.value.toString(16)})`,
      description:
        "ztunnel connects with the original client's address (transparent socket); the app's SYN-ACK gets the connection mark restored and is policy-routed back to ztunnel.",
      packets: connection(
        spec({
          family,
          src: a.client,
          sport: 5003,
          dst: a.pod,
          dport: appPort,
          origin: 'out',
          mark,
          transparent: true,
        }),
        'ztunnel (as the client) → app',
      ),
    },
    {
      name: 'kubelet-probe',
      title: `Kubelet probe from ${probe}`,
      description: 'Probes are SNATed on the node to the probe address and bypass capture.',
      packets: connection(
        spec({ family, src: probe, sport: 5004, dst: a.pod, dport: appPort, origin: 'in' }),
        'kubelet → app',
      ),
    },
    {
      name: 'dns-udp',
      title: 'DNS query over UDP',
      description: `With DNS capture, queries to port ${ports.dns.port} go to ztunnel's DNS proxy on ${ports.dnsProxy.port}.`,
      packets: datagram(
        spec({
          family,
          protocol: 'udp',
          src: a.pod,
          sport: 5353,
          dst: a.service,
          dport: ports.dns.port,
          origin: 'out',
        }),
        'app → DNS',
      ),
    },
    {
      name: 'dns-tcp',
      title: 'DNS query over TCP',
      description: `TCP DNS is captured to ${ports.dnsProxy.port} as well.`,
      packets: connection(
        spec({ family, src: a.pod, sport: 43212, dst: a.service, dport: ports.dns.port, origin: 'out' }),
        'app → DNS',
      ),
    },
  ];
}

function genericScenarios(family: Family): Scenario[] {
  const a = scenarioAddresses[family];
  return [
    {
      name: 'outbound-tcp',
      title: 'Outbound TCP connection',
      description: `A local socket connects to ${a.service}:${appPort}.`,
      packets: connection(
        spec({ family, src: a.pod, sport: 43210, dst: a.service, dport: appPort, origin: 'out' }),
        'local → remote',
      ),
    },
    {
      name: 'inbound-tcp',
      title: 'Inbound TCP connection',
      description: `A remote client connects to ${a.pod}:${appPort}.`,
      packets: connection(
        spec({ family, src: a.client, sport: 5000, dst: a.pod, dport: appPort, origin: 'in' }),
        'remote → local',
      ),
    },
  ];
}
