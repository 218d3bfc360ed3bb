import { strict as assert } from 'assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { parsePacketSpec } from '../../../server/src/trace/packet';
import { simulate } from '../../../server/src/trace/simulator';
import { tracePacket, traceScenarioByName } from '../../../server/src/trace/tracer';
import type {
  PacketTrace,
  RuleStep,
  ScenarioPacket,
  TraceOptions,
  TraceResult,
} from '../../../server/src/trace/types';

/** Rules from inline lines; returns the simulator's result for the given packets. */
function run(
  lines: readonly string[],
  packets: readonly ScenarioPacket[],
  options: TraceOptions = {},
): TraceResult {
  return simulate(parseDocument(`${lines.join('\n')}\n`).ruleset, packets, options);
}

function packet(spec: string): ScenarioPacket {
  const parsed = parsePacketSpec(spec);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return { kind: 'packet', spec: parsed.spec, description: spec };
}

/** 1-based lines of the rules that matched, in order. */
function matchedLines(p: PacketTrace): number[] {
  return p.steps.filter((s): s is RuleStep => s.kind === 'rule' && s.matched === true).map((s) => s.line);
}

describe('trace simulator', () => {
  it('Should compute MARK --set-xmark as (mark & ~mask) ^ value', () => {
    // iptables-extensions(8), MARK: "Zeroes out the bits given by mask and XORs value into the packet mark".
    const r = run(
      [
        '*mangle', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        '-A OUTPUT -j MARK --set-xmark 0x539/0xfff', // 3
        'COMMIT', // 4
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out mark=0xf00f')],
    );
    assert.equal(r.packets[0].final.mark, 0xf539);
  });

  it('Should restore the connection mark with --nfmask/--ctmask the way xt_CONNMARK does', () => {
    // xt_CONNMARK.c: newmark = (skb->mark & ~nfmask) ^ (ct->mark & ctmask).
    const r = run(
      [
        '*mangle', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        '-A OUTPUT -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xf0', // 3
        'COMMIT', // 4
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out mark=0x1234 ctmark=0xabcd ctstate=ESTABLISHED')],
    );
    assert.equal(r.packets[0].final.mark, (0x1234 & ~0xff) ^ (0xabcd & 0xf0));
  });

  it('Should let nat run after an ACCEPT in mangle, since ACCEPT ends only the current table', () => {
    const r = run(
      [
        '*mangle', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        '-A OUTPUT -j ACCEPT', // 3
        'COMMIT', // 4
        '*nat', // 5
        ':OUTPUT ACCEPT [0:0]', // 6
        '-A OUTPUT -p tcp -j REDIRECT --to-ports 15001', // 7
        'COMMIT', // 8
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.deepEqual(matchedLines(r.packets[0]), [3, 7]);
    // REDIRECT of a locally generated packet goes to the loopback address (iptables-extensions(8)).
    assert.equal(r.packets[0].final.dst, 0x7f000001n);
    assert.equal(r.packets[0].final.socketPort, 15001);
    assert.equal(r.packets[0].final.delivered, 'local');
  });

  it('Should return from a goto to the caller of the chain that did the goto', () => {
    // iptables(8) -g: "unlike the --jump option return will not continue processing in this chain but
    // instead in the chain that called us via --jump".
    const r = run(
      [
        '*filter', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        ':A - [0:0]', // 3
        ':B - [0:0]', // 4
        '-A OUTPUT -j A', // 5
        '-A OUTPUT -j MARK --set-xmark 0x1/0xffffffff', // 6
        '-A A -g B', // 7
        '-A A -j MARK --set-xmark 0x2/0xffffffff', // 8
        '-A B -j RETURN', // 9
        'COMMIT', // 10
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.deepEqual(matchedLines(r.packets[0]), [5, 7, 9, 6]);
    assert.equal(r.packets[0].final.mark, 1);
  });

  it('Should apply the policy of a builtin chain on RETURN in it', () => {
    const r = run(
      [
        '*filter', // 1
        ':OUTPUT DROP [0:0]', // 2
        '-A OUTPUT -j RETURN', // 3
        '-A OUTPUT -j ACCEPT', // 4
        'COMMIT', // 5
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.equal(r.packets[0].final.fate, 'drop');
    assert.equal(r.packets[0].final.decidedBy, 2);
  });

  it('Should end a jump cycle with a loop result instead of running forever', () => {
    const r = run(
      [
        '*filter', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        ':A - [0:0]', // 3
        ':B - [0:0]', // 4
        '-A OUTPUT -j A', // 5
        '-A A -j B', // 6
        '-A B -j A', // 7
        'COMMIT', // 8
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.equal(r.packets[0].final.fate, 'loop');
    assert.ok(r.packets[0].steps.some((s) => s.kind === 'loop'));
  });

  it('Should end a goto cycle too, although it never deepens the stack', () => {
    const r = run(
      ['*filter', ':OUTPUT ACCEPT [0:0]', ':A - [0:0]', '-A OUTPUT -g A', '-A A -g A', 'COMMIT'],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
      { maxDepth: 8 },
    );
    assert.equal(r.packets[0].final.fate, 'loop');
  });

  it('Should consult nat only for the first packet and apply the binding to the reply and the ACK', () => {
    const r = run(
      [
        '*nat', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        ':POSTROUTING ACCEPT [0:0]', // 3
        '-A OUTPUT -d 10.96.0.10/32 -p tcp -j DNAT --to-destination 10.244.1.7:8080', // 4
        'COMMIT', // 5
      ],
      [
        packet('tcp 10.244.0.5:43210 -> 10.96.0.10:80 out'),
        { kind: 'reply', of: 0, tcpFlags: ['SYN', 'ACK'], description: 'SYN-ACK' },
        { kind: 'again', of: 0, tcpFlags: ['ACK'], requires: 1, description: 'ACK' },
      ],
    );
    const [syn, synAck, ack] = r.packets;
    assert.deepEqual(matchedLines(syn), [4]);
    assert.equal(syn.final.dst, 0x0af40107n);
    assert.equal(syn.final.dport, 8080);
    // The reply comes from the real endpoint and is un-NATed back to the service address.
    assert.equal(synAck.spec.src, 0x0af40107n);
    assert.equal(synAck.final.src, 0x0a60000an);
    assert.equal(synAck.final.sport, 80);
    assert.deepEqual(matchedLines(ack), []);
    assert.ok(ack.steps.some((s) => s.kind === 'nat-skipped'));
    assert.equal(ack.final.dst, 0x0af40107n);
  });

  it('Should skip nat PREROUTING for a packet looped back over lo', () => {
    const r = run(
      [
        '*nat', // 1
        ':PREROUTING ACCEPT [0:0]', // 2
        ':OUTPUT ACCEPT [0:0]', // 3
        '-A PREROUTING -p tcp -j REDIRECT --to-ports 15006', // 4
        'COMMIT', // 5
      ],
      [packet('tcp 10.244.0.5:43210 -> 10.244.0.5:8080 out')],
    );
    assert.deepEqual(matchedLines(r.packets[0]), []);
    assert.equal(r.packets[0].final.socketPort, 8080);
    assert.ok(r.packets[0].steps.some((s) => s.kind === 'loopback'));
  });

  it('Should REDIRECT an inbound packet to the incoming interface address', () => {
    const r = run(
      ['*nat', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p tcp -j REDIRECT --to-ports 15006', 'COMMIT'],
      [packet('tcp 10.0.0.9:5000 -> 10.244.0.5:8080 in iif=eth0')],
      { interfaceAddresses: new Map([['eth0', 0x0af40005n]]), localAddresses: [0x0af40005n] },
    );
    assert.equal(r.packets[0].final.dst, 0x0af40005n);
    assert.equal(r.packets[0].final.dport, 15006);
  });

  it('Should report an ipset match as undecidable and list both outcomes', () => {
    const r = run(
      [
        '*filter', // 1
        ':OUTPUT ACCEPT [0:0]', // 2
        '-A OUTPUT -m set --match-set blocked dst -j DROP', // 3
        'COMMIT', // 4
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.equal(r.assumptions.length, 1);
    assert.equal(r.assumptions[0].line, 3);
    assert.match(r.assumptions[0].reason, /blocked/);
    const fates = [r, ...r.alternatives].map((x) => x.packets[0].final.fate).sort();
    assert.deepEqual(fates, ['accept', 'drop']);
  });

  it('Should see no conntrack entry in raw, where conntrack matches read it as INVALID', () => {
    // xt_conntrack: a packet without a conntrack entry has the INVALID state bit; raw runs before conntrack.
    const r = run(
      [
        '*raw',
        ':OUTPUT ACCEPT [0:0]',
        '-A OUTPUT -m conntrack --ctstate INVALID -j MARK --set-xmark 0x1/0x1',
        'COMMIT',
      ],
      [packet('tcp 10.0.0.1:1000 -> 10.0.0.2:80 out')],
    );
    assert.equal(r.packets[0].final.mark, 1);
  });

  it('Should route a reply carrying the restored 0x111 mark back to local delivery under the ambient policy-route assumption', () => {
    const doc = parseDocument(
      [
        '*mangle', // 1
        ':PREROUTING ACCEPT [0:0]', // 2
        ':OUTPUT ACCEPT [0:0]', // 3
        ':ISTIO_OUTPUT - [0:0]', // 4
        ':ISTIO_PRERT - [0:0]', // 5
        '-A PREROUTING -j ISTIO_PRERT', // 6
        '-A OUTPUT -j ISTIO_OUTPUT', // 7
        '-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', // 8
        '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff', // 9
        'COMMIT', // 10
        '',
      ].join('\n'),
    );
    const outcome = traceScenarioByName(doc, 'app-reply-to-ztunnel');
    assert.ok(outcome.ok);
    const [syn, synAck] = outcome.result.packets;
    assert.deepEqual(matchedLines(syn), [7, 6, 9]);
    assert.equal(synAck.final.delivered, 'local');
    assert.equal(synAck.final.mark, 0x111);
    assert.ok(outcome.result.environment.some((e) => e.includes('fwmark 0x111/0xfff lookup 100')));
  });

  it('Should not consult nat when no rule needs conntrack, as the kernel then tracks nothing', () => {
    // Observed with iptables-nft 1.8.9 in a fresh netns: with only this nat rule, no nat chain counted a packet.
    const r = run(
      ['*nat', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A OUTPUT -p icmp -j ACCEPT', 'COMMIT'],
      [packet('udp 10.244.0.5:20002 -> 10.244.0.5:9000 out')],
    );
    assert.ok(
      !r.packets[0].steps.some(
        (s) => (s.kind === 'rule' || s.kind === 'misses' || s.kind === 'policy') && s.table === 'nat',
      ),
    );
    assert.ok(r.environment.some((e) => e.includes('conntrack is not running')));
    const forced = run(
      ['*nat', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A OUTPUT -p icmp -j ACCEPT', 'COMMIT'],
      [packet('udp 10.244.0.5:20002 -> 10.244.0.5:9000 out')],
      { conntrack: 'on' },
    );
    assert.ok(forced.packets[0].steps.some((s) => s.kind === 'policy' && s.table === 'nat'));
  });

  it('Should name the bad part of a packet spec instead of tracing', () => {
    const outcome = tracePacket(parseDocument('*filter\nCOMMIT\n'), 'tcp 10.0.0.1:1 -> 10.0.0.999:80');
    assert.ok(!outcome.ok);
    assert.match(outcome.error, /10\.0\.0\.999/);
  });

  it('Should never throw, whatever the document', () => {
    const junk = [
      '*nat',
      '-A OUTPUT -j NOWHERE',
      '-A OUTPUT -m bogus --x 1 -j ACCEPT',
      ':X - [0:0]',
      '-A X -j X',
      'COMMIT',
      '*filter',
      '-A INPUT -j',
      '"',
    ];
    for (let i = 0; i < junk.length; i++) {
      const text = junk.slice(i).concat(junk.slice(0, i)).join('\n');
      const r = tracePacket(parseDocument(text), 'tcp 10.0.0.1:1 -> 10.0.0.2:80 out');
      assert.ok(r.ok);
    }
  });
});
