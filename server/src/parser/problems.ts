import type { Span } from '../model/span';
import { finding, type Finding, type FindingCode, type Fix, type RelatedInfo } from '../analysis/findings';

/** Collects the problems of one parse; a thin wrapper so call sites stay one line long. */
export class Problems {
  readonly list: Finding[] = [];

  add(
    code: FindingCode,
    span: Span,
    message: string,
    extra: { fixes?: Fix[]; related?: RelatedInfo[]; severity?: Finding['severity'] } = {},
  ): void {
    this.list.push(finding(code, span, message, extra));
  }

  push(...items: readonly Finding[]): void {
    for (const item of items) this.list.push(item);
  }
}
