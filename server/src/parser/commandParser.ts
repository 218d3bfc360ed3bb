import type { AddressSpec, InterfaceSpec, Match, Negatable, OptionUse, Rule, Target } from '../model/rule';
import { coverSpans, joinSpans, spanToRange, type Span } from '../model/span';
import type { CommandLine, CommandVerb, Counters, Token } from '../model/syntax';
import type { Fix } from '../analysis/findings';
import { commands, genericOptions, uselessInFile } from '../netfilter/generic';
import {
  findImplicitModule,
  findMatchModule,
  findTarget,
  modulesDefining,
  namesOf,
  resolveInGroups,
  type NameGroup,
} from '../netfilter/lookup';
import { normaliseProtocol } from '../netfilter/protocols';
import type { CommandSpec, OptionSpec } from '../netfilter/spec';
import { targetSpecs } from '../netfilter/targets';
import { decodeMatch } from './decodeMatch';
import { decodeTarget } from './decodeTarget';
import type { Problems } from './problems';
import type { LoadedMatch, LoadedTarget } from './ruleParts';
import { parseAddressList } from './values/addresses';
import { parseInterface } from './values/interfaces';
import { compact } from './compact';

/** Where a command line sits and what the tool put in front of its argv. */
export interface CommandContext {
  readonly table: string;
  readonly line: number;
  /** The whole line. */
  readonly span: Span;
  readonly counters?: Counters;
  /** Family of the surrounding block as far as known (addresses decide themselves; this only seeds hostnames). */
  readonly family: 4 | 6;
  /** The whole line text (for quick-fix edits). */
  readonly text: string;
}

/** Who owns a long option in the merged getopt table. */
type Owner =
  | { readonly kind: 'command'; readonly spec: CommandSpec }
  | { readonly kind: 'generic' }
  | { readonly kind: 'match'; readonly match: LoadedMatch }
  | { readonly kind: 'target' };

const GENERIC: Owner = { kind: 'generic' };

/** Commands seen as getopt options: they take their chain as the (required or optional) argument. */
const commandOptions = new Map<OptionSpec, CommandSpec>();
/** The base of the merged getopt table: iptables' own commands and generic options, in its order. */
const BASE_GROUPS: NameGroup<Owner>[] = [];
const shortOptions = new Map<string, { option: OptionSpec; owner: Owner }>();
for (const c of commands) {
  const option: OptionSpec = {
    name: c.name,
    short: c.short,
    args: c.chain === 'required' ? 1 : 0,
    negatable: false,
    value: 'string',
    syntax: c.syntax,
    summary: c.summary,
  };
  const owner: Owner = { kind: 'command', spec: c };
  commandOptions.set(option, c);
  BASE_GROUPS.push({ names: namesOf([option]), owner });
  shortOptions.set(c.short, { option, owner });
}
BASE_GROUPS.push({ names: namesOf(genericOptions), owner: GENERIC });

/**
 * Whether a long option name is one of iptables' own commands or generic options, which getopt finds
 * before any extension's option of the same exact name.
 */
export function isBaseLongName(name: string): boolean {
  return baseLongNames.has(name);
}
const baseLongNames = new Set(BASE_GROUPS.flatMap((g) => g.names.map((entry) => entry.name)));
for (const g of genericOptions) if (g.short) shortOptions.set(g.short, { option: g, owner: GENERIC });

const TARGET: Owner = { kind: 'target' };

/** Options only the listing command accepts (iptables' commands_v_options table). */
const LISTING_OPTIONS = new Set(['numeric', 'exact', 'line-numbers']);

const verbByName: Readonly<Record<string, CommandVerb>> = {
  append: 'append',
  insert: 'insert',
  delete: 'delete',
  replace: 'replace',
  check: 'check',
  'new-chain': 'new-chain',
  'delete-chain': 'delete-chain',
  flush: 'flush',
  policy: 'policy',
  zero: 'zero',
  'rename-chain': 'rename-chain',
  list: 'list',
  'list-rules': 'list-rules',
};

/** Rule-specification options that commands without a rule refuse ("Illegal option with this command"). */
const ruleOnlyOptions = new Set([
  'source',
  'destination',
  'protocol',
  'in-interface',
  'out-interface',
  'fragments',
  'jump',
  'goto',
  'match',
  'set-counters',
]);

/** Port option names of tcp/udp/sctp/dccp: without -p they give the classic "unknown option" error. */
const portOptionNames = ['sport', 'dport', 'source-port', 'destination-port'];

/** Longest chain name: XT_EXTENSION_MAXNAMELEN (29) minus the NUL. */
export const MAX_CHAIN_NAME = 28;

function looksLikeOption(token: Token | undefined): boolean {
  return token === undefined || token.text.startsWith('-') || token.text.startsWith('!');
}

