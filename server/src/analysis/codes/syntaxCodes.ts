import type { CodeInfo } from '../findings';

/** Builds one catalog entry whose docs anchor is derived from the code (dots become dashes). */
function entry(code: string, severity: CodeInfo['severity'], title: string): CodeInfo {
  return { severity, title, docs: `syntax.md#${code.replace(/\./g, '-')}` };
}

/**
 * syntax codes: what iptables-restore itself rejects (or, as warnings, what only one backend rejects
 * or what silently does something else than it seems to). Every code has a heading in
 * docs/diagnostics/syntax.md.
 */
export const syntaxCodes = {
  'internal.check-failed': entry('internal.check-failed', 'information', 'A check failed internally'),
  'internal.parser-failed': entry('internal.parser-failed', 'information', 'The parser failed internally'),
  'analysis.size-limit': entry(
    'analysis.size-limit',
    'information',
    'Some checks skipped above the size limit',
  ),
  'analysis.too-many-problems': entry(
    'analysis.too-many-problems',
    'information',
    'More problems than the editor shows',
  ),

  // Line structure (iptables-restore's read loop).
  'syntax.crlf': entry('syntax.crlf', 'error', 'Windows (CRLF) line endings'),
  'syntax.whitespace-only-line': entry('syntax.whitespace-only-line', 'error', 'Line holds only blanks'),
  'syntax.comment-not-at-column-0': entry('syntax.comment-not-at-column-0', 'error', '`#` not at column 0'),
  'syntax.missing-final-newline': entry(
    'syntax.missing-final-newline',
    'warning',
    'No newline after the last line (legacy rejects)',
  ),
  'syntax.binary-content': entry('syntax.binary-content', 'error', 'NUL byte or undecodable text'),
  'syntax.nested-table': entry('syntax.nested-table', 'error', '`*table` inside an open table'),
  'syntax.unknown-table': entry('syntax.unknown-table', 'error', 'Unknown table name'),
  'syntax.missing-table-name': entry('syntax.missing-table-name', 'error', '`*` without a table name'),
  'syntax.missing-commit': entry('syntax.missing-commit', 'error', 'Table block without COMMIT'),
  'syntax.commit-outside-table': entry('syntax.commit-outside-table', 'error', 'COMMIT outside a table'),
  'syntax.bad-commit': entry('syntax.bad-commit', 'error', 'COMMIT line with extra text'),
  'syntax.rule-outside-table': entry('syntax.rule-outside-table', 'error', 'Command outside a table'),
  'syntax.chain-outside-table': entry(
    'syntax.chain-outside-table',
    'error',
    'Chain declaration outside a table',
  ),
  'syntax.bad-counters': entry('syntax.bad-counters', 'error', 'Malformed [packets:bytes] counters'),

  // Chain declarations and policies.
  'syntax.chain-name-too-long': entry(
    'syntax.chain-name-too-long',
    'error',
    'Chain name longer than 28 characters',
  ),
  'syntax.bad-chain-name': entry('syntax.bad-chain-name', 'error', 'Invalid chain name'),
  'syntax.missing-policy': entry('syntax.missing-policy', 'error', 'Chain declaration without a policy'),
  'syntax.bad-policy': entry('syntax.bad-policy', 'error', 'Policy other than ACCEPT or DROP'),
  'syntax.policy-on-user-chain': entry(
    'syntax.policy-on-user-chain',
    'warning',
    'Policy on a user-defined chain (legacy rejects)',
  ),
  'syntax.duplicate-chain': entry(
    'syntax.duplicate-chain',
    'warning',
    'Chain declared twice (legacy rejects)',
  ),
  'syntax.undeclared-chain': entry('syntax.undeclared-chain', 'error', 'Command on a chain nobody declared'),
  'syntax.undefined-target': entry(
    'syntax.undefined-target',
    'error',
    'Jump to an undefined chain or target',
  ),
  'syntax.builtin-chain-operation': entry(
    'syntax.builtin-chain-operation',
    'error',
    'Builtin chain cannot be deleted or renamed',
  ),
  'syntax.rename-then-use': entry(
    'syntax.rename-then-use',
    'error',
    'Chain used after a rename in the same block',
  ),
  'syntax.rename-new-chain': entry(
    'syntax.rename-new-chain',
    'error',
    'Renaming a chain created in the same block',
  ),
  'syntax.chain-in-use': entry(
    'syntax.chain-in-use',
    'error',
    'Deleting a chain that still has rules or references',
  ),
  'syntax.rule-not-found': entry(
    'syntax.rule-not-found',
    'error',
    'Rule number or rule to delete does not exist',
  ),

  // Tokenizer.
  'syntax.unterminated-quote': entry('syntax.unterminated-quote', 'warning', 'Double quote never closed'),
  'syntax.token-too-long': entry('syntax.token-too-long', 'error', 'Argument longer than 1023 bytes'),
  'syntax.too-many-arguments': entry('syntax.too-many-arguments', 'error', 'Too many arguments on one line'),

  // Command parser.
  'syntax.no-command': entry('syntax.no-command', 'error', 'No command on the line'),
  'syntax.multiple-commands': entry('syntax.multiple-commands', 'error', 'More than one command on a line'),
  'syntax.bad-argument': entry('syntax.bad-argument', 'error', 'Unexpected argument'),
  'syntax.unknown-option': entry('syntax.unknown-option', 'error', 'Unknown option'),
  'syntax.option-needs-module': entry('syntax.option-needs-module', 'error', 'Option needs a match module'),
  'syntax.ports-need-protocol': entry(
    'syntax.ports-need-protocol',
    'error',
    'Port option needs -p tcp/udp/…',
  ),
  'syntax.match-needs-protocol': entry(
    'syntax.match-needs-protocol',
    'error',
    "Protocol match without its '-p'",
  ),
  'syntax.missing-argument': entry('syntax.missing-argument', 'error', 'Option requires an argument'),
  'syntax.old-negation': entry('syntax.old-negation', 'error', 'Negation `!` after the option'),
  'syntax.double-negation': entry('syntax.double-negation', 'error', 'Two `!` in a row'),
  'syntax.not-negatable': entry('syntax.not-negatable', 'error', 'Option cannot be negated'),
  'syntax.dangling-negation': entry('syntax.dangling-negation', 'error', '`!` not followed by an option'),
  'syntax.multiple-targets': entry('syntax.multiple-targets', 'error', 'More than one -j/-g'),
  'syntax.duplicate-option': entry('syntax.duplicate-option', 'error', 'Option given twice'),
  'syntax.table-option-in-file': entry('syntax.table-option-in-file', 'error', '-t inside a restore file'),
  'syntax.option-not-in-restore': entry(
    'syntax.option-not-in-restore',
    'error',
    'Option refused by iptables-restore',
  ),
  'syntax.useless-option': entry(
    'syntax.useless-option',
    'warning',
    'Option has no effect in a restore file',
  ),
  'syntax.unknown-match': entry('syntax.unknown-match', 'error', 'Match module that does not exist'),
  'syntax.bad-value': entry('syntax.bad-value', 'error', 'Invalid option value'),
  'syntax.glued-value': entry(
    'syntax.glued-value',
    'warning',
    'Interface glued to -i/-o is read with the option',
  ),
  'syntax.hostname': entry('syntax.hostname', 'warning', 'Hostname resolved only at load time'),
  'syntax.missing-required-option': entry(
    'syntax.missing-required-option',
    'error',
    'Match or target misses a required option',
  ),
  'syntax.incompatible-options': entry(
    'syntax.incompatible-options',
    'error',
    'Options that exclude each other',
  ),
  'syntax.goto-non-chain': entry('syntax.goto-non-chain', 'error', '-g to something that is not a chain'),
  'syntax.fragment-in-ipv6': entry('syntax.fragment-in-ipv6', 'error', '-f in an IPv6 rule set'),
  'syntax.family-mismatch': entry('syntax.family-mismatch', 'error', 'Address of the other IP family'),
  'syntax.comment-too-long': entry(
    'syntax.comment-too-long',
    'warning',
    'Comment longer than 255 characters is cut',
  ),
  'syntax.value-truncated': entry('syntax.value-truncated', 'warning', 'Value longer than the kernel keeps'),
  'syntax.line-too-long': entry(
    'syntax.line-too-long',
    'error',
    'Line longer than iptables-restore reads at once',
  ),
} satisfies Record<string, CodeInfo>;

/** Every syntax code. */
export type SyntaxCode = keyof typeof syntaxCodes;
