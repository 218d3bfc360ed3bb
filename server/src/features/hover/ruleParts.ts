import type { ParsedDocument } from '../../parser/parseDocument';
import type { CommandLine, Token } from '../../model/syntax';
import type { Match, OptionUse, Target } from '../../model/rule';
import type { OptionSpec, Termination } from '../../netfilter/spec';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import { policyDocs } from '../../netfilter/fileDocs';
import type { OptionOwner } from './tokenAt';
import { findCommand, findGenericOption, findMatchModule, findTarget } from './specLookup';
import { whereAllowed } from './optionHover';
import { chainHover } from './chainHover';
import type { IstioContext } from './istioContext';
import { istioRuleRole } from './istioRuleRole';

/** At most this many option syntaxes are listed for a module or target. */
const maxSyntaxLines = 6;

const terminationText: Record<Termination, string> = {
  terminal: 'Ends this chain traversal for this table at this hook (the next table still runs).',
  final: "Ends the packet's life: no further rule or table sees it.",
  return: 'Returns to the calling chain (in a builtin chain: the policy applies).',
  continue: 'Does not end rule processing: the next rule is tested.',
};

/** Hover of the command word (`-A`, `--insert` …), with the Istio role of the rule it adds. */
export function verbHover(line: CommandLine, token: Token, istio: IstioContext): HoverContent {
  const spec = findCommand(token.text);
  if (!spec) return { headline: `${token.text} — not an iptables command` };
  const details = [spec.summary];
  if (token.text.startsWith('--') && token.text !== `--${spec.name}`) {
    details.push(`${code(token.text)} is an abbreviation of ${code(`--${spec.name}`)}.`);
  }
  return {
    headline: `${token.text} — ${spec.name} command`,
    details,
    code: [spec.syntax],
    after: line.rule ? istioRuleRole(istio, line.rule) : [],
    source: 'iptables(8), COMMANDS',
  };
}

/** Hover of a positional operand after the chain: rule number, policy or new chain name. */
export function operandHover(line: CommandLine, token: Token, index: number): HoverContent {
  const spec = line.verbToken ? findCommand(line.verbToken.text) : undefined;
  const kind = spec?.operands[index];
  if (kind === 'policy') {
    const meaning = policyDocs[token.text] ?? 'Not a valid policy: only ACCEPT and DROP are accepted.';
    return { headline: `${token.text} — new policy`, details: [meaning, spec?.summary ?? ''] };
  }
  if (kind === 'new-name')
    return { headline: `${token.text} — new chain name`, details: [spec?.summary ?? ''] };
  if (kind?.startsWith('rulenum')) {
    return {
      headline: `${token.text} — rule number`,
      details: ['Position in the chain, counting from 1.', spec?.summary ?? ''],
    };
  }
  return { headline: `${token.text} — operand`, details: spec ? [spec.summary] : [] };
}

export function negationHover(use: OptionUse, owner: OptionOwner): HoverContent {
  const where = owner.kind === 'match' ? ` of the ${owner.match.module} match` : '';
  return {
    headline: `! — negation of ${use.token.text}${where}`,
    details: [
      `Inverts the test that follows: the rule matches packets for which ${code(`${use.token.text} ${use.args.map((a) => a.text).join(' ')}`.trim())} is false.`,
      'iptables accepts `!` only before the option (the old `--opt ! value` form is an error in 1.8.9).',
    ],
    source: 'iptables(8), PARAMETERS',
  };
}

/** `--jum` stands for `--jump`: say so when a long keyword was abbreviated. */
function abbreviationNote(token: Token, canonical: string): string[] {
  if (!token.text.startsWith('--') || token.text === `--${canonical}`) return [];
  return [`${code(token.text)} is an abbreviation of ${code(`--${canonical}`)}.`];
}