/** A token for an argument glued to its option (`--dport=80`, `-AINPUT`): the span covers only the value. */
function subToken(token: Token, offset: number): Token {
  return {
    text: token.text.slice(offset),
    span: { line: token.span.line, start: token.span.start + offset, end: token.span.end },
    quoted: token.quoted,
  };
}

/** The part [start, end) of a token's text, as a token of its own (`-c 10,2000` holds two counters). */
function partOf(token: Token, start: number, end: number): Token {
  // Only unquoted words are split: in a quoted word the text and the columns no longer line up.
  const at = token.quoted ? 0 : start;
  return {
    text: token.text.slice(start, end),
    span: {
      line: token.span.line,
      start: token.span.start + at,
      end: token.quoted ? token.span.end : token.span.start + end,
    },
    quoted: token.quoted,
  };
}

/**
 * Parses one restore command line with the semantics of iptables' own command-line parser
 * (`do_parse` in iptables/xshared.c over getopt_long): commands with their chain and operands,
 * generic options, `!` before an option, `-m` loading match modules, `-p` loading the protocol's
 * match lazily at the first option nobody else knows, `-j`/`-g` loading the target, and long
 * options abbreviated to any unique prefix of the merged option table (newest module first).
 * Never throws; every refusal becomes a problem on the token that causes it.
 */
export function parseCommand(tokens: readonly Token[], ctx: CommandContext, problems: Problems): CommandLine {
  const state = new CommandState(tokens, ctx, problems);
  state.run();
  return state.result();
}

