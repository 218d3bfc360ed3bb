import { strict as assert } from 'assert';
import { formatAddress, parseAddress } from '../../../server/src/trace/address';
import { formatPacketSpec, parsePacketSpec } from '../../../server/src/trace/packet';

describe('trace packet spec', () => {
  it('Should read a TCP IPv4 spec with direction and options', () => {
    const r = parsePacketSpec('tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out mark=0x539 uid=1337');
    assert.ok(r.ok);
    assert.equal(r.spec.family, 4);
    assert.equal(r.spec.protocol, 'tcp');
    assert.equal(r.spec.src, 0x0af40005n);
    assert.equal(r.spec.dst, 0x0a60000an);
    assert.equal(r.spec.sport, 43210);
    assert.equal(r.spec.dport, 8080);
    assert.equal(r.spec.origin, 'out');
    assert.equal(r.spec.mark, 1337);
    assert.equal(r.spec.uid, 1337);
    assert.deepEqual(r.spec.tcpFlags, ['SYN']);
  });

  it('Should default to an outbound packet when no direction is given', () => {
    const r = parsePacketSpec('udp 10.0.0.1:5353 -> 10.0.0.2:53');
    assert.ok(r.ok);
    assert.equal(r.spec.origin, 'out');
    assert.deepEqual(r.spec.tcpFlags, []);
  });

  it('Should read bracketed IPv6 endpoints', () => {
    const r = parsePacketSpec('tcp [fd00::5]:1234 -> [fd00:96::a]:80 in iif=eth0');
    assert.ok(r.ok);
    assert.equal(r.spec.family, 6);
    assert.equal(r.spec.src, 0xfd000000000000000000000000000005n);
    assert.equal(r.spec.dport, 80);
    assert.equal(r.spec.iif, 'eth0');
  });

  it('Should name the bad address', () => {
    const r = parsePacketSpec('tcp 10.0.0.300:1 -> 10.0.0.2:80');
    assert.ok(!r.ok);
    assert.equal(r.part, '10.0.0.300:1');
    assert.match(r.error, /bad source address '10\.0\.0\.300'/);
  });

  it('Should name the bad port', () => {
    const r = parsePacketSpec('tcp 10.0.0.1:1 -> 10.0.0.2:70000');
    assert.ok(!r.ok);
    assert.match(r.error, /bad destination port '70000'/);
  });

  it('Should refuse mixed address families', () => {
    const r = parsePacketSpec('tcp 10.0.0.1:1 -> [::1]:80');
    assert.ok(!r.ok);
    assert.match(r.error, /different address families/);
  });

  it('Should name an unknown option', () => {
    const r = parsePacketSpec('tcp 10.0.0.1:1 -> 10.0.0.2:80 out colour=red');
    assert.ok(!r.ok);
    assert.equal(r.part, 'colour=red');
  });

  it('Should name an unknown protocol and direction', () => {
    const proto = parsePacketSpec('sctp 10.0.0.1:1 -> 10.0.0.2:80');
    assert.ok(!proto.ok);
    assert.equal(proto.part, 'sctp');
    const dir = parsePacketSpec('tcp 10.0.0.1:1 -> 10.0.0.2:80 sideways');
    assert.ok(!dir.ok);
    assert.equal(dir.part, 'sideways');
  });

  it('Should refuse a mark wider than 32 bits', () => {
    const r = parsePacketSpec('tcp 10.0.0.1:1 -> 10.0.0.2:80 mark=0x100000000');
    assert.ok(!r.ok);
    assert.equal(r.part, 'mark=0x100000000');
  });

  it('Should refuse uid on an inbound packet, since only local sockets have an owner', () => {
    const r = parsePacketSpec('tcp 10.0.0.1:1 -> 10.0.0.2:80 in uid=0');
    assert.ok(!r.ok);
    assert.match(r.error, /uid\/gid describe a local socket/);
  });

  it('Should print a spec back in a form it reads again', () => {
    const text = 'tcp [fd00::5]:1234 -> [fd00:96::a]:80 out mark=0x539 ctmark=0x111 flags=ACK';
    const r = parsePacketSpec(text);
    assert.ok(r.ok);
    assert.equal(formatPacketSpec(r.spec), text);
  });

  it('Should read transparent=yes as a socket with a foreign source address, and print it back', () => {
    const r = parsePacketSpec('tcp 10.0.0.9:5000 -> 10.244.0.5:8080 out mark=0x539 transparent=yes');
    assert.ok(r.ok);
    assert.equal(r.spec.transparent, true);
    assert.equal(
      formatPacketSpec(r.spec),
      'tcp 10.0.0.9:5000 -> 10.244.0.5:8080 out mark=0x539 transparent=yes',
    );
    const bad = parsePacketSpec('tcp 10.0.0.9:5000 -> 10.244.0.5:8080 out transparent=maybe');
    assert.ok(!bad.ok);
    assert.equal(bad.part, 'transparent=maybe');
  });

  it('Should read ICMP without ports and refuse a port on it', () => {
    const r = parsePacketSpec('icmp 10.0.0.1 -> 10.0.0.2 out type=8/0');
    assert.ok(r.ok);
    assert.equal(r.spec.icmpType, 8);
    assert.equal(r.spec.icmpCode, 0);
    const bad = parsePacketSpec('icmp 10.0.0.1:5 -> 10.0.0.2');
    assert.ok(!bad.ok);
  });
});

describe('trace addresses', () => {
  it('Should print IPv6 the RFC 5952 way, as iptables-save does', () => {
    // Expected forms as `ip -6 addr` / ip6tables-save print them.
    assert.equal(
      formatAddress(6, parseAddress('fd16:9254:7127:1337:ffff:ffff:ffff:ffff')!.value),
      'fd16:9254:7127:1337:ffff:ffff:ffff:ffff',
    );
    assert.equal(formatAddress(6, parseAddress('0:0:0:0:0:0:0:1')!.value), '::1');
    assert.equal(formatAddress(6, parseAddress('fd00:0:0:1:0:0:0:5')!.value), 'fd00:0:0:1::5');
    // Observed: `ip6tables -A INPUT -s ::ffff:10.0.0.1` saves as `-s ::ffff:10.0.0.1/128` (inet_ntop's
    // mixed notation for IPv4-mapped addresses, as RFC 5952 §5 recommends).
    assert.equal(formatAddress(6, parseAddress('::ffff:10.0.0.1')!.value), '::ffff:10.0.0.1');
  });

  it('Should refuse malformed addresses', () => {
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.0.0.1', 'fd00:::1', 'fd00::1::2', '12345::1', 'g::1']) {
      assert.equal(parseAddress(bad), undefined, bad);
    }
  });
});
