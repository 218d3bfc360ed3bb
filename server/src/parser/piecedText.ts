/**
 * A document's text kept as consecutive pieces, every piece but the last ending with a line feed, so
 * no line is split between two pieces.
 *
 * The language server's stdio reader decodes a big `didOpen` into pieces of about a megabyte while the
 * message arrives (lsp/jsonBody.ts) instead of one string at its end: building a 49 MB string is one
 * uninterruptible step that allocates and first-touches 49 MB at once (0.15–0.2 s on the benchmark
 * machine, with no answer to any request meanwhile). The parser, the line store and the on-demand
 * rule handles read lines through {@link LineCursor} and `slice`/`charCodeAt`, which work on pieces as
 * they do on a string; the whole string is joined only when something asks for all of it.
 */
export class PiecedText {
  readonly pieces: readonly string[];
  /** UTF-16 length of the whole text. */
  readonly length: number;
  /** Offset of each piece in the whole text, then the text's length. */
  private readonly starts: number[];
  private joined: string | undefined;
  /** The piece the last offset was found in: reads mostly stay in one piece or move to the next. */
  private lastPiece = 0;

  /**
   * `pieces` in order. A piece that does not end with a line feed (before the last) is joined with the
   * pieces after it up to one that does, and empty pieces are dropped, so the invariant always holds.
   */
  constructor(pieces: readonly string[]) {
    const kept: string[] = [];
    let pending = '';
    for (const piece of pieces) {
      pending += piece;
      if (pending.length > 0 && pending.charCodeAt(pending.length - 1) === 0x0a) {
        kept.push(pending);
        pending = '';
      }
    }
    if (pending.length > 0 || kept.length === 0) kept.push(pending);
    this.pieces = kept;
    this.starts = new Array<number>(kept.length + 1);
    let at = 0;
    for (let i = 0; i < kept.length; i++) {
      this.starts[i] = at;
      at += kept[i]!.length;
    }
    this.starts[kept.length] = at;
    this.length = at;
  }

  /** The UTF-16 code unit at `offset`, or NaN outside the text (as a string's charCodeAt). */
  charCodeAt(offset: number): number {
    if (!(offset >= 0 && offset < this.length)) return NaN;
    const piece = this.pieceAt(offset);
    return this.pieces[piece]!.charCodeAt(offset - this.starts[piece]!);
  }

  /** The text from `start` to `end` (both clamped to the text, as a string's slice with offsets ≥ 0). */
  slice(start: number, end: number): string {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    if (from === to) return '';
    const first = this.pieceAt(from);
    const firstStart = this.starts[first]!;
    if (to <= this.starts[first + 1]!) return this.pieces[first]!.slice(from - firstStart, to - firstStart);
    const parts = [this.pieces[first]!.slice(from - firstStart)];
    let piece = first + 1;
    for (; this.starts[piece + 1]! < to; piece++) parts.push(this.pieces[piece]!);
    parts.push(this.pieces[piece]!.slice(0, to - this.starts[piece]!));
    return parts.join('');
  }

  /** The whole text as one string, joined on first use. */
  toString(): string {
    return (this.joined ??= this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join(''));
  }

  /** Serialised as the string it stands for (a message traced to the client's log, a test's JSON). */
  toJSON(): string {
    return this.toString();
  }

  /** Index of the piece holding `offset` (0 ≤ offset < length). */
  private pieceAt(offset: number): number {
    const starts = this.starts;
    let piece = this.lastPiece;
    if (offset >= starts[piece]! && offset < starts[piece + 1]!) return piece;
    if (offset >= starts[piece + 1]! && offset < (starts[piece + 2] ?? -1))
      return (this.lastPiece = piece + 1);
    let low = 0;
    let high = this.pieces.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    piece = low;
    return (this.lastPiece = piece);
  }
}

/** A document's text: one string, or pieces of it. */
export type DocumentText = string | PiecedText;

/** The whole text as one string (joined once for pieces). */
export function wholeText(text: DocumentText): string {
  return typeof text === 'string' ? text : text.toString();
}
