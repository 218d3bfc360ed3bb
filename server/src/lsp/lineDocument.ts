import type {
  Position,
  Range,
  TextDocument,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-textdocument';
import type { LineSource } from '../parser/lineStarts';
import { wholeText, type DocumentText, type PiecedText } from '../parser/piecedText';
import { LineCursor } from '../parser/splitLines';

/** Above this many new lines, splice in pieces (a spread of that many arguments overflows the stack). */
const maxSpreadLines = 10_000;

function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/**
 * Splits text into lines the way LSP numbers them (`\n`, `\r\n` and a lone `\r` end a line), each
 * line keeping its break, so joining the pieces gives the text back. The last piece has no break
 * (it is empty when the text ends with one).
 */
export function splitKeepingBreaks(text: string): string[] {
  const lines: string[] = [];
  const cursor = new LineCursor(text);
  while (cursor.advance()) {
    lines.push(cursor.lineWithBreak());
    if (!cursor.hasNewline) break;
  }
  return lines;
}

/**
 * The lines of the text a document was opened with, as offsets: line k (with its break) spans
 * `starts[k] .. starts[k + 1]` of `text`.
 */
interface OpenedLines {
  readonly text: DocumentText;
  readonly starts: Int32Array;
}

/**
 * A line of the store: its text with its break, or, while it is still as the document was opened,
 * its number among the opened lines (see OpenedLines), read from the opened text when asked. A node
 * dump's 150,000 lines then cost a number each instead of a string each: the strings all survived
 * the young generation, and the collections that copied them (10–23 ms) held the first requests
 * after an open.
 */
type StoredLine = string | number;

/** Finds where the lines of an opened text start, in steps (see LineDocument.splitSome). */
class OpenedLineStarts {
  private readonly starts: number[] = [];
  private readonly cursor: LineCursor;

  constructor(private readonly text: DocumentText) {
    this.cursor = new LineCursor(text);
  }

  /** Reads at most `count` more lines; the opened lines once the whole text is read. */
  next(count: number): OpenedLines | undefined {
    const cursor = this.cursor;
    for (let n = 0; n < count; n++) {
      if (!cursor.advance()) return this.finish();
      this.starts.push(cursor.start);
      if (!cursor.hasNewline) return this.finish();
    }
    return undefined;
  }

  private finish(): OpenedLines {
    this.starts.push(this.text.length);
    return { text: this.text, starts: Int32Array.from(this.starts) };
  }
}

function withoutBreak(line: string): string {
  let end = line.length;
  while (end > 0 && isLineBreak(line.charCodeAt(end - 1))) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * The language server's text of an open document: an array of lines, one immutable object per
 * version. The library's TextDocument keeps one string and rebuilds it on every keystroke — on a
 * 16 MB node dump that copy (and the page faults of fresh memory) is most of what an edit costs. Here
 * an edit replaces the lines it touches and copies an array of pointers; the whole text is built only
 * when something asks for it, once per version. Positions and offsets behave exactly as the
 * library's (a property test holds the two side by side).
 */
export class LineDocument implements TextDocument, LineSource {
  private starts: number[] | undefined;
  /**
   * The whole text, when this version has it: the string it was opened or replaced with, pieces of it
   * (a big document decoded while it arrived, see PiecedText), or the lines joined on request.
   */
  private whole: DocumentText | undefined;

  /** Every line with its break, the last without; split from the whole text on first use. */
  private split: readonly StoredLine[] | undefined;
  /** A split of the whole text under way in the background (see splitSome). */
  private splitter: OpenedLineStarts | undefined;

  private constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    lines: readonly StoredLine[] | undefined,
    readonly length: number,
    whole?: DocumentText,
    /** The lines that `lines` still holds by number (see StoredLine). */
    private opened?: OpenedLines,
  ) {
    this.split = lines;
    this.whole = whole;
  }

  /**
   * A document from its text; the lines are split when first needed, or in the background. The
   * content is a string, or pieces when the stdio reader decoded a big one while it arrived.
   */
  static create(
    uri: string,
    languageId: string,
    version: number,
    content: string | PiecedText,
  ): LineDocument {
    return new LineDocument(uri, languageId, version, undefined, content.length, content);
  }

  /**
   * Finds where at most `count` more lines of a freshly opened document start; true when all are
   * found, and the document is then a list of lines (by number, see StoredLine). The server calls it
   * between other work after opening a big document, so the first keystroke does not pay for reading
   * 450,000 lines at once.
   */
  splitSome(count: number): boolean {
    if (this.split) return true;
    this.splitter ??= new OpenedLineStarts(this.whole!);
    const opened = this.splitter.next(count);
    if (!opened) return false;
    this.opened = opened;
    this.split = Array.from({ length: opened.starts.length - 1 }, (_, k) => k);
    this.splitter = undefined;
    return true;
  }

  private get lines(): readonly StoredLine[] {
    if (!this.split) this.splitSome(Infinity);
    return this.split!;
  }

  /** Line `i` with its break (`i` within the document). */
  private lineText(i: number): string {
    const line = this.lines[i]!;
    if (typeof line === 'string') return line;
    const starts = this.opened!.starts;
    return this.opened!.text.slice(starts[line]!, starts[line + 1]!);
  }

  /** The length of line `i` with its break, without reading an opened line's text. */
  private lineLength(i: number): number {
    const line = this.lines[i]!;
    if (typeof line === 'string') return line.length;
    const starts = this.opened!.starts;
    return starts[line + 1]! - starts[line]!;
  }

  /** A new version with the changes applied in order; this version stays as it is. */
  static update(
    document: LineDocument,
    changes: readonly TextDocumentContentChangeEvent[],
    version: number,
  ): LineDocument {
    let current = document;
    for (const change of changes) {
      current =
        'range' in change
          ? current.replaced(change.range, change.text)
          : new LineDocument(
              current.uri,
              current.languageId,
              version,
              undefined,
              change.text.length,
              change.text,
            );
    }
    return new LineDocument(
      current.uri,
      current.languageId,
      version,
      current.split,
      current.length,
      current.whole,
      current.opened,
    );
  }

  get lineCount(): number {
    return this.lines.length;
  }

  getText(range?: Range): string {
    if (!range) {
      const whole = wholeText(this.whole ?? this.lines.map((_, i) => this.lineText(i)).join(''));
      this.whole = whole;
      return whole;
    }
    let start = this.offsetAt(range.start);
    let end = this.offsetAt(range.end);
    // A reversed range reads forwards, as String.prototype.substring (the library) does.
    if (start > end) [start, end] = [end, start];
    if (this.whole !== undefined) return this.whole.slice(start, end);
    const from = this.locate(start);
    const to = this.locate(end);
    if (from.line === to.line) return this.lineText(from.line).slice(from.column, to.column);
    const parts = [this.lineText(from.line).slice(from.column)];
    for (let i = from.line + 1; i < to.line; i++) parts.push(this.lineText(i));
    parts.push(this.lineText(to.line).slice(0, to.column));
    return parts.join('');
  }

  /**
   * The whole text for a parse: the pieces of a big document decoded while it arrived stay pieces (the
   * parser reads them as they are), anything else is the string {@link getText} gives.
   */
  textForParsing(): DocumentText {
    return this.whole ?? this.getText();
  }

  getLineRange(line: number): Range {
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const at = Math.min(line, this.lines.length - 1);
    return { start: { line: at, character: 0 }, end: { line: at, character: this.line(at).length } };
  }

  getEOLCharacters(line: number): string {
    if (this.lines[line] === undefined) return '';
    const text = this.lineText(line);
    return text.slice(withoutBreak(text).length);
  }

  /** Line `i` without its break (LineSource, for the incremental re-parse). */
  line(i: number): string {
    return this.lines[i] === undefined ? '' : withoutBreak(this.lineText(i));
  }

  /** The whole text (LineSource). */
  text(): string {
    return this.getText();
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= this.lines.length) return this.length;
    if (position.line < 0) return 0;
    const lineStart = starts[position.line]!;
    if (position.character <= 0) return lineStart;
    const line = this.lineText(position.line);
    let column = Math.min(position.character, line.length);
    // Never inside or after the line break, as the library does.
    while (column > 0 && isLineBreak(line.charCodeAt(column - 1))) column--;
    return lineStart + column;
  }

  positionAt(offset: number): Position {
    const { line, column } = this.locate(Math.max(0, Math.min(offset, this.length)));
    const text = this.lineText(line);
    let character = column;
    while (character > 0 && isLineBreak(text.charCodeAt(character - 1))) character--;
    return { line, character };
  }

  /** The line holding an offset (the last line starting at or before it) and the column in it. */
  private locate(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! > offset) high = mid;
      else low = mid + 1;
    }
    const line = Math.max(0, low - 1);
    return { line, column: offset - starts[line]! };
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = new Array<number>(this.lines.length);
    let at = 0;
    for (let i = 0; i < this.lines.length; i++) {
      starts[i] = at;
      at += this.lineLength(i);
    }
    return (this.starts = starts);
  }

  /** This document with `range` replaced by `text`, as a new object. */
  private replaced(range: Range, text: string): LineDocument {
    let start = this.offsetAt(range.start);
    let end = this.offsetAt(range.end);
    if (start > end) [start, end] = [end, start];
    const from = this.locate(start);
    const to = this.locate(end);
    let firstLine = from.line;
    let prefix = this.lineText(firstLine).slice(0, from.column);
    const suffix = this.lineText(to.line).slice(to.column);
    let joined = prefix + text + suffix;
    // A `\n` arriving right after a line that ends in a lone `\r` joins it into one `\r\n` break.
    if (prefix === '' && firstLine > 0 && joined.charCodeAt(0) === 0x0a) {
      const before = this.lineText(firstLine - 1);
      if (before.endsWith('\r')) {
        firstLine--;
        prefix = before;
        joined = prefix + joined;
      }
    }
    const replacement = splitKeepingBreaks(joined);
    // The suffix ends with the last touched line's break unless that line is the last one: the
    // empty piece after that break is the start of the next line, which is kept as it is.
    if (to.line < this.lines.length - 1) replacement.pop();
    const deleteCount = to.line - firstLine + 1;
    let lines: StoredLine[];
    if (replacement.length <= maxSpreadLines) {
      lines = this.lines.slice();
      lines.splice(firstLine, deleteCount, ...replacement);
    } else {
      lines = this.lines.slice(0, firstLine).concat(replacement, this.lines.slice(firstLine + deleteCount));
    }
    const length = this.length - (end - start) + text.length;
    return new LineDocument(this.uri, this.languageId, this.version, lines, length, undefined, this.opened);
  }
}

/**
 * Lines split per turn of the event loop when a big document is split in the background: about a
 * millisecond (20,000 took 4–8 ms a turn on the 150k benchmark dump, which a request arriving right
 * after the open waited for).
 */
const linesPerTurn = 5_000;

/** Splits a freshly opened document's lines between other work (about a millisecond per turn). */
export async function splitInBackground(document: LineDocument): Promise<void> {
  while (!document.splitSome(linesPerTurn)) await new Promise((resolve) => setImmediate(resolve));
}