class CommandState {
  private command: CommandSpec | undefined;
  private verbToken: Token | undefined;
  private chain: Token | undefined;
  private readonly operands: Token[] = [];
  private invert: Token | undefined;
  private readonly matches: LoadedMatch[] = [];
  private target: LoadedTarget | undefined;
  private readonly generic: OptionUse[] = [];
  /** The extensions' part of the merged getopt table, newest first (BASE_GROUPS precede it). */
  private groups: readonly NameGroup<Owner>[] = [];
  private protocol: string | undefined;
  private protocolImplicitLoaded = false;
  private stopped = false;
  /** -n, -x, --line-numbers: only -L accepts them. */
  private readonly listingOptions: OptionUse[] = [];
  private readonly problemsBefore: number;
  /** Options already reported as repeated, so a long repeat gives one problem. */
  private reportedDuplicates: Set<string> | undefined;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly ctx: CommandContext,
    private readonly problems: Problems,
  ) {
    this.problemsBefore = problems.list.length;
  }

  run(): void {
    let i = 0;
    const n = this.tokens.length;
    while (i < n && !this.stopped) {
      const token = this.tokens[i]!;
      const text = token.text;
      if (text === '!') {
        if (this.invert) {
          this.problems.add(
            'syntax.double-negation',
            joinSpans(this.invert.span, token.span),
            'multiple consecutive ! not allowed',
          );
        }
        this.invert = token;
        i++;
        continue;
      }
      if (text.startsWith('--') && text.length > 2) {
        i = this.longOption(i);
        continue;
      }
      if (text.startsWith('-') && text.length > 1) {
        i = this.shortOptions(i);
        continue;
      }
      this.nonOption(token);
      i++;
    }
    if (this.invert && !this.stopped) {
      this.problems.add('syntax.dangling-negation', this.invert.span, 'nothing appropriate following !');
    }
  }

  /** A bare word where an option was expected. */
  private nonOption(token: Token): void {
    if (token.text.startsWith('#')) {
      const fix = this.removeTrailingCommentFix(token);
      this.problems.add(
        'syntax.comment-not-at-column-0',
        { line: token.span.line, start: token.span.start, end: this.ctx.span.end },
        `Bad argument \`${token.text}': a comment must start at column 0 of its own line; iptables-restore reads this as an argument.`,
        { fixes: [fix] },
      );
      this.stopped = true;
      return;
    }
    this.problems.add('syntax.bad-argument', token.span, `Bad argument \`${token.text}'`);
  }

  private removeTrailingCommentFix(token: Token): Fix {
    let start = token.span.start;
    while (start > 0 && (this.ctx.text[start - 1] === ' ' || this.ctx.text[start - 1] === '\t')) start--;
    const line = token.span.line;
    const comment = this.ctx.text.slice(token.span.start);
    return {
      title: 'Move the comment to its own line above',
      edits: [
        {
          range: { start: { line, character: start }, end: { line, character: this.ctx.text.length } },
          newText: '',
        },
        { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${comment}\n` },
      ],
      isPreferred: true,
    };
  }

  private longOption(i: number): number {
    const token = this.tokens[i]!;
    const eq = token.text.indexOf('=');
    const written = eq < 0 ? token.text.slice(2) : token.text.slice(2, eq);
    const inline = eq < 0 ? undefined : subToken(token, eq + 1);
    const res = resolveInGroups(written, BASE_GROUPS, this.groups);
    if (res.kind === 'found') return this.apply(res.entry.option, res.entry.owner, token, i + 1, inline);
    if (res.kind === 'ambiguous') {
      const names = [...new Set(res.candidates.map((c) => `--${c.name}`))].join(', ');
      this.problems.add(
        'syntax.unknown-option',
        token.span,
        `unknown option "--${written}": the abbreviation is ambiguous (${names})`,
      );
      return this.skipArgs(i + 1);
    }
    return this.unknownOption(i, written);
  }

  private shortOptions(i: number): number {
    const token = this.tokens[i]!;
    const text = token.text;
    for (let j = 1; j < text.length; j++) {
      const letter = text[j]!;
      const hit = shortOptions.get(letter);
      const optionToken: Token =
        text.length === 2
          ? token
          : {
              text: `-${letter}`,
              span: { line: token.span.line, start: token.span.start + j - 1, end: token.span.start + j + 1 },
              quoted: token.quoted,
            };
      if (!hit) {
        this.problems.add('syntax.unknown-option', optionToken.span, `unknown option "-${letter}"`);
        return this.skipArgs(i + 1);
      }
      const takesArg = hit.option.args > 0;
      if (takesArg) {
        const rest = j + 1 < text.length ? subToken(token, j + 1) : undefined;
        return this.apply(hit.option, hit.owner, optionToken, i + 1, rest);
      }
      const next = this.apply(hit.option, hit.owner, optionToken, i + 1, undefined);
      if (j === text.length - 1) return next;
      if (next !== i + 1) return next;
    }
    return i + 1;
  }

  /** Skips the arguments of an option we could not resolve, so they do not cascade into "Bad argument". */
  private skipArgs(i: number): number {
    while (i < this.tokens.length && !looksLikeOption(this.tokens[i])) i++;
    this.invert = undefined;
    return i;
  }

  /** getopt returned '?': try the implicit protocol match, then an unmodelled extension, then report. */
  private unknownOption(i: number, written: string): number {
    const token = this.tokens[i]!;
    if (this.protocol && !this.protocolImplicitLoaded) {
      this.protocolImplicitLoaded = true;
      const spec = findImplicitModule(this.protocol);
      if (spec) {
        this.load({ name: spec.name, spec, implicit: true, options: [] });
        return i; // rerun getopt on the same token, as iptables does
      }
    }
    const unknownOwner = this.latestUnknownExtension();
    if (unknownOwner) {
      // An extension we do not model: keep the option and its arguments with it.
      const args: Token[] = [];
      let j = i + 1;
      while (j < this.tokens.length && !looksLikeOption(this.tokens[j])) args.push(this.tokens[j++]!);
      const use = this.optionUse(written, token, args);
      unknownOwner.push(use);
      return j;
    }
    const isPort = portOptionNames.some((p) => p.startsWith(written)) && written.length >= 2;
    const owners = modulesDefining(written);
    const targets = targetSpecs.filter((t) =>
      t.options.some((o) => o.name === written || o.aliases?.includes(written)),
    );
    if (isPort) {
      this.problems.add(
        'syntax.ports-need-protocol',
        token.span,
        `unknown option "--${written}": port options need a protocol first (-p tcp, -p udp, -p sctp, -p dccp, or -m tcp/-m udp).`,
      );
    } else if (owners.length > 0) {
      const names = owners.map((m) => `-m ${m.name}`).join(' or ');
      this.problems.add(
        'syntax.option-needs-module',
        token.span,
        `unknown option "--${written}": it belongs to ${names}, which this rule does not load before it.`,
      );
    } else if (targets.length > 0) {
      const names = targets.map((t) => `-j ${t.name}`).join(' or ');
      this.problems.add(
        'syntax.option-needs-module',
        token.span,
        `unknown option "--${written}": it is an option of ${names}, which this rule does not use before it.`,
      );
    } else {
      this.problems.add('syntax.unknown-option', token.span, `unknown option "--${written}"`);
    }
    return this.skipArgs(i + 1);
  }

  private latestUnknownExtension(): OptionUse[] | undefined {
    if (this.target && !this.target.spec && this.target.name !== '') {
      const last = this.matches[this.matches.length - 1];
      // Options after -j belong to the target when it is an extension we do not know.
      if (
        !last ||
        this.tokens.indexOf(this.target.jumpToken) >
          this.tokens.indexOf(last.matchToken ?? this.target.jumpToken)
      ) {
        return this.target.options;
      }
    }
    for (let k = this.matches.length - 1; k >= 0; k--) {
      const m = this.matches[k]!;
      if (!m.spec) return m.options;
    }
    return undefined;
  }

  private optionUse(name: string, token: Token, args: Token[]): OptionUse {
    const negated = this.invert !== undefined;
    const span = coverSpans(negated ? joinSpans(this.invert!.span, token.span) : token.span, args);
    // Usually built at its size already (apply); the rare grown list is copied to its size.
    const kept = args.length <= 1 ? args : compact(args);
    const use: OptionUse = negated
      ? { name, token, negated, negationSpan: this.invert!.span, args: kept, span }
      : { name, token, negated, args: kept, span };
    this.invert = undefined;
    return use;
  }

  /** Collects the arguments of a resolved option and hands it to its owner. Returns the next token index. */
  private apply(
    option: OptionSpec,
    owner: Owner,
    token: Token,
    next: number,
    inline: Token | undefined,
  ): number {
    // Built at its final size where possible: a pushed-to array reserves 17 slots, and this runs for
    // every option of every line of a 450,000-line dump.
    let args: Token[] = [];
    const command = owner.kind === 'command' ? owner.spec : undefined;
    const wanted = option.args;
    if (wanted > 0) {
      // The whole word (`-ptcp`, `--source=x`) for the options iptables reads from argv directly.
      if (inline && option.valueIsWholeWord) {
        const word = this.tokens[next - 1]!;
        args = [word];
        if (option.value === 'interface') this.gluedInterface(option, word, inline);
      } else if (inline) args = [inline];
      else if (next < this.tokens.length) args = [this.tokens[next++]!];
      else {
        const name = token.text.startsWith('--') ? token.text : `-${option.short ?? option.name}`;
        this.problems.add('syntax.missing-argument', token.span, `option "${name}" requires an argument`);
        this.invert = undefined;
        if (command) this.setCommand(command, token);
        return next;
      }
      // Old-style `--opt ! value`: the `!` arrived as the argument.
      if (args[0]!.text === '!' && !inline && !command) {
        const bang = args[0]!;
        const real = this.tokens[next];
        this.problems.add(
          'syntax.old-negation',
          bang.span,
          `Bad argument \`!': iptables 1.8 no longer accepts the negation after the option; write \`! ${token.text}${real ? ` ${real.text}` : ''}'.`,
          { fixes: real ? [this.moveNegationFix(token, bang)] : [] },
        );
        if (this.invert)
          this.problems.add('syntax.double-negation', bang.span, 'multiple consecutive ! not allowed');
        this.invert = bang;
        args.length = 0;
        if (real) {
          args.push(real);
          next++;
        }
      }
      if (option.name === 'set-counters') {
        next = this.counterArgs(args, next);
      } else if (wanted === 2) {
        // tcp-flags and match-set read a second word straight from argv.
        const second = this.tokens[next];
        if (second && !looksLikeOption(second)) {
          args.push(second);
          next++;
        } else {
          this.problems.add('syntax.missing-argument', token.span, `${token.text} requires two args.`);
        }
      }
    }
    // -w and -W take an optional value from the next word (iptables reads it when it looks like a number).
    if (
      (option.name === 'wait' || option.name === 'wait-interval') &&
      !inline &&
      /^[0-9.]+$/.test(this.tokens[next]?.text ?? '')
    ) {
      args.push(this.tokens[next++]!);
    }
    const name = option.name;
    if (command) {
      this.setCommand(command, token, args[0]);
      return this.commandOperands(command, next, args[0] !== undefined);
    }
    if (this.invert && !option.negatable) {
      this.problems.add('syntax.not-negatable', this.invert.span, `cannot have ! before ${token.text}`);
      this.invert = undefined;
    }
    const use = this.optionUse(name, token, args);
    switch (owner.kind) {
      case 'generic':
        this.genericOption(option, use);
        break;
      case 'match':
        this.checkOnce(owner.match.options, use, option, owner.match.name);
        owner.match.options.push(use);
        break;
      case 'target':
        if (this.target) {
          this.checkOnce(this.target.options, use, option, this.target.name);
          this.target.options.push(use);
        }
        break;
      default:
        break;
    }
    return next;
  }

  /**
   * `-c packets bytes`, as `do_parse` reads it (iptables/xshared.c): the bytes after a comma in the
   * first word (`-c 10,2000`), else the next word unless it starts with `-` or `!`; each counter
   * must start like a number for sscanf("%llu"). `args` holds the first word; returns the next index.
   */
  private counterArgs(args: Token[], next: number): number {
    const first = args[0];
    // `-c !` at the end of the line: the old negation took the word, already reported.
    if (!first) return next;
    const comma = first.text.indexOf(',', 1);
    if (comma > 0) {
      args[0] = partOf(first, 0, comma);
      args.push(partOf(first, comma + 1, first.text.length));
    } else {
      const second = this.tokens[next];
      if (second && !looksLikeOption(second)) {
        args.push(second);
        next++;
      } else {
        this.problems.add('syntax.missing-argument', first.span, '-c requires packet and byte counter');
        return next;
      }
    }
    // sscanf("%llu") takes leading blanks and a sign before the digits, and ignores what follows them.
    const numeric = /^[ \t]*[+-]?[0-9]/;
    // An empty counter (`-c 10,`) has no columns of its own: the word that should hold it is marked.
    const spanOf = (part: Token): Span => (part.text === '' ? first.span : part.span);
    if (!numeric.test(args[0]!.text)) {
      this.problems.add('syntax.bad-value', spanOf(args[0]!), '-c packet counter not numeric');
    } else if (!numeric.test(args[1]!.text)) {
      this.problems.add('syntax.bad-value', spanOf(args[1]!), '-c byte counter not numeric');
    }
    return next;
  }

  /**
   * `-ieth0` is accepted, but as the interface "-ieth0" (see OptionSpec.valueIsWholeWord): a rule
   * that never matches eth0. A name too long for an interface is refused as a bad value instead.
   */
  private gluedInterface(option: OptionSpec, word: Token, value: Token): void {
    if (!parseInterface(word.text).ok) return;
    const short = `-${option.short}`;
    this.problems.add(
      'syntax.glued-value',
      word.span,
      `\`${word.text}' matches the interface named "${word.text}", not "${value.text}": iptables reads the whole word as the name when the value is glued to ${short}. Write \`${short} ${value.text}'.`,
      {
        fixes:
          word.text === `${short}${value.text}`
            ? [
                {
                  title: `Write \`${short} ${value.text}'`,
                  edits: [{ range: spanToRange(word.span), newText: `${short} ${value.text}` }],
                  isPreferred: true,
                  fixAllKey: 'syntax.glued-value',
                },
              ]
            : [],
      },
    );
  }

  private moveNegationFix(option: Token, bang: Token): Fix {
    const line = option.span.line;
    const text = this.ctx.text;
    let end = bang.span.end;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    return {
      title: `Move \`!' before ${option.text}`,
      edits: [
        {
          range: { start: { line, character: bang.span.start }, end: { line, character: end } },
          newText: '',
        },
        {
          range: {
            start: { line, character: option.span.start },
            end: { line, character: option.span.start },
          },
          newText: '! ',
        },
      ],
      isPreferred: true,
      fixAllKey: 'syntax.old-negation',
    };
  }

  private checkOnce(existing: readonly OptionUse[], use: OptionUse, option: OptionSpec, owner: string): void {
    if (
      option.once &&
      existing.some((o) => o.name === use.name) &&
      this.firstRepeat(`${owner}/${use.name}`)
    ) {
      this.problems.add(
        'syntax.duplicate-option',
        use.token.span,
        `${owner}: option "--${option.name}" can only be used once.`,
      );
    }
  }

  /** True the first time an option repeats on this line. */
  private firstRepeat(key: string): boolean {
    this.reportedDuplicates ??= new Set<string>();
    if (this.reportedDuplicates.has(key)) return false;
    this.reportedDuplicates.add(key);
    return true;
  }

  private setCommand(command: CommandSpec, token: Token, chain?: Token): void {
    if (this.invert) {
      this.problems.add('syntax.not-negatable', this.invert.span, `unexpected ! flag before ${token.text}`);
      this.invert = undefined;
    }
    if (this.command) {
      this.problems.add(
        'syntax.multiple-commands',
        token.span,
        `Cannot use -${command.short} with -${this.command.short}`,
      );
      return;
    }
    this.command = command;
    this.verbToken = token;
    if (chain) this.chain = chain;
  }

  /** Chain (for commands whose chain is optional) and further operands, taken while they do not look like options. */
  private commandOperands(command: CommandSpec, next: number, hadChain: boolean): number {
    if (this.command !== command) return next;
    if (command.chain === 'optional' && !hadChain && !looksLikeOption(this.tokens[next])) {
      this.chain = this.tokens[next++];
    }
    for (const operand of command.operands) {
      const token = this.tokens[next];
      const present = !looksLikeOption(token);
      if (operand === 'rulenum?' && (!this.chain || !present)) continue;
      if (operand === 'rulenum-or-spec') {
        if (present) {
          this.operands.push(token!);
          next++;
          this.checkRuleNumber(token!);
        }
        continue;
      }
      if (!present) {
        if (operand === 'rulenum')
          this.problems.add(
            'syntax.missing-argument',
            this.verbToken!.span,
            `-${command.short} requires a rule number`,
          );
        else if (operand === 'policy')
          this.problems.add(
            'syntax.missing-argument',
            this.verbToken!.span,
            '-P requires a chain and a policy',
          );
        else if (operand === 'new-name')
          this.problems.add(
            'syntax.missing-argument',
            this.verbToken!.span,
            '-E requires old-chain-name and new-chain-name',
          );
        continue;
      }
      this.operands.push(token!);
      next++;
      if (operand === 'rulenum' || operand === 'rulenum?') this.checkRuleNumber(token!);
    }
    return next;
  }

  private checkRuleNumber(token: Token): void {
    if (!/^[0-9]+$/.test(token.text) || Number(token.text) < 1) {
      this.problems.add('syntax.bad-value', token.span, `Invalid rule number \`${token.text}'`);
    }
  }

  private genericOption(option: OptionSpec, use: OptionUse): void {
    const name = option.name;
    const short = `-${option.short ?? ''}`;
    if (option.once && this.generic.some((g) => g.name === name) && this.firstRepeat(name)) {
      this.problems.add('syntax.duplicate-option', use.token.span, `multiple ${short} flags not allowed`);
    }
    if (name !== 'match' && name !== 'jump' && name !== 'goto') this.generic.push(use);
    // Observed with iptables 1.8.9: -w/-W are refused in a restore file; -n/-x/--line-numbers are
    // listing options, refused with any command but -L (checked once the command is known).
    if (name === 'wait' || name === 'wait-interval') {
      this.problems.add(
        'syntax.option-not-in-restore',
        use.span,
        `You cannot use \`-${option.short}' from iptables-restore: the restore takes the xtables lock itself.`,
      );
      return;
    }
    if (LISTING_OPTIONS.has(name)) {
      this.listingOptions.push(use);
      return;
    }
    if (uselessInFile.has(name)) {
      this.problems.add(
        'syntax.useless-option',
        use.span,
        `${use.token.text} has no effect on the rules of a restore file.`,
      );
      return;
    }
    const arg = use.args[0];
    switch (name) {
      case 'table':
        this.problems.add(
          'syntax.table-option-in-file',
          use.span,
          'The -t option cannot be used in iptables-restore: the `*table` line selects the table.',
        );
        return;
      case 'protocol': {
        if (!arg) return;
        const normal = normaliseProtocol(arg.text);
        if (!normal) {
          this.problems.add('syntax.bad-value', arg.span, `unknown protocol "${arg.text}" specified`);
          return;
        }
        this.protocol = normal;
        return;
      }
      case 'match':
        if (arg) this.loadMatch(use.token, arg);
        return;
      case 'jump':
      case 'goto':
        if (arg) this.loadTarget(use.token, arg, name === 'goto');
        return;
      default:
        return;
    }
  }

  private load(m: LoadedMatch): void {
    this.matches.push(m);
    this.rebuildTable();
  }

  /**
   * The merged getopt table: base options first, then the newest extension first
   * (xtables_merge_options puts new options right after the base ones).
   */
  private rebuildTable(): void {
    const groups: NameGroup<Owner>[] = this.matches.map((m) => ({
      names: namesOf(m.spec?.options ?? []),
      owner: this.matchOwner(m),
    }));
    if (this.target?.spec) {
      // The target's options were merged when -j was read: its place among the matches follows the token order.
      const jumpAt = this.target.jumpToken.span.start;
      const insertAt = this.matches.filter((m) => !m.matchToken || m.matchToken.span.start < jumpAt).length;
      groups.splice(insertAt, 0, { names: namesOf(this.target.spec.options), owner: TARGET });
    }
    groups.reverse();
    // Looked up after BASE_GROUPS (resolveInGroups reads both lists): no merged copy per -m and -j.
    this.groups = groups;
  }

  private readonly owners = new Map<LoadedMatch, Owner>();

  private matchOwner(m: LoadedMatch): Owner {
    let owner = this.owners.get(m);
    if (!owner) {
      owner = { kind: 'match', match: m };
      this.owners.set(m, owner);
    }
    return owner;
  }

  private loadMatch(matchToken: Token, moduleToken: Token): void {
    const name = moduleToken.text;
    const spec = findMatchModule(name);
    if (!spec) {
      this.problems.add(
        'syntax.unknown-match',
        moduleToken.span,
        `Couldn't load match \`${name}':No such file or directory. iptables 1.8.9 has no match module of that name.`,
      );
    }
    this.load({ name: spec?.name ?? name, spec, matchToken, moduleToken, implicit: false, options: [] });
  }

  private loadTarget(jumpToken: Token, nameToken: Token, goto: boolean): void {
    if (this.target) {
      this.problems.add('syntax.multiple-targets', jumpToken.span, 'multiple -j flags not allowed');
      return;
    }
    const name = nameToken.text;
    const spec = findTarget(name);
    if (name.length > MAX_CHAIN_NAME) {
      this.problems.add(
        'syntax.bad-value',
        nameToken.span,
        `Invalid target name \`${name}' (${MAX_CHAIN_NAME} chars max)`,
      );
    }
    if (goto && spec) {
      this.problems.add(
        'syntax.goto-non-chain',
        nameToken.span,
        `goto '${name}' is not a chain: -g needs a user-defined chain; use -j ${name}.`,
      );
    }
    this.target = { name, spec, nameToken, jumpToken, goto, options: [] };
    this.rebuildTable();
  }

  result(): CommandLine {
    const ctx = this.ctx;
    const verb = this.command ? verbByName[this.command.name] : undefined;
    // iptables stops at the first error, so "no command" is only news when nothing else went wrong on the line.
    if (!this.command && !this.stopped && this.problems.list.length === this.problemsBefore) {
      this.problems.add('syntax.no-command', this.tokens[0]?.span ?? ctx.span, 'no command specified');
    }
    if (this.command && this.command.chain === 'required' && !this.chain) {
      // The missing argument was reported by apply().
    }
    for (const use of this.listingOptions) {
      if (this.command && this.command.name !== 'list') {
        const letter = use.name === 'line-numbers' ? '0' : use.name === 'numeric' ? 'n' : 'x';
        this.problems.add('syntax.bad-argument', use.span, `Illegal option \`-${letter}' with this command`);
      } else if (this.command) {
        this.problems.add(
          'syntax.useless-option',
          use.span,
          `${use.token.text} only changes what -L prints.`,
        );
      }
    }
    let rule: Rule | undefined;
    if (
      this.command?.takesRule &&
      this.chain &&
      !(this.command.name === 'delete' && this.operands.length > 0)
    ) {
      rule = this.buildRule();
    } else if (this.command) {
      for (const g of this.generic) {
        if (ruleOnlyOptions.has(g.name)) {
          this.problems.add(
            'syntax.bad-argument',
            g.token.span,
            `Illegal option \`${g.token.text}' with this command`,
          );
        }
      }
      if (this.target)
        this.problems.add(
          'syntax.bad-argument',
          this.target.jumpToken.span,
          `Illegal option \`${this.target.jumpToken.text}' with this command`,
        );
      for (const m of this.matches)
        if (m.matchToken)
          this.problems.add(
            'syntax.bad-argument',
            m.matchToken.span,
            `Illegal option \`${m.matchToken.text}' with this command`,
          );
    }
    const node: CommandLine = {
      kind: 'command',
      line: ctx.line,
      span: ctx.span,
      counters: ctx.counters,
      tokens: this.tokens,
      verb,
      verbToken: this.verbToken,
      chainToken: this.chain,
      operands: compact(this.operands),
      rule,
    };
    return node;
  }

  private buildRule(): Rule {
    const ctx = this.ctx;
    const problems = this.problems;
    const family = ctx.family;
    // The last use of a generic option wins, as in iptables; a backwards scan allocates nothing.
    const generic = this.generic;
    const g = (name: string): OptionUse | undefined => {
      for (let i = generic.length - 1; i >= 0; i--) if (generic[i]!.name === name) return generic[i];
      return undefined;
    };
    const protocolUse = g('protocol');
    const protocol: Negatable<string> | undefined =
      protocolUse && this.protocol
        ? { value: this.protocol, negated: protocolUse.negated, option: protocolUse }
        : undefined;
    const addresses = (name: string): Negatable<readonly AddressSpec[]> | undefined => {
      const use = g(name);
      const arg = use?.args[0];
      if (!use || !arg) return undefined;
      const r = parseAddressList(arg.text, arg.span, family);
      if (!r.ok) {
        problems.add('syntax.bad-value', arg.span, r.message);
        return undefined;
      }
      for (const a of r.value) {
        if (a.hostname !== undefined && a.hostname.toLowerCase() !== 'localhost') {
          problems.add(
            'syntax.hostname',
            arg.span,
            `\`${a.hostname}' is a hostname: iptables resolves it once, when the rules are loaded, and stores the addresses it got. iptables-lens cannot resolve it offline.`,
          );
        }
      }
      return { value: r.value, negated: use.negated, option: use };
    };
    const iface = (name: string): Negatable<InterfaceSpec> | undefined => {
      const use = g(name);
      const arg = use?.args[0];
      if (!use || !arg) return undefined;
      const r = parseInterface(arg.text);
      if (!r.ok) {
        problems.add('syntax.bad-value', arg.span, r.message);
        return undefined;
      }
      return { value: r.value, negated: use.negated, option: use };
    };
    const fragUse = g('fragments');
    const matches: Match[] = this.matches.map((m) => decodeMatch(m, { problems, family }, ctx.span));
    this.checkRequired();
    this.checkProtocolNeeds();
    const target: Target | undefined = this.target
      ? decodeTarget(this.target, { problems, family })
      : undefined;
    const familyOnly = g('ipv6') ? 6 : g('ipv4') ? 4 : undefined;
    return {
      table: ctx.table,
      chain: this.chain?.text ?? '',
      line: ctx.line,
      span: ctx.span,
      counters: ctx.counters,
      protocol,
      source: addresses('source'),
      destination: addresses('destination'),
      inInterface: iface('in-interface'),
      outInterface: iface('out-interface'),
      fragment: fragUse ? { value: true, negated: fragUse.negated, option: fragUse } : undefined,
      familyOnly,
      matches,
      target,
      genericOptions: compact(this.generic),
    };
  }

  /** Options a module or target insists on (`mark: option "--mark" must be specified`). */
  private checkRequired(): void {
    for (const m of this.matches) {
      if (!m.spec) continue;
      for (const o of m.spec.options) {
        if (o.required && !m.options.some((u) => u.name === o.name)) {
          const at = m.moduleToken?.span ?? m.options[0]?.span ?? this.ctx.span;
          this.problems.add(
            'syntax.missing-required-option',
            at,
            `${m.name}: option "--${o.name}" must be specified`,
          );
        }
      }
    }
    const t = this.target;
    if (t?.spec) {
      for (const o of t.spec.options) {
        if (o.required && !t.options.some((u) => u.name === o.name)) {
          this.problems.add(
            'syntax.missing-required-option',
            t.nameToken.span,
            `${t.name}: option "--${o.name}" must be specified`,
          );
        }
      }
    }
  }

  /** multiport and the port options of REDIRECT/MASQUERADE/DNAT/SNAT need a port-carrying protocol. */
  private checkProtocolNeeds(): void {
    const proto = this.protocol;
    const protoUse = this.generic.find((o) => o.name === 'protocol');
    const positive = proto !== undefined && !protoUse?.negated;
    for (const m of this.matches) {
      if (m.spec?.requiresProtocol && !(positive && m.spec.requiresProtocol.includes(proto!))) {
        this.problems.add(
          'syntax.ports-need-protocol',
          m.moduleToken?.span ?? this.ctx.span,
          `multiport needs \`-p tcp', \`-p udp', \`-p udplite', \`-p sctp' or \`-p dccp'`,
        );
      }
    }
    for (const m of this.matches) {
      const protocols = m.spec?.implicitFromProtocol;
      if (m.implicit || !protocols || !m.moduleToken) continue;
      const wanted = protocols[0]!;
      if (proto === undefined || !protocols.includes(proto)) {
        // nft refuses at parse time ("TCP match requires '-p tcp'") or at commit; legacy at commit.
        this.problems.add(
          'syntax.match-needs-protocol',
          m.moduleToken.span,
          `${m.name.toUpperCase()} match requires '-p ${wanted}'${proto ? `, and this rule has -p ${proto}` : ''}.`,
        );
      } else if (protoUse?.negated) {
        this.problems.add(
          'syntax.match-needs-protocol',
          m.moduleToken.span,
          `${m.name.toUpperCase()} match under '! -p ${proto}' can never match: iptables-legacy-restore refuses the rule at commit; iptables-nft-restore accepts it.`,
          { severity: 'warning' },
        );
      }
    }
    const t = this.target;
    if (!t?.spec) return;
    const portsGiven = t.options.some((o) => optionGivesNatPorts(o.name, o.args[0]?.text ?? ''));
    const portProtocols = ['tcp', 'udp', 'sctp', 'dccp', 'udplite'];
    if (portsGiven && !(positive && portProtocols.includes(proto!))) {
      const use = t.options.find(
        (o) => o.name === 'to-ports' || o.name === 'to-destination' || o.name === 'to-source',
      )!;
      this.problems.add(
        'syntax.ports-need-protocol',
        use.span,
        'Need TCP, UDP, SCTP or DCCP with port specification',
      );
    }
  }
}

/**
 * Whether a NAT target's option gives ports (`--to-ports`, or a `--to-destination`/`--to-source`
 * range with a port part), which the tool refuses without a port-carrying `-p`.
 */
export function optionGivesNatPorts(name: string, value: string): boolean {
  return name === 'to-ports' || ((name === 'to-destination' || name === 'to-source') && hasNatPorts(value));
}

/** Whether a NAT range text carries a port part (`1.2.3.4:80`, `[::1]:80`, `:80`). */
function hasNatPorts(text: string): boolean {
  if (text.startsWith('[')) return text.includes(']:');
  // Exactly one colon (without a split: DNAT rules are a fifth of a node dump).
  const colon = text.indexOf(':');
  return colon >= 0 && text.indexOf(':', colon + 1) < 0;
}

/** The `-N`/`:` chain-name rules shared by the line parser. */
export function isCommandVerb(value: string): value is CommandVerb {
  return value in verbByName;
}

export { commandOptions };
