import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/** The grammar as the extension ships it (package.json contributes.grammars points here). */
export const grammarPath = path.resolve(__dirname, '../../../syntaxes/iptables-save.tmLanguage.json');

/** One token of one line: its text and the scope stack from the root scope outwards. */
export interface ScopedToken {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

/**
 * Loads the grammar with the same engine VS Code uses (vscode-textmate on the oniguruma WASM build).
 * Cached: the WASM module can only be initialised once per process.
 */
export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasmPath = path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm');
    const wasm = fs.readFileSync(wasmPath);
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.iptables'
          ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
    });
    const grammar = await registry.loadGrammar('source.iptables');
    if (!grammar) throw new Error(`cannot load ${grammarPath}`);
    return grammar;
  })();
  return grammarPromise;
}

/**
 * Tokenizes a whole text line by line, carrying the rule stack as the editor does. Lines are split
 * on "\n" only, so a CRLF file keeps its "\r" at the end of each line, as iptables-restore sees it.
 */
export function tokenizeText(grammar: vsctm.IGrammar, text: string): ScopedToken[][] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let stack = vsctm.INITIAL;
  return lines.map((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({
      line,
      start: t.startIndex,
      end: Math.min(t.endIndex, lineText.length),
      text: lineText.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
}
