import * as assert from 'node:assert/strict';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver-types';
import { createLanguageService } from '../../../server/src/languageService';
import { semanticTokensLegend } from '../../../server/src/features/semanticTokens';

const service = createLanguageService();

/** One decoded token: `line:start text type[mods]`, e.g. `3:18 ISTIO_PRERT function[istio]`. */
function decode(text: string, data: readonly number[]): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    start = data[i] === 0 ? start + data[i + 1]! : data[i + 1]!;
    const type = semanticTokensLegend.tokenTypes[data[i + 3]!];
    const mods = semanticTokensLegend.tokenModifiers.filter((_, bit) => (data[i + 4]! & (1 << bit)) !== 0);
    out.push(
      `${line}:${start} ${lines[line]!.slice(start, start + data[i + 2]!)} ${type}[${mods.join(',')}]`,
    );
  }
  return out;
}

function tokensOf(text: string): string[] {
  return decode(text, service.getSemanticTokens(service.parse(text)).data);
}

describe('Semantic tokens (language service)', () => {
  it('Should use LSP standard token types and modifiers, plus only the documented extras', () => {
    const standardTypes = new Set<string>(Object.values(SemanticTokenTypes));
    const standardModifiers = new Set<string>(Object.values(SemanticTokenModifiers));
    assert.deepEqual(
      semanticTokensLegend.tokenTypes.filter((t) => !standardTypes.has(t)),
      ['invalid'],
    );
    assert.deepEqual(
      semanticTokensLegend.tokenModifiers.filter((m) => !standardModifiers.has(m)),
      ['undefined', 'istio', 'invalid'],
    );
  });

  it('Should tell builtin chains, user chains declared in the block and undefined chains apart', () => {
    const text = [
      '*filter', //                                   line 0
      ':INPUT ACCEPT [0:0]', //                       line 1: builtin, declared
      ':MINE - [0:0]', //                             line 2: user chain declaration
      '-N ALSO_MINE', //                              line 3: declaration by command
      '-A INPUT -j MINE', //                          line 4: builtin operand, declared target
      '-A MINE -j NOWHERE', //                        line 5: user operand, undefined target
      '-A ALSO_MINE -g MINE', //                      line 6
      'COMMIT',
      '',
    ].join('\n');
    const tokens = tokensOf(text);
    assert.deepEqual(tokens.slice(0, 6), [
      '1:1 INPUT function[declaration,defaultLibrary]',
      '2:1 MINE function[declaration]',
      '3:3 ALSO_MINE function[declaration]',
      '4:3 INPUT function[defaultLibrary]',
      '4:12 MINE function[]',
      '5:3 MINE function[invalid]',
    ]);
    assert.ok(tokens.includes('5:11 NOWHERE function[undefined,invalid]'), tokens.join('\n'));
    assert.ok(tokens.includes('6:16 MINE function[]'), tokens.join('\n'));
  });

  it('Should treat a chain declared only in another table block as undefined', () => {
    const text = [
      '*mangle',
      ':ONLY_IN_MANGLE - [0:0]',
      'COMMIT',
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -j ONLY_IN_MANGLE', // line 5: col 17
      'COMMIT',
      '',
    ].join('\n');
    assert.ok(tokensOf(text).some((t) => t.startsWith('5:17 ONLY_IN_MANGLE function[undefined')));
  });

  it('Should mark the old name of -E as a reference and the new one as a declaration', () => {
    // Renaming a chain the same block creates: legacy accepts it, but iptables-nft-restore fails the
    // commit (CHAIN_RENAME), so the line also carries the invalid modifier.
    const text = ['*filter', ':OLD - [0:0]', '-E OLD NEW', 'COMMIT', ''].join('\n');
    assert.deepEqual(tokensOf(text).slice(1), [
      '2:3 OLD function[invalid]',
      '2:7 NEW function[declaration,invalid]',
    ]);
  });

  it("Should mark Istio's marks, ztunnel ports, the probe SNAT address and its chains, and nothing else", () => {
    // Rules from Istio's cni/pkg/iptables/testdata/default.golden (rendered) plus kube-proxy's 0x4000 mark.
    const text = [
      '*nat', // line 0
      ':PREROUTING ACCEPT [0:0]',
      ':ISTIO_PRERT - [0:0]', // line 2
      '-A PREROUTING -j ISTIO_PRERT', // line 3
      '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // line 4
      '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006',
      '-A ISTIO_PRERT -p tcp -m multiport --dports 80,15001:15006 -m mark --mark 0x4000/0x4000 -j RETURN', // line 6
      '-A ISTIO_PRERT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.244.0.121:8080', // line 7
      'COMMIT',
      '',
    ].join('\n');
    const istio = tokensOf(text).filter((t) => t.includes('istio'));
    assert.deepEqual(istio, [
      '2:1 ISTIO_PRERT function[declaration,istio]',
      '3:17 ISTIO_PRERT function[istio]',
      '4:3 ISTIO_PRERT function[istio]',
      '4:18 169.254.7.127/32 enumMember[readonly,istio]',
      '5:3 ISTIO_PRERT function[istio]',
      '5:57 15008 enumMember[readonly,istio]',
      '5:80 0x539/0xfff enumMember[readonly,istio]',
      '5:115 15006 enumMember[readonly,istio]',
      '6:3 ISTIO_PRERT function[istio]',
      '6:47 15001 enumMember[readonly,istio]',
      '6:53 15006 enumMember[readonly,istio]',
      '7:3 ISTIO_PRERT function[istio]',
    ]);
  });

  it("Should mark the sidecar proxy's uid 1337 in an owner match", () => {
    const text = [
      '*nat',
      ':ISTIO_OUTPUT - [0:0]',
      '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN',
      'COMMIT',
      '',
    ].join('\n');
    assert.ok(tokensOf(text).includes('2:37 1337 enumMember[readonly,istio]'));
  });

  it('Should cover a line iptables-restore rejects for its context with an invalid token', () => {
    const text = ['-A INPUT -j ACCEPT', '*filter', 'COMMIT', ''].join('\n'); // line 0: no table yet
    assert.deepEqual(tokensOf(text), ['0:0 -A INPUT -j ACCEPT invalid[]']);
  });

  it('Should mark CRLF lines, which the editor shows without their CR', () => {
    const text = '*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n';
    const tokens = tokensOf(text);
    assert.ok(
      tokens.some((t) => t.startsWith('0:0 ') && t.endsWith('invalid[]')),
      tokens.join('\n'),
    );
    assert.ok(
      tokens.some((t) => t.startsWith('1:1 INPUT function[') && t.includes('invalid')),
      tokens.join('\n'),
    );
  });

  describe('range requests', () => {
    const text = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':ISTIO_PRERT - [0:0]',
      '-A PREROUTING -j ISTIO_PRERT', // line 3
      '-A ISTIO_PRERT -p tcp -j REDIRECT --to-ports 15006', // line 4
      '-A ISTIO_PRERT -j UNDECLARED', // line 5
      'COMMIT',
      '',
    ].join('\n');

    it('Should return exactly the tokens of the requested lines, encoded from the first of them', () => {
      const doc = service.parse(text);
      const range = { start: { line: 4, character: 0 }, end: { line: 5, character: 100 } };
      const all = tokensOf(text).filter((t) => /^[45]:/.test(t));
      assert.deepEqual(decode(text, service.getSemanticTokens(doc, range).data), all);
      assert.equal(all.length, 4);
    });

    it('Should work from the cached parse alone: the document text is not read again', () => {
      const doc = service.parse(text);
      const withoutText = { ...doc, text: '' };
      const range = { start: { line: 3, character: 0 }, end: { line: 5, character: 0 } };
      assert.deepEqual(service.getSemanticTokens(withoutText, range), service.getSemanticTokens(doc, range));
      assert.deepEqual(decode(text, service.getSemanticTokens(withoutText, range).data), [
        '3:3 PREROUTING function[defaultLibrary]',
        '3:17 ISTIO_PRERT function[istio]',
        '4:3 ISTIO_PRERT function[istio]',
        '4:45 15006 enumMember[readonly,istio]',
      ]);
    });
  });
});
