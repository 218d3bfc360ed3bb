import * as assert from 'assert';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { suiteClient } from '../../helpers/lspClient';

interface Decoded {
  line: number;
  start: number;
  text: string;
  type: string;
  modifiers: string[];
}

/** Decodes LSP's relative token encoding against the server's own legend. */
function decode(tokens: SemanticTokens, legend: SemanticTokensLegend, lines: string[]): Decoded[] {
  const out: Decoded[] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dLine, dStart, length, type, mods] = tokens.data.slice(i, i + 5);
    line += dLine;
    start = dLine === 0 ? start + dStart : dStart;
    out.push({
      line,
      start,
      text: lines[line].slice(start, start + length),
      type: legend.tokenTypes[type],
      modifiers: legend.tokenModifiers.filter((_, bit) => (mods & (1 << bit)) !== 0),
    });
  }
  return out;
}

const lines = [
  '*mangle', // 0
  ':PREROUTING ACCEPT [0:0]', // 1
  ':ISTIO_PRERT - [0:0]', // 2
  '-A PREROUTING -j ISTIO_PRERT', // 3
  '-A PREROUTING -j NOWHERE', // 4: jump to a chain nobody declared
  '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff', // 5
  'COMMIT', // 6
  '',
];

describe('Semantic tokens over a real LSP connection', function () {
  this.timeout(30000);
  const uri = 'file:///semantic.rules';
  const client = suiteClient((c) => c.open(uri, lines.join('\n')));

  it('Should tell a declared user chain, an undefined chain and Istio marks apart', async () => {
    const legend = client().initializeResult!.capabilities.semanticTokensProvider!.legend;
    const tokens = await client().request<SemanticTokens>('textDocument/semanticTokens/full', {
      textDocument: { uri },
    });
    const decoded = decode(tokens, legend, lines);
    const at = (line: number, text: string) => decoded.find((t) => t.line === line && t.text === text);
    const declared = at(3, 'ISTIO_PRERT');
    assert.strictEqual(declared?.type, 'function');
    assert.ok(!declared.modifiers.includes('undefined'));
    const undefinedChain = at(4, 'NOWHERE');
    assert.strictEqual(undefinedChain?.type, 'function');
    assert.ok(undefinedChain.modifiers.includes('undefined'), JSON.stringify(undefinedChain));
    const ztunnelMark = decoded.find((t) => t.line === 5 && t.text.startsWith('0x539'));
    assert.ok(ztunnelMark?.modifiers.includes('istio'), JSON.stringify(decoded.filter((t) => t.line === 5)));
  });

  it('Should answer a range request with only the tokens of that range', async () => {
    const legend = client().initializeResult!.capabilities.semanticTokensProvider!.legend;
    const tokens = await client().request<SemanticTokens>('textDocument/semanticTokens/range', {
      textDocument: { uri },
      range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } },
    });
    const decoded = decode(tokens, legend, lines);
    assert.ok(decoded.length > 0);
    assert.ok(
      decoded.every((t) => t.line === 4),
      JSON.stringify(decoded),
    );
  });
});