export function matchKeywordHover(match: Match, token: Token): HoverContent {
  const spec = findGenericOption('match');
  return {
    headline: `${token.text} ${match.module} — loads the ${match.module} match`,
    details: spec ? [...abbreviationNote(token, spec.name), spec.summary] : [],
    code: spec ? [spec.syntax] : [],
    source: 'iptables(8), PARAMETERS',
  };
}

export function moduleHover(match: Match, token: Token): HoverContent {
  const module = findMatchModule(match.module) ?? findMatchModule(token.text);
  if (!module) {
    return {
      headline: `${token.text} — match extension`,
      details: [
        'Not a match this extension knows; iptables loads it from libxt_' + token.text + '.so if installed.',
      ],
    };
  }
  const details = [module.summary];
  if (module.name !== token.text)
    details.push(`${code(token.text)} is another name for ${code(module.name)}.`);
  const where = whereAllowed(module, undefined);
  if (where) details.push(where);
  return {
    headline: `${token.text} — match extension`,
    details,
    code: module.options.slice(0, maxSyntaxLines).map((o) => o.syntax),
    source: module.source,
  };
}

export function jumpKeywordHover(target: Target, token: Token): HoverContent {
  const spec = findGenericOption(target.goto ? 'goto' : 'jump');
  return {
    headline: `${token.text} ${target.name} — ${target.goto ? 'goto' : 'jump'}`,
    details: spec ? [...abbreviationNote(token, spec.name), spec.summary] : [],
    code: spec ? [spec.syntax] : [],
    source: 'iptables(8), PARAMETERS',
  };
}

/** A target name: builtin verdict or extension target from netfilter/targets.ts, else the user chain it names. */
export function targetHover(
  doc: ParsedDocument,
  line: CommandLine,
  target: Target,
  istio: IstioContext,
): HoverContent {
  if (target.kind === 'chain') return chainHover(doc, doc.ruleset.tableAt(line.line), target.name, istio);
  const spec = findTarget(target.name);
  if (!spec) {
    return {
      headline: `${target.name} — ${target.goto ? 'undeclared chain' : 'unknown target'}`,
      details: [
        target.goto
          ? '`-g` needs a user-defined chain, and no chain of this name is declared in this table.'
          : `Neither a target iptables-lens knows nor a chain declared in this table. iptables looks for an extension library (libxt_${target.name}.so) and fails with \`Couldn't load target\` if there is none.`,
      ],
    };
  }
  // Builtin verdicts are documented in iptables(8); extension targets in iptables-extensions(8).
  const builtin = spec.source.startsWith('iptables(8)');
  // A builtin verdict's summary already says where the packet goes; extensions need the termination spelled out.
  const details = builtin ? [spec.summary] : [spec.summary, terminationText[spec.termination]];
  const where = whereAllowed(undefined, spec);
  if (where) details.push(where);
  return {
    headline: `${target.name} — ${builtin ? 'builtin verdict' : 'target extension'}`,
    details,
    code: optionsUsedFirst(spec.options, target.options)
      .slice(0, maxSyntaxLines)
      .map((o) => o.syntax),
    source: spec.source,
  };
}

/** The target's options this rule uses come first, so `--restore-mark` is shown even for CONNMARK's long list. */
function optionsUsedFirst(options: readonly OptionSpec[], used: readonly OptionUse[]): OptionSpec[] {
  const usedNames = new Set(used.map((u) => u.name));
  const isUsed = (o: OptionSpec): boolean =>
    usedNames.has(o.name) || (o.aliases ?? []).some((a) => usedNames.has(a));
  return [...options.filter(isUsed), ...options.filter((o) => !isUsed(o))];
}

/** A token the parser did not attach to anything: say what iptables would make of it. */
export function otherTokenHover(token: Token): HoverContent {
  const generic = token.text.startsWith('-') ? findGenericOption(token.text) : undefined;
  if (generic)
    return { headline: `${token.text} — generic option`, details: [generic.summary], code: [generic.syntax] };
  return {
    headline: `${token.text}`,
    details: ['Not part of a valid rule here; see the diagnostics on this line.'],
  };
}
