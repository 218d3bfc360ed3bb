import type { Range, SemanticTokens } from 'vscode-languageserver/node';
import type { ParsedDocument } from '../parser/parseDocument';
import type { LanguageService } from '../languageService';
import type { ServerContext } from './context';
import { runSafe } from './runSafe';
import { runInSlices } from './sliceRunner';

/** Lines per slice of a whole-document request: a few milliseconds of work each. */
const defaultLinesPerSlice = 2000;

/**
 * Serves textDocument/semanticTokens/full and /range from the cached parse of the document
 * (ARCHITECTURE rule 4): a range request for the visible lines never re-parses, and a whole-document
 * request on a 450,000-line dump is built in slices so other requests are answered meanwhile.
 */
export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on((params, token) =>
    runSafe<SemanticTokens, void>(ctx.connection, 'semanticTokens', token, { data: [] }, async () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return { data: [] };
      const doc = await ctx.cache.get(document);
      const tokens = await runInSlices(wholeDocumentTokens(ctx.service, doc), {
        abandoned: () => token.isCancellationRequested,
      });
      return tokens ?? { data: [] };
    }),
  );
  ctx.connection.languages.semanticTokens.onRange((params, token) =>
    runSafe<SemanticTokens, void>(ctx.connection, 'semanticTokens/range', token, { data: [] }, () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return { data: [] };
      return ctx.cache.get(document).then((doc) => ctx.service.getSemanticTokens(doc, params.range));
    }),
  );
}

/**
 * The whole document's tokens as consecutive line ranges joined into one encoding. Each range's data
 * starts relative to line 0, so its first token's line delta is rebased on the previous range's last
 * token line; the column delta needs no change because ranges never share a line.
 */
export function* wholeDocumentTokens(
  service: LanguageService,
  doc: ParsedDocument,
  linesPerSlice = defaultLinesPerSlice,
): Generator<void, SemanticTokens, void> {
  const lineCount = doc.tree.lines.length;
  const data: number[] = [];
  let lastLine = 0;
  for (let first = 0; first < lineCount; first += linesPerSlice) {
    const last = Math.min(lineCount, first + linesPerSlice);
    const range: Range = { start: { line: first, character: 0 }, end: { line: last, character: 0 } };
    const part = service.getSemanticTokens(doc, range).data;
    let line = 0;
    for (let i = 0; i < part.length; i += 5) {
      line += part[i]!;
      data.push(i === 0 ? line - lastLine : part[i]!, part[i + 1]!, part[i + 2]!, part[i + 3]!, part[i + 4]!);
    }
    if (part.length > 0) lastLine = line;
    yield;
  }
  return { data };
}
