/** Value normalisations; expected values are what iptables-save 1.8.9 printed for the same input. */
import * as assert from 'node:assert/strict';
import {
  canonicalLimitRate,
  canonicalPortRange,
  canonicalTcpFlags,
  canonicalIcmpType,
} from '../../../server/src/format/values';
import { saveQuote } from '../../../server/src/format/quote';

describe('format/values', function () {
  it('Should print rates as libxt_limit does: 3/hour stays, 60/minute becomes 1/sec, a bare 5 means 5/sec', function () {
    assert.equal(canonicalLimitRate('3/hour'), '3/hour');
    assert.equal(canonicalLimitRate('60/minute'), '1/sec');
    assert.equal(canonicalLimitRate('5'), '5/sec');
  });

  it('Should fill open port range ends and collapse a one-port range', function () {
    assert.equal(canonicalPortRange(':1023')?.text, '0:1023');
    assert.equal(canonicalPortRange('80:80')?.text, '80');
    assert.equal(canonicalPortRange('nosuchservice'), undefined);
  });

  it('Should expand ALL into every flag and print an empty set as NONE', function () {
    assert.equal(canonicalTcpFlags('ALL'), 'FIN,SYN,RST,PSH,ACK,URG');
    assert.equal(canonicalTcpFlags('NONE'), 'NONE');
  });

  it('Should map icmpv6 echo-request to 128', function () {
    assert.equal(canonicalIcmpType('echo-request', 6), '128');
  });

  it('Should quote a value unless it is made of letters, digits, _ and -', function () {
    assert.equal(saveQuote('nospace'), 'nospace');
    assert.equal(saveQuote('a.b'), '"a.b"');
    assert.equal(saveQuote('back\\slash'), '"back\\\\slash"');
  });
});
