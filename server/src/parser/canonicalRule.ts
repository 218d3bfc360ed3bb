import { findMatchModule, findTarget } from '../netfilter/lookup';
import { rejectTypesV4, rejectTypesV6 } from '../netfilter/targets';
import type { OptionSpec } from '../netfilter/spec';
import { addressTypes } from '../netfilter/matches';
import { MAX_CHAIN_NAME, isBaseLongName, optionGivesNatPorts } from './commandParser';
import { parseWordList } from './decodeHelpers';
import { MAX_COMMENT_BYTES, ctStates, parseProbability } from './decodeMatch';
import { parseNatRange } from './decodeTarget';
import { MAX_LINE_TOKENS, MAX_TOKEN_BYTES } from './lexer';
import type { CommandBlock } from './readCommandLine';
import {
  GOES_TO,
  HAS_DESTINATION_FILTER,
  HAS_REJECT_TYPE,
  JUMPS_TO_CHAIN,
  MAX_KEPT_LINE_LENGTH,
  USES_IPV4,
  packedColumns,
  writeFactsRow,
} from './ruleFacts';
import { parseInterface } from './values/interfaces';
import { parseMark } from './values/marks';
import { parsePortList, parsePortRange } from './values/ports';

/**
 * The fast lane of a big document's parse. iptables-save prints every rule in one canonical form —
 * single spaces, `-A CHAIN` first, short generic options, each `-m` followed by its own options
 * spelled out in full, the target last, comments in double quotes — and a kube-proxy node dump is
 * almost nothing else. Such a line is read here in one pass over its characters, without the tokens,
 * option uses and rule model the full reading (readCommandLine) allocates: about 9 KB of garbage per
 * line, whose collection took a third of a 150,000-line dump's open time.
 *
 * The lane accepts only what it fully understands and only when the full reading would find nothing
 * wrong; anything else (another module, an abbreviation, a glued value, a repeated option, IPv6, a
 * backslash, a tab …) is declined and read in full. Values are checked by the very decoders the full
 * reading uses (ports, marks, interfaces, NAT ranges, probabilities), so the two cannot disagree on
 * a value; test/unit/parser/canonicalRule.test.ts holds the lane to the full reading line by line.
 */

/**
 * Checks an option's argument, the word at columns [start, end) of the line. It answers as the full
 * reading's decoder would: the common forms are recognised in place, anything else is handed to the
 * decoder itself.
 */
type ValueCheck = (text: string, start: number, end: number) => boolean;

/** An option of an extension the lane reads. */
interface LaneOption {
  /** The long name as written (canonical or alias). */
  readonly written: string;
  readonly spec: OptionSpec;
  readonly bit: number;
  readonly check?: ValueCheck;
}

/** A match module or target the lane reads: which of its options, and how their values are checked. */
interface Extension {
  readonly name: string;
  /** Every long name the lane accepts, exactly as written (a few per extension: a scan beats a hash). */
  readonly options: readonly LaneOption[];
  /** Bits of the options the extension refuses to be without. */
  readonly requiredBits: number;
  /** Protocols one of which `-p` must name (the tcp and udp matches, multiport). */
  readonly protocols?: readonly string[];
}

