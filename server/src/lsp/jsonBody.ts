import { randomBytes } from 'node:crypto';
import { PiecedText } from '../parser/piecedText';

/**
 * Decodes the JSON body of one big LSP message while its bytes arrive, instead of after.
 *
 * A node dump is opened with one `textDocument/didOpen` of 16–50 MB whose `text` is a single JSON
 * string. The stock reader waits for the last byte, copies the chunks into one buffer, decodes it into
 * a string and hands that to `JSON.parse`, which unescapes the text into a third copy: about 0.6 s on
 * a 49 MB dump, during which no other message is read. Here every chunk is handled as it arrives: long
 * string literals are unescaped into an output buffer (the `\n` of every line, the `\"` of every
 * comment) and decoded from it into strings of about a megabyte, each ending with a line break, as soon
 * as that much has arrived; everything else is kept as a small JSON skeleton in which each long literal
 * is a placeholder. At the end the skeleton is parsed and the placeholders get their text: a document's
 * whole text (`didOpen`, a full-text `didChange`) as a PiecedText the line store and the parser read
 * piece by piece, any other literal joined into one string. So neither a 49 MB buffer nor a 49 MB
 * string is made in one step: both meant allocating and first-touching 49 MB at once.
 *
 * Anything unusual — a lone UTF-16 surrogate escape, a control character inside a string, a long
 * object key, an unknown escape — makes {@link finish} parse the body with `JSON.parse` instead, so
 * the result (or the error) is always what `JSON.parse` gives.
 *
 * The raw bytes are not kept for that fallback: keeping them held a second copy of the body (and
 * every chunk Node read it into stayed allocated, so each read faulted in fresh pages). When the
 * fallback is needed, an equivalent body is rebuilt instead: the skeleton as received, each long
 * literal decoded so far written back as JSON, the escape in progress as it came, then the rest.
 */
export class StreamingJsonBody {
  /** Once decoding gave up: a body JSON.parse reads as it would read the received one. */
  private rebuilt: Uint8Array[] | undefined;
  /**
   * Unescaped UTF-8 of the long literal being read, from its start or from the last piece cut off
   * (see cutPiece): a megabyte or so, not the whole message, so its memory is reused all along.
   */
  private out: Buffer;
  /** `out` read and written four bytes at a time (copyPlain). */
  private outWords: DataView;
  private outLength = 0;
  /** A byte of `out` may not be ASCII (then it is decoded as UTF-8, else as the faster Latin-1). */
  private nonAscii = false;
  /** The current long literal's text before `out`, decoded piece by piece as the body arrives. */
  private pieces: string[] = [];
  /** The message with every long literal replaced by a placeholder; grows as needed. */
  private skeleton = Buffer.allocUnsafe(4096);
  private skeletonLength = 0;
  /**
   * Each long literal by placeholder number: where its text lies in `out`, and where its placeholder
   * lies in the skeleton (between the quotes).
   */
  private readonly literals: {
    pieces: string[];
    skeletonStart: number;
    skeletonEnd: number;
  }[] = [];
  /**
   * Literals (by placeholder number) the message gets as a PiecedText when they came in several
   * pieces: a document's whole text in `didOpen` or a full-text `didChange`, which the line store and
   * the parser read in pieces. Every other literal becomes one string.
   */
  private piecedLiterals = new Set<number>();

  private inString = false;
  /** Skeleton offset just after the opening quote of the current literal. */
  private literalStart = 0;
  /** The current literal is being unescaped into `out` (it grew past {@link longLiteral}). */
  private diverted = false;
  private divertedStart = 0;
  /** Escape state inside a literal: after a backslash, then the hex digits of `\uXXXX`. */
  private escape: 'none' | 'backslash' | 'unicode' = 'none';
  private hexDigits = 0;
  private hexValue = 0;
  /** A high surrogate from `\uD8xx` waiting for its low half. */
  private highSurrogate = 0;
  /**
   * The raw bytes of the escape in progress in a diverted literal (with a waiting high surrogate's
   * `\uD8xx` before it), for the rebuilt body: they have not reached `out` yet.
   */
  private readonly pending: number[] = [];
  /** A backslash in a literal that is still in the skeleton: the literal may not be diverted yet. */
  private skeletonEscape = false;

