/**
 * A small model of nf_conntrack for the packets of one scenario: entries keyed by zone and tuple in
 * both directions, the NEW/ESTABLISHED/INVALID decision, confirmation at the end of the packet's
 * path, and the NAT bindings that later packets reuse (iptables(8): nat "is consulted when a packet
 * that creates a new connection is encountered"). Source for the state rules: the kernel's
 * nf_conntrack_core.c / nf_conntrack_proto_tcp.c (tcp_conntracks table, nf_conntrack_tcp_loose=1).
 */
import type { CtState } from '../model/rule';
import type { Tuple } from './evaluate';
import type { PacketState, TcpFlag, TraceProtocol } from './types';

export interface Connection {
  readonly protocol: TraceProtocol;
  readonly zone: number;
  /** The first packet's tuple, before any NAT. */
  original: Tuple;
  /** What a reply looks like; differs from the inverted original once NAT chose a binding. */
  reply: Tuple;
  ctmark: number;
  seenReply: boolean;
  confirmed: boolean;
  /** nat already chose (or declined) a destination / source binding; later packets skip the nat chains. */
  dstNatDone: boolean;
  srcNatDone: boolean;
  /** The local socket that accepted the connection (TPROXY on-port or the post-NAT port). */
  socketPort?: number;
}

export interface Lookup {
  readonly state: CtState;
  readonly direction: 'ORIGINAL' | 'REPLY';
  readonly connection?: Connection;
  readonly created: boolean;
  readonly note: string;
}

export class ConntrackTable {
  private readonly entries = new Map<string, { connection: Connection; direction: 'ORIGINAL' | 'REPLY' }>();

  /** Finds the packet's connection or prepares a new, unconfirmed one. */
  lookup(p: PacketState): Lookup {
    const hit = this.entries.get(key(p.zone, p.protocol, p));
    if (hit !== undefined) {
      const { connection, direction } = hit;
      if (direction === 'REPLY') connection.seenReply = true;
      const state: CtState = direction === 'REPLY' || connection.seenReply ? 'ESTABLISHED' : 'NEW';
      return {
        state,
        direction,
        connection,
        created: false,
        note: `existing connection, ${direction.toLowerCase()} direction`,
      };
    }
    if (!startsConnection(p.protocol, p.tcpFlags)) {
      return {
        state: 'INVALID',
        direction: 'ORIGINAL',
        created: false,
        note: 'no connection, and this packet cannot start one',
      };
    }
    const tuple = { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
    const connection: Connection = {
      protocol: p.protocol,
      zone: p.zone,
      original: tuple,
      reply: { src: p.dst, dst: p.src, sport: p.dport, dport: p.sport },
      ctmark: 0,
      seenReply: false,
      confirmed: false,
      dstNatDone: false,
      srcNatDone: false,
    };
    return { state: 'NEW', direction: 'ORIGINAL', connection, created: true, note: 'new connection' };
  }

  /** Adds a connection as if an earlier packet had created it (a spec with ctstate=ESTABLISHED or ctmark=). */
  assume(p: PacketState, ctmark: number): Connection {
    const connection: Connection = {
      protocol: p.protocol,
      zone: p.zone,
      original: { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport },
      reply: { src: p.dst, dst: p.src, sport: p.dport, dport: p.sport },
      ctmark,
      seenReply: true,
      confirmed: true,
      dstNatDone: true,
      srcNatDone: true,
    };
    this.store(connection);
    return connection;
  }

  /** The packet survived its path: the entry becomes visible to later packets. */
  confirm(connection: Connection): void {
    if (connection.confirmed) return;
    connection.confirmed = true;
    this.store(connection);
  }

  private store(connection: Connection): void {
    this.entries.set(key(connection.zone, connection.protocol, connection.original), {
      connection,
      direction: 'ORIGINAL',
    });
    this.entries.set(key(connection.zone, connection.protocol, connection.reply), {
      connection,
      direction: 'REPLY',
    });
  }
}

function key(zone: number, protocol: string, t: Tuple): string {
  return `${zone}|${protocol}|${t.src}|${t.sport}|${t.dst}|${t.dport}`;
}

/**
 * Whether a packet without a connection creates one. TCP: a SYN, or (with the default
 * nf_conntrack_tcp_loose=1) a bare ACK picked up mid-stream; SYN+ACK, FIN and RST alone are invalid.
 */
function startsConnection(protocol: TraceProtocol, flags: readonly TcpFlag[]): boolean {
  if (protocol !== 'tcp') return true;
  if (flags.includes('RST') || flags.includes('FIN')) return false;
  if (flags.includes('SYN')) return !flags.includes('ACK');
  return flags.includes('ACK');
}
