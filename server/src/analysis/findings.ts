import type { Span, TextEditData } from '../model/span';
import { syntaxCodes } from './codes/syntaxCodes';
import { netfilterCodes } from './codes/netfilterCodes';
import { istioCodes } from './codes/istioCodes';
import { lintCodes } from './codes/lintCodes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** One entry of the code catalog: stable id, default severity, short title and the docs anchor. */
export interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
  /** Page and anchor under docs/diagnostics/, e.g. `syntax.md#syntax-unknown-option` (dots become dashes). */
  readonly docs: string;
}

/**
 * A quick fix attached to a finding. It carries every edit it needs, so the code action does not
 * re-analyse (ARCHITECTURE rule 7). `fixAllKey` groups fixes that can be applied together.
 */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEditData[];
  readonly isPreferred?: boolean;
  readonly fixAllKey?: string;
}

export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly Fix[];
  /** Rendered faded (dead code) by editors that support it. */
  readonly unnecessary?: boolean;
}

export const codeCatalog = {
  ...syntaxCodes,
  ...netfilterCodes,
  ...istioCodes,
  ...lintCodes,
} as const;

export type FindingCode = keyof typeof codeCatalog;

/** Builds a finding with the catalog's default severity. */
export function finding(
  code: FindingCode,
  span: Span,
  message: string,
  extra: Partial<Omit<Finding, 'code' | 'span' | 'message'>> = {},
): Finding {
  return { code, span, message, severity: extra.severity ?? codeCatalog[code].severity, ...extra };
}

/** The anchor a code's heading gets in its docs page: `syntax.unknown-option` → `syntax-unknown-option`. */
export function docsAnchor(code: string): string {
  return code.replace(/\./g, '-');
}