  /**
   * `length` is the body's byte length. `longLiteral` is the raw length from which a string literal is
   * unescaped into the output buffer, `pieceLength` the decoded length from which a piece of it is cut
   * off (tests make both small to exercise every path on short inputs).
   */
  constructor(
    length: number,
    private readonly longLiteral = defaultLongLiteral,
    private readonly placeholder = defaultPlaceholder,
    private readonly pieceLength = defaultPieceLength,
  ) {
    this.out = Buffer.allocUnsafe(Math.min(length, 2 * pieceLength + 64 * 1024));
    this.outWords = wordsOf(this.out);
  }

  /** The next bytes of the body; `chunk` is not kept (its owner may fill it again). */
  write(chunk: Uint8Array): void {
    if (this.rebuilt) {
      this.rebuilt.push(Uint8Array.from(chunk));
      return;
    }
    // Unescaping never makes text longer (`\n` is 2 bytes for 1, `\uXXXX` 6 for at most 3), except
    // that an escape begun in an earlier chunk may end here: a few bytes more than the chunk.
    this.reserve(chunk.length + 8);
    this.decode(chunk);
    if (!this.rebuilt && this.diverted && this.outLength - this.divertedStart >= this.pieceLength)
      this.cutPiece();
  }

  private decode(chunk: Uint8Array): void {
    const words = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < chunk.length; i++) {
      if (this.diverted) {
        if (this.escape === 'none' && this.highSurrogate === 0) {
          i = this.copyPlain(chunk, words, i);
          if (i === chunk.length) return;
        }
        if (!this.unescapeByte(chunk[i]!)) {
          this.giveUp(chunk.subarray(i));
          return;
        }
        continue;
      }
      const byte = chunk[i]!;
      this.toSkeleton(byte);
      if (!this.inString) {
        if (byte === 0x22) {
          this.inString = true;
          this.literalStart = this.skeletonLength;
          this.skeletonEscape = false;
        }
        continue;
      }
      if (this.skeletonEscape) {
        this.skeletonEscape = false;
        continue;
      }
      if (byte === 0x5c) {
        this.skeletonEscape = true;
      } else if (byte === 0x22) {
        this.inString = false;
      } else if (byte < 0x20) {
        // A raw control character is not JSON: let JSON.parse report it.
        this.giveUp(chunk.subarray(i + 1));
        return;
      } else if (this.skeletonLength - this.literalStart >= this.longLiteral) {
        if (!this.divert()) {
          this.giveUp(chunk.subarray(i + 1));
          return;
        }
      }
    }
  }

  /**
   * The bulk of a long literal, in one tight loop: plain bytes and the one-character escapes (`\n`
   * ends every line of a dump, `\"` surrounds every comment) are copied; returns where it stopped,
   * at a quote, a `\u`, a control character or an escape split across chunks, for unescapeByte.
   */
  private copyPlain(chunk: Uint8Array, words: DataView, from: number): number {
    const out = this.out;
    const outWords = this.outWords;
    let o = this.outLength;
    let i = from;
    const n = chunk.length;
    let bits = 0;
    while (i < n) {
      // Four bytes at a time while none of them needs a look (a quote, a backslash, a control
      // character or a non-ASCII byte; bit tricks that never miss one): half the time of the byte loop.
      if (i + 4 <= n) {
        const word = words.getUint32(i, true);
        const notWord = ~word;
        const control = (word - 0x20202020) & notWord;
        const quote = ((word ^ 0x22222222) - 0x01010101) & ~(word ^ 0x22222222);
        const backslash = ((word ^ 0x5c5c5c5c) - 0x01010101) & ~(word ^ 0x5c5c5c5c);
        if (((control | quote | backslash | word) & 0x80808080) === 0) {
          outWords.setUint32(o, word, true);
          o += 4;
          i += 4;
          continue;
        }
      }
      const b = chunk[i]!;
      if (b === 0x5c) {
        if (i + 1 === n) break;
        const simple = simpleEscapeBytes[chunk[i + 1]!]!;
        if (simple === 0) break;
        out[o++] = simple;
        i += 2;
        continue;
      }
      if (b === 0x22 || b < 0x20) break;
      bits |= b;
      out[o++] = b;
      i++;
    }
    if (bits >= 0x80) this.nonAscii = true;
    this.outLength = o;
    return i;
  }

  /** The decoded message; throws what `JSON.parse` throws on a malformed body. */
  finish(): unknown {
    if (this.rebuilt || this.inString || this.diverted) return this.parseRebuilt();
    let message: unknown;
    try {
      message = JSON.parse(this.skeleton.toString('utf8', 0, this.skeletonLength));
    } catch {
      // Malformed: the error should be the kind the whole body gives.
      return this.parseRebuilt();
    }
    if (this.literals.length === 0) return message;
    this.piecedLiterals = this.documentTextLiterals(message);
    const filled = this.fill(message);
    return filled === unfillable ? this.parseRebuilt() : filled;
  }

  /** Room in `out` for `extra` more bytes after what it holds. */
  private reserve(extra: number): void {
    const needed = this.outLength + extra;
    if (needed <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.out.length));
    this.out.copy(bigger, 0, 0, this.outLength);
    this.out = bigger;
    this.outWords = wordsOf(bigger);
  }

  /**
   * Decodes the current literal's text in `out` into pieces of at least `pieceLength` bytes, each
   * ending with a line break, and moves the rest to the front. A line break is never inside a
   * character, and a piece that ends with one is where PiecedText may start a new piece; a literal
   * without line breaks grows in `out` instead.
   */
  private cutPiece(): void {
    let from = this.divertedStart;
    while (this.outLength - from >= this.pieceLength) {
      const lineBreak = this.out.indexOf(0x0a, from + this.pieceLength - 1);
      if (lineBreak < 0 || lineBreak >= this.outLength) break;
      this.pieces.push(this.decodeOut(from, lineBreak + 1));
      from = lineBreak + 1;
    }
    if (from === this.divertedStart) return;
    this.out.copyWithin(this.divertedStart, from, this.outLength);
    this.outLength = this.divertedStart + (this.outLength - from);
  }

  private decodeOut(start: number, end: number): string {
    return this.out.toString(this.nonAscii ? 'utf8' : 'latin1', start, end);
  }

  private parseRebuilt(): unknown {
    this.giveUp(new Uint8Array(0));
    return JSON.parse(Buffer.concat(this.rebuilt!).toString('utf8'));
  }

  /**
   * Stops decoding: from here on the body is collected as an equivalent of what was received, for
   * `JSON.parse` at the end. `rest` is the part of the current chunk not decoded yet.
   */
  private giveUp(rest: Uint8Array): void {
    if (this.rebuilt) return;
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const literal of this.literals) {
      parts.push(this.skeleton.subarray(from, literal.skeletonStart));
      for (const piece of literal.pieces) parts.push(asJsonContent(piece));
      from = literal.skeletonEnd;
    }
    parts.push(this.skeleton.subarray(from, this.skeletonLength));
    if (this.diverted) {
      for (const piece of this.pieces) parts.push(asJsonContent(piece));
      parts.push(asJsonContent(this.out.toString('utf8', this.divertedStart, this.outLength)));
      parts.push(Uint8Array.from(this.pending));
    }
    parts.push(Uint8Array.from(rest));
    this.rebuilt = parts;
  }

  private toSkeleton(byte: number): void {
    if (this.skeletonLength === this.skeleton.length) {
      const bigger = Buffer.allocUnsafe(this.skeleton.length * 2);
      this.skeleton.copy(bigger, 0, 0, this.skeletonLength);
      this.skeleton = bigger;
    }
    this.skeleton[this.skeletonLength++] = byte;
  }

  /**
   * Moves the current literal's text so far from the skeleton into `out`, unescaped. When that fails
   * the literal stays in the skeleton as it came.
   */
  private divert(): boolean {
    const from = this.literalStart;
    const to = this.skeletonLength;
    this.reserve(to - from);
    this.skeletonLength = from;
    this.diverted = true;
    this.divertedStart = this.outLength;
    for (let i = from; i < to; i++) {
      if (this.unescapeByte(this.skeleton[i]!)) continue;
      this.skeletonLength = to;
      this.diverted = false;
      this.outLength = this.divertedStart;
      this.pending.length = 0;
      return false;
    }
    return true;
  }

  /** One byte of a diverted literal; false when only JSON.parse can say what it means. */
  private unescapeByte(byte: number): boolean {
    switch (this.escape) {
      case 'none':
        if (byte === 0x5c) {
          this.escape = 'backslash';
          this.pending.push(byte);
          return true;
        }
        if (this.highSurrogate !== 0) return false; // `\uD8xx` not followed by `\uDCxx`
        if (byte === 0x22) return this.endDiverted();
        if (byte < 0x20) return false;
        if (byte >= 0x80) this.nonAscii = true;
        this.out[this.outLength++] = byte;
        return true;
      case 'backslash': {
        const simple = simpleEscapeBytes[byte]!;
        if (simple !== 0) {
          if (this.highSurrogate !== 0) return false;
          this.escape = 'none';
          this.pending.length = 0;
          this.out[this.outLength++] = simple;
          return true;
        }
        if (byte !== 0x75 /* u */) return false;
        this.escape = 'unicode';
        this.pending.push(byte);
        this.hexDigits = 0;
        this.hexValue = 0;
        return true;
      }
      case 'unicode': {
        const digit = hexDigit(byte);
        if (digit < 0) return false;
        const value = this.hexValue * 16 + digit;
        if (this.hexDigits < 3) {
          this.hexDigits++;
          this.hexValue = value;
          this.pending.push(byte);
          return true;
        }
        if (!this.codeUnit(value)) return false;
        this.escape = 'none';
        // A high surrogate waits for its low half with its escape still pending.
        if (this.highSurrogate !== 0) this.pending.push(byte);
        else this.pending.length = 0;
        return true;
      }
    }
  }

  private codeUnit(unit: number): boolean {
    const high = this.highSurrogate;
    if (high !== 0) {
      this.highSurrogate = 0;
      if (unit < 0xdc00 || unit > 0xdfff) return false;
      this.writeCodePoint(0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
      return true;
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      this.highSurrogate = unit;
      return true;
    }
    // A lone low surrogate has no UTF-8 form; JSON.parse keeps it as a code unit.
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    this.writeCodePoint(unit);
    return true;
  }

  private writeCodePoint(cp: number): void {
    const out = this.out;
    if (cp >= 0x80) this.nonAscii = true;
    if (cp < 0x80) {
      out[this.outLength++] = cp;
    } else if (cp < 0x800) {
      out[this.outLength++] = 0xc0 | (cp >> 6);
      out[this.outLength++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[this.outLength++] = 0xe0 | (cp >> 12);
      out[this.outLength++] = 0x80 | ((cp >> 6) & 0x3f);
      out[this.outLength++] = 0x80 | (cp & 0x3f);
    } else {
      out[this.outLength++] = 0xf0 | (cp >> 18);
      out[this.outLength++] = 0x80 | ((cp >> 12) & 0x3f);
      out[this.outLength++] = 0x80 | ((cp >> 6) & 0x3f);
      out[this.outLength++] = 0x80 | (cp & 0x3f);
    }
  }

  /** The closing quote of a diverted literal: its placeholder goes into the skeleton. */
  private endDiverted(): boolean {
    if (this.highSurrogate !== 0) return false;
    const skeletonStart = this.skeletonLength;
    for (const byte of Buffer.from(`${this.placeholder}${this.literals.length}`, 'latin1'))
      this.toSkeleton(byte);
    this.cutPiece();
    const pieces = this.pieces;
    pieces.push(this.decodeOut(this.divertedStart, this.outLength));
    this.literals.push({ pieces, skeletonStart, skeletonEnd: this.skeletonLength });
    this.pieces = [];
    this.outLength = this.divertedStart;
    if (this.outLength === 0) this.nonAscii = false;
    this.toSkeleton(0x22);
    this.diverted = false;
    this.inString = false;
    return true;
  }

  /** The parsed skeleton with its placeholders replaced; `unfillable` if one is an object key. */
  private fill(value: unknown): unknown {
    if (typeof value === 'string') {
      const number = this.placeholderNumber(value);
      const literal = number === undefined ? undefined : this.literals[number];
      if (number === undefined || !literal) return value;
      const pieces = literal.pieces;
      if (pieces.length === 1) return pieces[0]!;
      return this.piecedLiterals.has(number) ? new PiecedText(pieces) : pieces.join('');
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const filled = this.fill(value[i]);
        if (filled === unfillable) return unfillable;
        value[i] = filled;
      }
      return value;
    }
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (key.startsWith(this.placeholderText)) return unfillable;
        const filled = this.fill(record[key]);
        if (filled === unfillable) return unfillable;
        record[key] = filled;
      }
    }
    return value;
  }

  /**
   * The placeholder numbers of the literals that hold a whole document text: `params.textDocument.text`
   * of `didOpen`, `params.contentChanges[i].text` of a `didChange` change without a range.
   */
  private documentTextLiterals(message: unknown): Set<number> {
    const found = new Set<number>();
    const note = (value: unknown): void => {
      const number = this.placeholderNumber(value);
      if (number !== undefined) found.add(number);
    };
    const { method, params } = (message ?? {}) as { method?: unknown; params?: unknown };
    if (method === 'textDocument/didOpen') {
      note((params as { textDocument?: { text?: unknown } } | undefined)?.textDocument?.text);
    } else if (method === 'textDocument/didChange') {
      const changes = (params as { contentChanges?: unknown } | undefined)?.contentChanges;
      if (Array.isArray(changes))
        for (const change of changes as unknown[])
          if (change !== null && typeof change === 'object' && !('range' in change))
            note((change as { text?: unknown }).text);
    }
    return found;
  }

  /** The number of the long literal `value` stands for, when it is a placeholder. */
  private placeholderNumber(value: unknown): number | undefined {
    if (typeof value !== 'string' || !value.startsWith(this.placeholderText)) return undefined;
    const number = Number(value.slice(this.placeholderText.length));
    return Number.isInteger(number) ? number : undefined;
  }

  /** The placeholder as JSON.parse returns it (its `\u0000` escape decoded). */
  private get placeholderText(): string {
    return this.placeholder.replace('\\u0000', '\u0000');
  }
}

/** A literal longer than this many raw bytes is unescaped into the output buffer. */
const defaultLongLiteral = 64 * 1024;

/**
 * A long literal's decoded text is cut into pieces of about this many bytes as it arrives: each piece
 * is a string made in the turn its last chunk arrived, a few milliseconds of work, where one 49 MB
 * string made at the end took 0.15–0.2 s in one step.
 */
const defaultPieceLength = 1 << 20;

function wordsOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Text written back as the inside of a JSON string literal. */
function asJsonContent(text: string): Buffer {
  return Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
}

const unfillable = Symbol('unfillable');

/**
 * The text a long literal is replaced with in the skeleton (JSON escapes, then its number): a NUL
 * and a random tag no real message carries.
 */
const defaultPlaceholder = `\\u0000iptables-lens-literal-${randomBytes(8).toString('hex')}-`;

/**
 * What `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` stand for, by the byte after the backslash; 0 where that
 * byte makes no one-character escape.
 */
const simpleEscapeBytes = new Uint8Array(256);
const oneCharacterEscapes = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
for (const [after, meaning] of Object.entries(oneCharacterEscapes))
  simpleEscapeBytes[after.charCodeAt(0)] = meaning.charCodeAt(0);

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}
