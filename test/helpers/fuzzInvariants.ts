/**
 * The invariants every property test checks on whatever the generators produce: nothing throws,
 * no `internal.*` finding, and every span, range and position lies inside the document as an LSP
 * client numbers it (lines end at `\n`, `\r\n` or a lone `\r`; columns count UTF-16 units).
 * The line model here is written independently of server/src/parser/splitLines.ts on purpose.
 */
import * as assert from 'node:assert/strict';
import type { Position, Range, SemanticTokens, TextEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../../server/src/parser/parseDocument';
import type { Finding } from '../../server/src/analysis/findings';
import type { Span } from '../../server/src/model/span';
import { createLanguageService } from '../../server/src/languageService';
import { defaultSettings } from '../../server/src/settings';

/** The document's lines without their line breaks, as an editor shows them. */
export function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function isSpan(value: object): value is Span {
  const v = value as Record<string, unknown>;
  return typeof v.line === 'number' && typeof v.start === 'number' && typeof v.end === 'number';
}

/**
 * Why a span is outside the document, or undefined when it is inside (`0 <= line < line count`,
 * `0 <= start <= end <= line length`, all integers). Messages are built only on failure: these
 * checks run on every span of 10,000-chain documents.
 */
function spanProblem(s: Span, lines: readonly string[]): string | undefined {
  if (!Number.isInteger(s.line) || s.line < 0 || s.line >= lines.length)
    return `is on no line of ${lines.length}`;
  if (!Number.isInteger(s.start) || !Number.isInteger(s.end)) return 'has fractional columns';
  if (s.start < 0 || s.start > s.end) return 'is reversed or negative';
  if (s.end > lines[s.line].length) return `runs past the line end ${lines[s.line].length}`;
  return undefined;
}

export function assertSpanInside(s: Span, lines: readonly string[], what: string): void {
  const problem = spanProblem(s, lines);
  if (problem) assert.fail(`${what}: span ${JSON.stringify(s)} ${problem}`);
}

/**
 * A position inside the document. A whole-line edit of the last line may end at the start of the
 * line after it (`{ line: count, character: 0 }`); `allowEndOfDocument` accepts exactly that.
 */
export function assertPositionInside(
  p: Position,
  lines: readonly string[],
  what: string,
  allowEndOfDocument = false,
): void {
  if (allowEndOfDocument && p.line === lines.length && p.character === 0) return;
  const problem = spanProblem({ line: p.line, start: p.character, end: p.character }, lines);
  if (problem) assert.fail(`${what}: position ${JSON.stringify(p)} ${problem}`);
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function assertRangeInside(
  r: Range,
  lines: readonly string[],
  what: string,
  allowEndOfDocument = false,
): void {
  assertPositionInside(r.start, lines, what);
  assertPositionInside(r.end, lines, what, allowEndOfDocument);
  if (comparePositions(r.start, r.end) > 0) assert.fail(`${what}: range ${JSON.stringify(r)} is reversed`);
}

/**
 * Every span reachable from a value (syntax tree, ruleset), found by walking its properties, so
 * spans added to the model later are covered without touching this test. Shared and cyclic
 * references (the jump graph) are visited once.
 */
export function collectSpans(root: unknown): Span[] {
  const spans: Span[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (isSpan(value)) spans.push(value);
    if (value instanceof Map) {
      for (const [k, v] of value) stack.push(k, v);
    } else if (value instanceof Set || Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else {
      for (const v of Object.values(value)) stack.push(v);
    }
  }
  return spans;
}

export function assertNoInternalFinding(findings: readonly Finding[], what: string): void {
  const internal = findings.filter((f) => f.code.startsWith('internal.'));
  assert.deepEqual(
    internal.map((f) => f.message),
    [],
    `${what} produced internal findings`,
  );
}

/** A finding's span, related spans and quick-fix edits all lie inside the document. */
export function assertFindingInside(f: Finding, lines: readonly string[]): void {
  assertSpanInside(f.span, lines, f.code);
  for (const r of f.related ?? []) assertSpanInside(r.span, lines, `${f.code} related`);
  for (const fix of f.fixes ?? [])
    for (const e of fix.edits) assertRangeInside(e.range, lines, `${f.code} fix "${fix.title}"`, true);
}

/** The parser's promises: one node per editor line, in order; every span inside; no internal error. */
export function assertParsedDocument(doc: ParsedDocument): void {
  const lines = editorLines(doc.text);
  assertNoInternalFinding(doc.problems, 'the parser');
  assert.equal(doc.tree.lines.length, lines.length, 'one syntax node per line');
  doc.tree.lines.forEach((node, i) =>
    assert.equal(node.line, i, `node ${i} says it is on line ${node.line}`),
  );
  for (const s of collectSpans(doc.tree)) assertSpanInside(s, lines, 'syntax tree');
  for (const s of collectSpans(doc.ruleset)) assertSpanInside(s, lines, 'ruleset');
  for (const p of doc.problems) assertFindingInside(p, lines);
}

function offsetOf(text: string, lineStarts: readonly number[], p: Position): number {
  if (p.line >= lineStarts.length) return text.length;
  return lineStarts[p.line] + p.character;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  return starts;
}

/**
 * Applies LSP text edits the way an editor does: all ranges refer to the original text and must
 * not overlap (LSP 3.17 `TextEdit[]`). Written here rather than taken from features/formatting.ts
 * so the tests do not trust the code under test to apply its own edits.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = editorLines(text);
  const starts = lineStartOffsets(text);
  const resolved = edits.map((e, i) => {
    assertRangeInside(e.range, lines, `edit ${i}`, true);
    return {
      from: offsetOf(text, starts, e.range.start),
      to: offsetOf(text, starts, e.range.end),
      newText: e.newText,
    };
  });
  resolved.sort((a, b) => a.from - b.from || a.to - b.to);
  for (let i = 1; i < resolved.length; i++)
    if (resolved[i - 1].to > resolved[i].from) assert.fail(`edits ${JSON.stringify(edits)} overlap`);
  let result = '';
  let cursor = 0;
  for (const e of resolved) {
    result += text.slice(cursor, e.from) + e.newText;
    cursor = e.to;
  }
  return result + text.slice(cursor);
}

/** Every token a semantic-tokens answer encodes, decoded from the relative LSP encoding. */
export function decodeSemanticTokens(tokens: SemanticTokens): Span[] {
  const spans: Span[] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i + 5 <= tokens.data.length; i += 5) {
    const [deltaLine, deltaStart, length] = tokens.data.slice(i, i + 3);
    line += deltaLine;
    start = deltaLine === 0 ? start + deltaStart : deltaStart;
    spans.push({ line, start, end: start + length });
  }
  return spans;
}

export const languageService = createLanguageService();
export const fuzzUri = 'file:///fuzz.rules';

/**
 * Runs every per-document feature once (whole-document ones) and the position-based ones at the
 * given positions, asserting each result stays inside the document. Returns every answer in call
 * order, so two parses of one text can be shown to answer alike.
 */
export function exerciseFeatures(doc: ParsedDocument, positions: readonly Position[]): unknown[] {
  const ls = languageService;
  const answers: unknown[] = [];
  const keep = <T>(answer: T): T => {
    answers.push(answer);
    return answer;
  };
  const lines = editorLines(doc.text);
  const whole: Range = {
    start: { line: 0, character: 0 },
    end: { line: lines.length - 1, character: lines.at(-1)!.length },
  };

  const diagnostics = keep(ls.getDiagnostics(doc, fuzzUri, defaultSettings));
  for (const d of diagnostics) assertRangeInside(d.range, lines, `diagnostic ${String(d.code)}`);
  for (const action of keep(ls.getCodeActions(fuzzUri, diagnostics, diagnostics)))
    applyEdits(doc.text, action.edit?.changes?.[fuzzUri] ?? []);

  const semantic = keep(ls.getSemanticTokens(doc));
  assert.equal(semantic.data.length % 5, 0, 'semantic tokens come in fives');
  for (const s of decodeSemanticTokens(semantic)) assertSpanInside(s, lines, 'semantic token');
  for (const s of decodeSemanticTokens(keep(ls.getSemanticTokens(doc, whole))))
    assertSpanInside(s, lines, 'ranged semantic token');

  const symbolStack = [...keep(ls.getDocumentSymbols(doc))];
  for (let symbol = symbolStack.pop(); symbol; symbol = symbolStack.pop()) {
    assertRangeInside(symbol.range, lines, `symbol ${symbol.name}`);
    assertRangeInside(symbol.selectionRange, lines, `symbol ${symbol.name} selection`);
    symbolStack.push(...(symbol.children ?? []));
  }
  for (const s of keep(ls.getWorkspaceSymbols([{ uri: fuzzUri, doc }], '')))
    if ('range' in s.location) assertRangeInside(s.location.range, lines, `workspace symbol ${s.name}`);
  for (const r of keep(ls.getFoldingRanges(doc)))
    assert.ok(
      0 <= r.startLine && r.startLine <= r.endLine && r.endLine < lines.length,
      `folding ${JSON.stringify(r)}`,
    );
  for (const lens of keep(ls.getCodeLenses(doc, fuzzUri))) assertRangeInside(lens.range, lines, 'code lens');
  for (const hint of keep(ls.getInlayHints(doc, whole)))
    assertPositionInside(hint.position, lines, 'inlay hint');
  keep(ls.getClassification(doc));
  keep(ls.getExpectedRuleSet(doc));

  for (const position of positions) {
    const hover = keep(ls.getHover(doc, position));
    if (hover?.range) assertRangeInside(hover.range, lines, 'hover');
    for (const item of keep(ls.getCompletions(doc, position)).items) {
      const edit = item.textEdit;
      if (edit && 'range' in edit) assertRangeInside(edit.range, lines, `completion ${item.label}`);
      if (edit && 'insert' in edit) assertRangeInside(edit.insert, lines, `completion ${item.label}`);
    }
    for (const l of keep(ls.getDefinition(doc, fuzzUri, position)))
      assertRangeInside(l.range, lines, 'definition');
    for (const l of keep(ls.getReferences(doc, fuzzUri, position, true)))
      assertRangeInside(l.range, lines, 'reference');
    for (const h of keep(ls.getDocumentHighlights(doc, position)))
      assertRangeInside(h.range, lines, 'highlight');
    const renameRange = keep(ls.prepareRename(doc, position));
    if (renameRange) {
      assertRangeInside(renameRange, lines, 'prepareRename');
      const rename = keep(ls.getRenameEdits(doc, fuzzUri, position, 'FUZZ_RENAMED'));
      if ('edit' in rename) applyEdits(doc.text, rename.edit.changes?.[fuzzUri] ?? []);
    }
  }
  return answers;
}

/** Maps free naturals onto positions inside the document (columns up to one past the line end). */
export function positionsIn(text: string, seeds: readonly [number, number][]): Position[] {
  const lines = editorLines(text);
  return seeds.map(([l, c]) => {
    const line = l % lines.length;
    return { line, character: c % (lines[line].length + 1) };
  });
}
