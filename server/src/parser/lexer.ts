import type { Token } from '../model/syntax';
import type { Span } from '../model/span';
import { finding, type Finding } from '../analysis/findings';
import { compact } from './compact';
import { utf8Bytes } from './utf8';

/**
 * iptables' argument buffer holds 1024 bytes including the terminating NUL, so an argument may be
 * at most 1023 bytes long ("Parameter too long!", add_param in iptables/xshared.c).
 */
export const MAX_TOKEN_BYTES = 1023;

/**
 * argv holds at most 255 entries and the restore loop puts the program name, `-t` and the table in
 * front of the line's own tokens; `add_argv` refuses once argc + 1 reaches 255
 * ("Parser cannot handle more arguments", iptables/xshared.c).
 */
export const MAX_LINE_TOKENS = 255 - 1 - 3;

export interface LexResult {
  readonly tokens: Token[];
  readonly problems: Finding[];
}

/**
 * Splits one command line into argv tokens exactly as iptables-restore's `add_param_to_argv` does:
 * space, tab (and the line end) separate; only double quotes are special; inside quotes a backslash
 * takes the next character literally; a closing quote ends the token even when a letter follows
 * (`ab"c d"ef` → `abc d`, `ef`); an unterminated quote swallows the rest of the line including the
 * newline. Runs in one pass over the line.
 *
 * @param text the whole line, without its line break
 * @param line 0-based line number, for spans
 * @param from UTF-16 column where the argv starts (after a `[p:b]` counters prefix)
 * @param hasNewline whether the line ended with a newline (an unterminated quote then keeps it)
 * @param shareWords share one string per short word across lines (see sharedWords); pointless for
 *   tokens that are dropped right after reading, which an on-demand parse does with most lines
 */
export function tokenizeLine(
  text: string,
  line: number,
  from = 0,
  hasNewline = true,
  shareWords = true,
): LexResult {
  const tokens = tokenizeCommonLine(text, line, from, shareWords);
  return tokens ? { tokens, problems: [] } : tokenizeAnyLine(text, line, from, hasNewline);
}

/**
 * Short argv words recur on almost every line (`-A`, `-m`, `comment`, `-j`, `tcp`); V8 copies a slice
 * of fewer than 13 characters into a new string, so sharing one string per word keeps big dumps
 * smaller. Bounded so an adversarial file cannot grow it without limit.
 */
const sharedWords = new Map<string, string>();
const MAX_SHARED_WORD_LENGTH = 12;
const MAX_SHARED_WORDS = 4096;

function shareWord(word: string): string {
  if (word.length > MAX_SHARED_WORD_LENGTH) return word;
  const known = sharedWords.get(word);
  if (known !== undefined) return known;
  if (sharedWords.size >= MAX_SHARED_WORDS) sharedWords.clear();
  sharedWords.set(word, word);
  return word;
}

/**
 * The lines real dumps hold — plain words and whole `"…"` words without backslashes — in one pass
 * with a single slice per token and no per-line closures, which matters on 100k-line dumps. Returns
 * undefined for anything else (a quote inside a word, a backslash in quotes, an open quote, an
 * over-long token, too many tokens); `tokenizeAnyLine` then handles the line exactly.
 */
function tokenizeCommonLine(
  text: string,
  line: number,
  from: number,
  shareWords: boolean,
): Token[] | undefined {
  const tokens: Token[] = [];
  const length = text.length;
  let i = from;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09) {
      i++;
      continue;
    }
    const quoted = code === 0x22;
    const first = quoted ? i + 1 : i;
    let j = first;
    let bytes = 0;
    for (; j < length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (quoted) {
        if (c === 0x5c) return undefined;
      } else if (c === 0x20 || c === 0x09) {
        break;
      }
      bytes += c < 0x80 ? 1 : utf8Bytes(c);
    }
    if (bytes > MAX_TOKEN_BYTES) return undefined;
    if (quoted) {
      if (j >= length) return undefined;
      tokens.push({ text: text.slice(first, j), span: { line, start: i, end: j + 1 }, quoted: true });
      i = j + 1;
    } else {
      if (j < length && text.charCodeAt(j) === 0x22) return undefined;
      const word = text.slice(first, j);
      tokens.push({
        text: shareWords ? shareWord(word) : word,
        span: { line, start: i, end: j },
        quoted: false,
      });
      i = j;
    }
    if (tokens.length > MAX_LINE_TOKENS) return undefined;
  }
  return compact(tokens);
}

