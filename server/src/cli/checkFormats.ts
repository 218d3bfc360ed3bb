import type { Finding, Severity } from '../analysis/findings';
import { codeCatalog } from '../analysis/findings';
import { docsBaseUrl } from '../features/convert';
import { serverVersion } from '../version';

export type CheckFormat = 'text' | 'json' | 'sarif';

export interface FileFindings {
  readonly file: string;
  readonly findings: readonly Finding[];
  /** With --classify: what the file is (Istio rule set, generation, variant). */
  readonly classification?: string;
}

/** `file:line:col: severity code message`, 1-based, one per line — the format editors and grep understand. */
export function formatText(results: readonly FileFindings[]): string {
  const lines: string[] = [];
  for (const { file, findings, classification } of results) {
    if (classification !== undefined) lines.push(`${file}: ${classification}`);
    for (const f of findings) {
      lines.push(`${file}:${f.span.line + 1}:${f.span.start + 1}: ${f.severity} ${f.code} ${f.message}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/** An array of `{ file, diagnostics }` with LSP-shaped (0-based) ranges. */
export function formatJson(results: readonly FileFindings[]): string {
  const out = results.map(({ file, findings, classification }) => ({
    file,
    ...(classification !== undefined ? { classification } : {}),
    diagnostics: findings.map((f) => ({
      range: {
        start: { line: f.span.line, character: f.span.start },
        end: { line: f.span.line, character: f.span.end },
      },
      severity: f.severity,
      code: f.code,
      message: f.message,
      source: 'iptables-lens',
    })),
  }));
  return JSON.stringify(out, null, 2) + '\n';
}

const sarifLevels: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** SARIF 2.1.0, as GitHub code scanning and other tools ingest it. Columns are 1-based UTF-16 units. */
export function formatSarif(results: readonly FileFindings[]): string {
  const usedCodes = [...new Set(results.flatMap((r) => r.findings.map((f) => f.code)))].sort();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iptables-lens',
            version: serverVersion,
            informationUri: 'https://github.com/iptables-lens/iptables-lens',
            rules: usedCodes.map((code) => ({
              id: code,
              shortDescription: { text: codeCatalog[code].title },
              helpUri: docsBaseUrl + codeCatalog[code].docs,
              defaultConfiguration: { level: sarifLevels[codeCatalog[code].severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap(({ file, findings }) =>
          findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: usedCodes.indexOf(f.code),
            level: sarifLevels[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file },
                  region: {
                    startLine: f.span.line + 1,
                    startColumn: f.span.start + 1,
                    endLine: f.span.line + 1,
                    endColumn: f.span.end + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
