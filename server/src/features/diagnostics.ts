import type { Diagnostic } from 'vscode-languageserver-types';
import type { Finding, Severity } from '../analysis/findings';
import { finding } from '../analysis/findings';
import { toLspDiagnostic } from './convert';

const severities: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/**
 * Converts findings to LSP diagnostics, dropping the codes the user switched off. At most
 * `maxProblems` are kept — errors first, then warnings, then the rest, each in document order — and a
 * note on the first line says how many were left out: a kube-proxy dump with 40,000 findings would
 * otherwise send a 40 MB notification on every edit and stall the editor.
 */
export function toDiagnostics(
  findings: readonly Finding[],
  uri: string,
  disabledCodes: ReadonlySet<string>,
  maxProblems = Number.POSITIVE_INFINITY,
): Diagnostic[] {
  const enabled = findings.filter((f) => !disabledCodes.has(f.code));
  if (enabled.length <= maxProblems) return enabled.map((f) => toLspDiagnostic(f, uri));
  // One pass per severity, most severe first, marking what fits; then the marked ones in document order.
  const keep = new Uint8Array(enabled.length);
  let budget = maxProblems;
  for (const severity of severities) {
    for (let i = 0; i < enabled.length && budget > 0; i++) {
      if (enabled[i]!.severity === severity) {
        keep[i] = 1;
        budget--;
      }
    }
  }
  const kept: Diagnostic[] = [];
  for (let i = 0; i < enabled.length; i++) if (keep[i]) kept.push(toLspDiagnostic(enabled[i]!, uri));
  const omitted = enabled.length - maxProblems;
  const note = finding(
    'analysis.too-many-problems',
    { line: 0, start: 0, end: 0 },
    `${omitted.toLocaleString('en-US')} more problem(s) not shown: the editor shows at most ${maxProblems.toLocaleString('en-US')} (iptablesLens.diagnostics.maxNumberOfProblems), errors first. Run \`iptables-lens check\` for the full list.`,
  );
  return [toLspDiagnostic(note, uri), ...kept];
}
