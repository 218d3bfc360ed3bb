import type { HoverContent } from './markdown';
import { code } from './markdown';
import type { ValueSite } from './valueSite';

/** A free-text option value and how much of it the kernel keeps. */
interface TextLimit {
  /** Bytes kept, not counting the terminating NUL. */
  readonly maxBytes: number;
  readonly what: string;
  /** Remarks on this value. */
  readonly notes: (text: string) => readonly string[];
  readonly source: string;
}

/**
 * Limits of the free-text values. iptables-extensions(8) says "up to 29 letters" (LOG) and "up to 256
 * characters" (comment); the kernel structs hold 30 and 256 bytes including the NUL, and iptables 1.8.9
 * (nft and legacy, observed) silently keeps the first 29 and 255 bytes of a longer value.
 */
const textLimits: Readonly<Record<string, TextLimit>> = {
  'log-prefix': {
    maxBytes: 29,
    what: 'log prefix',
    // nf_log_syslog.c prints the prefix and then `IN=` with nothing between them.
    notes: (text) =>
      /\s$/.test(text)
        ? []
        : ['No trailing space: the kernel prints the prefix directly before `IN=`, so the two run together.'],
    source:
      'iptables-extensions(8), LOG ("up to 29 letters"); xt_log_info.prefix[30]; net/netfilter/nf_log_syslog.c; truncation observed with iptables 1.8.9',
  },
  comment: {
    maxBytes: 255,
    what: 'comment',
    notes: () => ['A comment does not affect matching: the comment match (xt_comment.c) is always true.'],
    source:
      'iptables-extensions(8), comment ("up to 256 characters", counting the NUL); XT_MAX_COMMENT_LEN 256; truncation observed with iptables 1.8.9',
  },
};

/** `--log-prefix "…"` and `--comment "…"`: the text as iptables receives it and its length against the limit. */
export function textValueHover(site: ValueSite): HoverContent | undefined {
  const limit = textLimits[site.spec?.name ?? site.use.name];
  if (!limit) return undefined;
  const text = site.token.text;
  const bytes = new TextEncoder().encode(text);
  const chars = [...text].length;
  const size = bytes.length === chars ? `${chars} characters` : `${chars} characters, ${bytes.length} bytes`;
  const details = [`${size} of at most ${limit.maxBytes} bytes.`];
  if (bytes.length > limit.maxBytes) {
    const kept = new TextDecoder().decode(bytes.slice(0, limit.maxBytes)).replace(/\uFFFD$/, '');
    details.push(`Too long: iptables keeps only the first ${limit.maxBytes} bytes, ${code(kept)}.`);
  }
  return {
    headline: `${limit.what} — value of ${site.use.token.text}`,
    // A fenced block keeps leading and trailing spaces visible; quotes are the file's, not the value's.
    code: [text],
    details: [...details, ...limit.notes(text)],
    source: limit.source,
  };
}
