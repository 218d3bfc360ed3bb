/**
 * The pure decoders behind hovers. Expected values: the counter wording is the one issue 4 asks for
 * ("[99138:22880045]" → "99,138 packets, 22.9 MB"); 0x539 = 1337 is Istio's InpodMark
 * (cni/pkg/config/config.go); the mark test `(mark & mask) == value` is xt_mark.c's; host-bit clearing
 * (`10.1.2.3/24` → `10.1.2.0/24`) was observed with iptables-save 1.8.9 (iptables-format.md §3).
 */
import * as assert from 'assert';
import { describeCounters, formatBytes, groupThousands } from '../../../server/src/features/hover/counters';
import {
  binaryGroups,
  bitsOutsideMask,
  describeMaskBits,
  hexAndDecimal,
  maskBitRanges,
} from '../../../server/src/features/hover/marks';
import { addressRange, describeAddressRange } from '../../../server/src/features/hover/addresses';
import { span } from '../../../server/src/model/span';

describe('Hover decoders', () => {
  describe('counters', () => {
    it('Should read [99138:22880045] as "99,138 packets, 22.9 MB"', () => {
      assert.strictEqual(describeCounters(99138n, 22880045n), '99,138 packets, 22.9 MB');
    });

    it('Should say "1 packet, 60 bytes" for a single small packet', () => {
      assert.strictEqual(describeCounters(1n, 60n), '1 packet, 60 bytes');
    });

    it('Should move to the next unit instead of printing 1000.0 kB', () => {
      assert.strictEqual(formatBytes(999_960n), '1.0 MB');
    });

    it('Should format a 64-bit counter beyond Number precision exactly', () => {
      assert.strictEqual(groupThousands(18446744073709551615n), '18,446,744,073,709,551,615');
      assert.strictEqual(formatBytes(18446744073709551615n), '18.4 EB');
    });
  });

  describe('marks', () => {
    it('Should show that mask 0xfff selects bits 0–11', () => {
      assert.deepStrictEqual(maskBitRanges(0xfff), [[0, 11]]);
      assert.strictEqual(describeMaskBits(0xfff), 'bits 0–11 (12 bits)');
    });

    it('Should call 0xffffffff all 32 bits and list holes in a split mask', () => {
      assert.strictEqual(describeMaskBits(0xffffffff), 'all 32 bits');
      assert.strictEqual(describeMaskBits(0xf0f), 'bits 0–3, bits 8–11 (8 bits)');
    });

    it('Should print 0x539 as 1337 and its bits in nibbles', () => {
      assert.strictEqual(hexAndDecimal(0x539), '0x539 (1337)');
      assert.strictEqual(binaryGroups(0x539), '0000 0000 0000 0000 0000 0101 0011 1001');
    });

    it('Should find value bits outside the mask, which make a mark test never true', () => {
      assert.strictEqual(bitsOutsideMask(0x1539, 0xfff), 0x1000);
      assert.strictEqual(bitsOutsideMask(0x539, 0xfff), 0);
    });
  });

  describe('addresses', () => {
    const v4 = (text: string, address: bigint, prefix: number) => ({
      family: 4 as const,
      address,
      mask: prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix),
      prefix,
      text,
      span: span(0, 0, text.length),
    });

    it('Should describe 127.0.0.1/32 as exactly one address', () => {
      assert.strictEqual(
        describeAddressRange(addressRange(v4('127.0.0.1/32', 0x7f000001n, 32))),
        'Exactly 127.0.0.1.',
      );
    });

    it('Should clear host bits of 10.1.2.3/24 and count 256 addresses', () => {
      const range = addressRange(v4('10.1.2.3/24', 0x0a010203n, 24));
      assert.strictEqual(describeAddressRange(range), '10.1.2.0 – 10.1.2.255 (256 addresses).');
      assert.strictEqual(range.hostBitsSet, true);
    });

    it('Should count an IPv6 /64 as 2^64 addresses', () => {
      const range = addressRange({
        family: 6,
        address: 0xfd000000000000000000000000000000n,
        mask: ((1n << 64n) - 1n) << 64n,
        prefix: 64,
        text: 'fd00::/64',
        span: span(0, 0, 9),
      });
      assert.strictEqual(describeAddressRange(range), 'fd00:: – fd00::ffff:ffff:ffff:ffff (2^64 addresses).');
    });
  });
});
