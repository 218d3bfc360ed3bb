import type { Diagnostic } from 'vscode-languageserver-types';
import type { Finding } from '../analysis/findings';
import { toLspDiagnostic } from './convert';

/** Converts findings to LSP diagnostics, dropping the codes the user switched off. */
export function toDiagnostics(
  findings: readonly Finding[],
  uri: string,
  disabledCodes: ReadonlySet<string>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const f of findings) {
    if (!disabledCodes.has(f.code)) diagnostics.push(toLspDiagnostic(f, uri));
  }
  return diagnostics;
}