/** A decimal number of at most `maxDigits` digits at [start, end), or -1. */
function decimalAt(text: string, start: number, end: number, maxDigits: number): number {
  if (end <= start || end - start > maxDigits) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/** A port as parsePort takes it: decimal up to 65535 (service names go to the decoder). */
function isDecimalPort(text: string, start: number, end: number): boolean {
  const n = decimalAt(text, start, end, 5);
  return n >= 0 && n <= 65535;
}

const portRange: ValueCheck = (text, start, end) =>
  isDecimalPort(text, start, end) || parsePortRange(text.slice(start, end)).ok;
const natPortRange: ValueCheck = (text, start, end) =>
  isDecimalPort(text, start, end) || parsePortRange(text.slice(start, end), '-').ok;
const portList: ValueCheck = (text, start, end) =>
  isDecimalPort(text, start, end) || parsePortList(text.slice(start, end)).ok;
const mark: ValueCheck = (text, start, end) => parseMark(text.slice(start, end)).ok;
/** `a.b.c.d:port`, the form kube-proxy writes, in place; parseNatRange for every other. */
const natRange: ValueCheck = (text, start, end) => {
  const colon = text.indexOf(':', start);
  if (colon > start && colon < end && parseIPv4Prefix(text, start, colon)) {
    const slash = text.indexOf('/', start);
    if ((slash < 0 || slash >= colon) && isDecimalPort(text, colon + 1, end)) return true;
  }
  return parseNatRange(text.slice(start, end), { line: 0, start: 0, end: 0 }).ok;
};

/**
 * The extensions the lane reads, with a check for each option's value (the decoder the full reading
 * runs on it). An option without an entry here is declined; `null` marks an option without a value.
 */
const readable: Readonly<
  Record<'matches' | 'targets', Readonly<Record<string, Readonly<Record<string, ValueCheck | null>>>>>
> = {
  matches: {
    // splitWords lets only printable ASCII through, so a character is a byte (XT_MAX_COMMENT_LEN).
    comment: { comment: (_text, start, end) => end - start <= MAX_COMMENT_BYTES },
    tcp: { 'source-port': portRange, 'destination-port': portRange },
    udp: { 'source-port': portRange, 'destination-port': portRange },
    statistic: {
      mode: (text, start, end) => {
        const v = text.slice(start, end);
        return v === 'random' || v === 'nth';
      },
      probability: (text, start, end) => parseProbability(text.slice(start, end)).ok,
    },
    multiport: {
      'source-ports': portList,
      'destination-ports': portList,
      ports: portList,
    },
    mark: { mark },
    connmark: { mark },
    conntrack: {
      ctstate: (text, start, end) => parseWordList(text.slice(start, end), ctStates, 'ctstate').ok,
    },
    addrtype: {
      'src-type': (text, start, end) =>
        parseWordList(text.slice(start, end), addressTypes, 'address type').ok,
      'dst-type': (text, start, end) =>
        parseWordList(text.slice(start, end), addressTypes, 'address type').ok,
    },
  },
  targets: {
    ACCEPT: {},
    DROP: {},
    RETURN: {},
    MARK: { 'set-xmark': mark, 'set-mark': mark },
    DNAT: { 'to-destination': natRange },
    SNAT: { 'to-source': natRange },
    MASQUERADE: { 'to-ports': natPortRange, random: null, 'random-fully': null },
    REDIRECT: { 'to-ports': natPortRange, random: null },
    REJECT: {
      'reject-with': (text, start, end) => {
        const v = text.slice(start, end);
        return (rejectTypesV4[v] ?? rejectTypesV6[v]) !== undefined;
      },
    },
  },
};

function extension(
  name: string,
  specOptions: readonly OptionSpec[],
  checks: Readonly<Record<string, ValueCheck | null>>,
  protocols?: readonly string[],
): Extension | undefined {
  // Masks of up to 31 options; a longer table would need another representation.
  if (specOptions.length > 31) return undefined;
  const options: LaneOption[] = [];
  let requiredBits = 0;
  specOptions.forEach((spec, index) => {
    const bit = 1 << index;
    if (spec.required) requiredBits |= bit;
    const check = checks[spec.name];
    if (check === undefined || spec.args === 2 || (check === null) !== (spec.args === 0)) return;
    for (const written of [spec.name, ...(spec.aliases ?? [])]) {
      if (!isBaseLongName(written))
        options.push(check ? { written, spec, bit, check } : { written, spec, bit });
    }
  });
  return { name, options, requiredBits, protocols };
}

/** Whether the word at [start, end) of `text` is `word`. */
function wordIs(text: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && text.startsWith(word, start);
}

/**
 * The entry whose name (`nameOf`) is the word at [start, end), or undefined. A loop rather than
 * `find`, which would make a closure per word of every line.
 */
function findWord<T>(
  entries: readonly T[],
  nameOf: (entry: T) => string,
  text: string,
  start: number,
  end: number,
): T | undefined {
  for (const entry of entries) if (wordIs(text, start, end, nameOf(entry))) return entry;
  return undefined;
}

const extensionName = (ext: Extension): string => ext.name;
const writtenName = (option: LaneOption): string => option.written;

const matchModules: Extension[] = [];
for (const [name, checks] of Object.entries(readable.matches)) {
  const spec = findMatchModule(name);
  const ext =
    spec && spec.name === name
      ? extension(name, spec.options, checks, spec.implicitFromProtocol ?? spec.requiresProtocol)
      : undefined;
  if (ext) matchModules.push(ext);
}
const targetsByName = new Map<string, Extension>();
for (const [name, checks] of Object.entries(readable.targets)) {
  const spec = findTarget(name);
  const ext = spec ? extension(name, spec.options, checks) : undefined;
  if (ext) targetsByName.set(name, ext);
}

/** Protocols `-p` may name in the lane: those the implicit-match and NAT-port rules know by that name. */
const laneProtocols = ['tcp', 'udp', 'sctp'];

const SPACE = 0x20;
const QUOTE = 0x22;

/** Token boundaries of the line being read, reused from line to line (one thread reads at a time). */
const starts = new Int32Array(MAX_LINE_TOKENS + 1);
const ends = new Int32Array(MAX_LINE_TOKENS + 1);
/** 1 where a word is a whole `"…"` word (its start and end then exclude the quotes). */
const quotedTokens = new Uint8Array(MAX_LINE_TOKENS + 1);

/**
 * The shape of a line the lane splits: words of printable ASCII other than blank, quote and backslash,
 * or whole `"…"` words (blanks allowed inside), one blank between words, none before or after. The
 * regular expression engine checks a line's characters several times faster than a loop over
 * charCodeAt, and at full speed from the first line, where the loop ran interpreted for the first
 * thousands of lines of every open (measured on the 150k dump's 110,000 rule lines: 63 ms for the
 * check and split below in a fresh process, 146 ms for the loop it replaced).
 */
const splittableLine = /^(?:[!#-[\]-~]+|"[ !#-[\]-~]*")(?: (?:[!#-[\]-~]+|"[ !#-[\]-~]*"))*$/;

/**
 * Splits `text` into words at single spaces, as iptables-restore would, or returns -1 for a shape the
 * lane leaves to the full tokenizer: two blanks in a row, a tab, a leading or trailing blank, a
 * character outside printable ASCII, a backslash, a quote that does not enclose a whole word, a word
 * longer than iptables' argument buffer, or more words than iptables accepts.
 */
function splitWords(text: string): number {
  if (!splittableLine.test(text)) return -1;
  const length = text.length;
  let count = 0;
  let i = 0;
  for (;;) {
    if (count > MAX_LINE_TOKENS - 1) return -1;
    let end: number;
    if (text.charCodeAt(i) === QUOTE) {
      // The argument is what lies between the quotes (ASCII: a character is a byte).
      end = text.indexOf('"', i + 1);
      starts[count] = i + 1;
      quotedTokens[count] = 1;
      if (end - (i + 1) > MAX_TOKEN_BYTES) return -1;
      ends[count] = end++;
    } else {
      end = text.indexOf(' ', i);
      if (end < 0) end = length;
      starts[count] = i;
      quotedTokens[count] = 0;
      if (end - i > MAX_TOKEN_BYTES) return -1;
      ends[count] = end;
    }
    count++;
    if (end >= length) return count;
    i = end + 1;
  }
}

/** An IPv4 `a.b.c.d[/prefix]` as parseAddress reads it, or undefined for any other text (the lane then declines). */
function parseIPv4Prefix(
  text: string,
  from: number,
  to: number,
): { address: number; mask: number } | undefined {
  let address = 0;
  let at = from;
  for (let part = 0; part < 4; part++) {
    let value = 0;
    let digits = 0;
    while (at < to) {
      const c = text.charCodeAt(at);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      digits++;
      at++;
    }
    if (digits === 0 || digits > 3 || value > 255) return undefined;
    address = address * 256 + value;
    if (part < 3) {
      if (at >= to || text.charCodeAt(at) !== 0x2e /* . */) return undefined;
      at++;
    }
  }
  let prefix = 32;
  if (at < to) {
    if (text.charCodeAt(at) !== 0x2f /* / */) return undefined;
    at++;
    let digits = 0;
    prefix = 0;
    while (at < to) {
      const c = text.charCodeAt(at);
      if (c < 0x30 || c > 0x39) return undefined;
      prefix = prefix * 10 + (c - 0x30);
      digits++;
      at++;
    }
    if (digits === 0 || digits > 2 || prefix > 32) return undefined;
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { address, mask };
}

/** What the line said so far, as the row needs it; reset for each line (one thread reads at a time). */
const lineState = {
  seen: 0,
  negated: false,
  destinationNetwork: 0,
  destinationMask: 0,
  destinationNegated: false,
  protocol: undefined as string | undefined,
  /** Protocols the loaded tcp/udp/multiport matches need `-p` to name (checked once the line is read). */
  protocolNeeds: [] as (readonly string[])[],
  /** A NAT target gives ports, which the tool refuses without a port-carrying `-p`. */
  givesPorts: false,
  /** Bits of the options readOptions found. */
  optionsSeen: 0,
};

const SEEN_SOURCE = 1;
const SEEN_DESTINATION = 2;
const SEEN_PROTOCOL = 4;
const SEEN_IN = 8;
const SEEN_OUT = 16;

/**
 * For a clean `-A` line in the canonical form iptables-save prints, writes the row writeRuleFacts
 * would write after a clean full reading (readCommandLine), and returns true. Returns false, leaving
 * the row untouched, for any line it does not fully understand: the caller then reads it in full.
 * `text` is one whole line without its break; the caller only asks for lines that end with one.
 */
export function writeCanonicalRuleFacts(
  text: string,
  block: CommandBlock,
  facts: Int32Array,
  row: number,
): boolean {
  // IPv4 blocks only: an IPv6 block reads addresses, hostnames and REJECT types differently.
  if (block.family !== 4 || text.length >= MAX_KEPT_LINE_LENGTH) return false;
  if (text.charCodeAt(0) !== 0x2d || text.charCodeAt(1) !== 0x41 || text.charCodeAt(2) !== SPACE)
    return false;
  const count = splitWords(text);
  if (count < 2 || quotedTokens[1] === 1) return false;
  const chainFirst = text.charCodeAt(starts[1]!);
  if (chainFirst === 0x2d /* - */ || chainFirst === 0x21 /* ! */) return false;
  lineState.seen = 0;
  lineState.negated = false;
  lineState.destinationNegated = false;
  lineState.protocol = undefined;
  lineState.protocolNeeds.length = 0;
  lineState.givesPorts = false;
  let i = 2;
  while (i < count && !isTargetOption(text, i)) {
    i = readRuleOption(text, i, count);
    if (i < 0) return false;
  }
  if (lineState.negated) return false;
  let targetTraits = 0;
  let targetStart = -1;
  let targetEnd = -1;
  if (i < count) {
    targetTraits = readTarget(text, i, count);
    if (targetTraits < 0) return false;
    targetStart = starts[i + 1]!;
    targetEnd = ends[i + 1]!;
  }
  for (const needs of lineState.protocolNeeds) {
    if (lineState.protocol === undefined || !needs.includes(lineState.protocol)) return false;
  }
  if (lineState.givesPorts && lineState.protocol === undefined) return false;
  writeRow(facts, row, text, targetStart, targetEnd, targetTraits);
  return true;
}

/** Whether word `i` is `-j` or `-g`: the target, which the lane wants last. */
function isTargetOption(text: string, i: number): boolean {
  const s = starts[i]!;
  if (ends[i]! - s !== 2 || quotedTokens[i] === 1 || text.charCodeAt(s) !== 0x2d) return false;
  const letter = text.charCodeAt(s + 1);
  return letter === 0x6a /* j */ || letter === 0x67; /* g */
}

/** Reads the rule option (or `!`) at word `i`; the next word's index, or -1 to decline. */
function readRuleOption(text: string, i: number, count: number): number {
  if (quotedTokens[i] === 1) return -1;
  const s = starts[i]!;
  const length = ends[i]! - s;
  const first = text.charCodeAt(s);
  if (length === 1 && first === 0x21 /* ! */) {
    if (lineState.negated) return -1;
    lineState.negated = true;
    return i + 1;
  }
  if (length !== 2 || first !== 0x2d || i + 1 >= count || quotedTokens[i + 1] === 1) return -1;
  const letter = text.charCodeAt(s + 1);
  const vs = starts[i + 1]!;
  const ve = ends[i + 1]!;
  if (letter === 0x6d /* m */) {
    if (lineState.negated) return -1;
    const ext = findWord(matchModules, extensionName, text, vs, ve);
    if (!ext) return -1;
    const next = readOptions(text, ext, i + 2, count, true);
    if (next >= 0 && ext.protocols) lineState.protocolNeeds.push(ext.protocols);
    return next;
  }
  // `-s !` is the old negation the tool refuses.
  if (ve - vs === 1 && text.charCodeAt(vs) === 0x21) return -1;
  switch (letter) {
    case 0x73 /* s */:
    case 0x64 /* d */: {
      const bit = letter === 0x73 ? SEEN_SOURCE : SEEN_DESTINATION;
      if (lineState.seen & bit) return -1;
      const a = parseIPv4Prefix(text, vs, ve);
      if (!a) return -1;
      lineState.seen |= bit;
      if (bit === SEEN_DESTINATION) {
        lineState.destinationNegated = lineState.negated;
        lineState.destinationNetwork = (a.address & a.mask) | 0;
        lineState.destinationMask = a.mask | 0;
      }
      break;
    }
    case 0x70 /* p */: {
      if (lineState.negated || lineState.seen & SEEN_PROTOCOL) return -1;
      let protocol: string | undefined;
      for (const p of laneProtocols) if (wordIs(text, vs, ve, p)) protocol = p;
      if (protocol === undefined) return -1;
      lineState.seen |= SEEN_PROTOCOL;
      lineState.protocol = protocol;
      break;
    }
    case 0x69 /* i */:
    case 0x6f /* o */: {
      const bit = letter === 0x69 ? SEEN_IN : SEEN_OUT;
      if (lineState.seen & bit || !parseInterface(text.slice(vs, ve)).ok) return -1;
      lineState.seen |= bit;
      break;
    }
    default:
      return -1;
  }
  lineState.negated = false;
  return i + 2;
}

/**
 * Reads the target at word `at` (`-j`/`-g` and its name) and its options, which must end the lineState.
 * Returns the row's traits the target decides, or -1 to decline.
 */
function readTarget(text: string, at: number, count: number): number {
  if (at + 1 >= count || quotedTokens[at + 1] === 1) return -1;
  const goto = text.charCodeAt(starts[at]! + 1) === 0x67;
  const nameStart = starts[at + 1]!;
  const nameEnd = ends[at + 1]!;
  const first = text.charCodeAt(nameStart);
  if (first === 0x2d || first === 0x21 || nameEnd - nameStart > MAX_CHAIN_NAME) return -1;
  const name = text.slice(nameStart, nameEnd);
  // A target the lane reads is a known one; only a name it does not read needs the knowledge base.
  const ext = targetsByName.get(name);
  if (!ext && findTarget(name) === undefined) {
    // A chain, or an extension iptables-lens does not model: the full reading calls both chains.
    return at + 2 === count ? JUMPS_TO_CHAIN | (goto ? GOES_TO : 0) : -1;
  }
  if (goto || !ext || readOptions(text, ext, at + 2, count, false) !== count) return -1;
  const seen = lineState.optionsSeen;
  // MARK needs exactly one of its operations.
  if (ext.name === 'MARK' && (seen === 0 || (seen & (seen - 1)) !== 0)) return -1;
  return ext.name === 'REJECT' && seen !== 0 ? HAS_REJECT_TYPE : 0;
}

/**
 * Reads the options of the extension `ext` from word `from` on, while they are its own (`!` allowed
 * before a negatable one), and leaves their bits in `lineState.optionsSeen`. Returns the index of the first
 * word that is not, or -1 to decline: a value its decoder refuses, a repeated option, an option the
 * lane does not read, a required one missing. With `stopAtOthers` (a match) a word that is no long
 * option ends the extension's options; else (a target) anything but its options declines.
 */
function readOptions(
  text: string,
  ext: Extension,
  from: number,
  count: number,
  stopAtOthers: boolean,
): number {
  let seen = 0;
  let i = from;
  while (i < count) {
    let at = i;
    let negated = false;
    if (quotedTokens[at] === 0 && ends[at]! - starts[at]! === 1 && text.charCodeAt(starts[at]!) === 0x21) {
      negated = true;
      at++;
      if (at >= count) return -1;
    }
    const s = starts[at]!;
    const e = ends[at]!;
    const isLong =
      quotedTokens[at] === 0 && e - s > 2 && text.charCodeAt(s) === 0x2d && text.charCodeAt(s + 1) === 0x2d;
    // Anything else ends a match's options (a `!` before it is then the rule option's); a target's
    // options run to the end of the line.
    if (!isLong) {
      if (!stopAtOthers) return -1;
      break;
    }
    const option = findWord(ext.options, writtenName, text, s + 2, e);
    if (!option || seen & option.bit || (negated && !option.spec.negatable)) return -1;
    seen |= option.bit;
    i = at + 1;
    if (option.check) {
      if (i >= count) return -1;
      const vs = starts[i]!;
      const ve = ends[i]!;
      // `--opt !` is the old negation the tool refuses, quoted or not.
      if ((ve - vs === 1 && text.charCodeAt(vs) === 0x21) || !option.check(text, vs, ve)) return -1;
      // Only a target's options give NAT ports.
      if (!stopAtOthers && optionGivesNatPorts(option.spec.name, text.slice(vs, ve)))
        lineState.givesPorts = true;
      i++;
    }
  }
  if ((seen & ext.requiredBits) !== ext.requiredBits) return -1;
  lineState.optionsSeen = seen;
  return i;
}

function writeRow(
  facts: Int32Array,
  row: number,
  text: string,
  targetStart: number,
  targetEnd: number,
  targetTraits: number,
): void {
  const seen = lineState.seen;
  // The tracer's destination filter: a single positive -d and no -s (computeDestinationFilter).
  const filter =
    (seen & SEEN_SOURCE) === 0 && (seen & SEEN_DESTINATION) !== 0 && !lineState.destinationNegated;
  writeFactsRow(
    facts,
    row,
    text.length,
    packedColumns(starts[1]!, ends[1]!),
    targetStart < 0 ? -1 : packedColumns(targetStart, targetEnd),
    (seen & (SEEN_SOURCE | SEEN_DESTINATION) ? USES_IPV4 : 0) |
      targetTraits |
      (filter ? HAS_DESTINATION_FILTER : 0),
    filter ? lineState.destinationNetwork : 0,
    filter ? lineState.destinationMask : 0,
  );
}
