import type { Scenario, TraceResult, PacketTrace } from '../trace/types';
import { ztunnelPorts } from '../istio/constants';

const portNames = new Map<number, string>(Object.values(ztunnelPorts).map((p) => [p.port, p.name]));

/**
 * Which packet of a scenario tells its story: the first one, except for scenarios about a reply
 * (the app answering on a ztunnel-delivered connection), where the reply is the point.
 */
export function focusPacket(scenario: Scenario, result: TraceResult): PacketTrace | undefined {
  const replyIndex = /reply/i.test(scenario.name)
    ? scenario.packets.findIndex((p) => p.kind === 'reply')
    : -1;
  return result.packets[replyIndex >= 0 ? replyIndex : 0];
}

/**
 * One short phrase for where a packet ended up, e.g. "REDIRECT to ztunnel outbound capture :15001",
 * "DROP (line 12)", "out via eth0". Used by code lenses and the trace view's title.
 */
export function summarizePacket(packet: PacketTrace): string {
  const final = packet.final;
  const rewrite = [...packet.steps]
    .reverse()
    .find(
      (s) => s.kind === 'rule' && s.matched === true && ['redirect', 'tproxy', 'dnat'].includes(s.action),
    );
  const decided = final.decidedBy !== undefined ? ` (line ${final.decidedBy})` : '';
  switch (final.fate) {
    case 'drop':
      return `DROP${decided}`;
    case 'reject':
      return `REJECT${decided}`;
    case 'loop':
      return `jump loop${decided}`;
    case 'not-sent':
      return 'not sent (an earlier packet did not arrive)';
    case 'accept':
      break;
  }
  const port = final.socketPort ?? final.dport;
  const target = portNames.has(port) ? `${portNames.get(port)} :${port}` : `:${port}`;
  if (final.delivered === 'local') {
    if (rewrite && rewrite.kind === 'rule') return `${rewrite.action.toUpperCase()} to ${target}`;
    return portNames.has(port) ? `delivered to ${target}` : `delivered locally ${target}`;
  }
  if (final.delivered === 'out') {
    const nat = rewrite && rewrite.kind === 'rule' ? `${rewrite.action.toUpperCase()}, ` : '';
    return `${nat}out via ${final.oif ?? 'the default route'}`;
  }
  return 'forwarded';
}