/** The exact tokenizer for every line, including the rare shapes `tokenizeCommonLine` declines. */
function tokenizeAnyLine(text: string, line: number, from: number, hasNewline: boolean): LexResult {
  const tokens: Token[] = [];
  const problems: Finding[] = [];
  let buffer = '';
  /** Text accumulated in plain chunks, flushed into `buffer` lazily to keep the loop linear. */
  let chunkStart = -1;
  let tokenStart = -1;
  let bytes = 0;
  let quoted = false;
  let quoteOpen = false;
  let escaped = false;
  let tooLongReported = false;

  const flushChunk = (end: number): void => {
    if (chunkStart >= 0) {
      buffer += text.slice(chunkStart, end);
      chunkStart = -1;
    }
  };
  const addBytes = (code: number, at: number): void => {
    bytes += utf8Bytes(code);
    if (bytes > MAX_TOKEN_BYTES && !tooLongReported) {
      tooLongReported = true;
      problems.push(
        finding(
          'syntax.token-too-long',
          { line, start: tokenStart, end: Math.max(at + 1, tokenStart + 1) },
          `Parameter too long! An argument may be at most ${MAX_TOKEN_BYTES} bytes (UTF-8).`,
        ),
      );
    }
  };
  const emit = (end: number, unterminated: boolean): void => {
    flushChunk(end);
    const span: Span = { line, start: tokenStart, end };
    const token: Token = unterminated
      ? { text: buffer, span, quoted, unterminated }
      : { text: buffer, span, quoted };
    tokens.push(token);
    buffer = '';
    tokenStart = -1;
    bytes = 0;
    quoted = false;
    tooLongReported = false;
  };

  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (quoteOpen) {
      if (escaped) {
        escaped = false;
        chunkStart = i;
        addBytes(code, i);
        continue;
      }
      if (code === 0x5c /* \ */) {
        flushChunk(i);
        escaped = true;
        continue;
      }
      if (code === 0x22 /* " */) {
        quoteOpen = false;
        // The closing quote ends the token, even an empty one (`""` is an empty argument).
        flushChunk(i);
        emit(i + 1, false);
        continue;
      }
      if (chunkStart < 0) chunkStart = i;
      addBytes(code, i);
      continue;
    }
    if (code === 0x22) {
      if (tokenStart < 0) tokenStart = i;
      flushChunk(i);
      quoteOpen = true;
      quoted = true;
      continue;
    }
    if (code === 0x20 || code === 0x09) {
      if (tokenStart >= 0) emit(i, false);
      continue;
    }
    if (tokenStart < 0) tokenStart = i;
    if (chunkStart < 0) chunkStart = i;
    addBytes(code, i);
  }
  if (quoteOpen) {
    flushChunk(text.length);
    if (hasNewline) {
      // fgets keeps the newline and the open quote copies it into the argument.
      buffer += '\n';
      addBytes(0x0a, text.length);
    }
    const start = tokenStart;
    // The tool adds a swallowed argument only when it is non-empty; we keep it anyway so the editor
    // can show the token, and flag it.
    emit(text.length, true);
    problems.push(
      finding(
        'syntax.unterminated-quote',
        { line, start, end: text.length },
        'The double quote is never closed: iptables-restore takes the rest of the line, including the line break, as one argument.',
        {
          fixes: [
            {
              title: 'Close the quote at the end of the line',
              edits: [
                {
                  range: { start: { line, character: text.length }, end: { line, character: text.length } },
                  newText: '"',
                },
              ],
              isPreferred: true,
            },
          ],
        },
      ),
    );
  } else if (tokenStart >= 0) {
    emit(text.length, false);
  }
  if (tokens.length > MAX_LINE_TOKENS) {
    const first = tokens[MAX_LINE_TOKENS]!;
    const last = tokens[tokens.length - 1]!;
    problems.push(
      finding(
        'syntax.too-many-arguments',
        { line, start: first.span.start, end: last.span.end },
        `Parser cannot handle more arguments: a restore line may hold at most ${MAX_LINE_TOKENS} arguments (this one has ${tokens.length}).`,
      ),
    );
  }
  return { tokens, problems };
}
