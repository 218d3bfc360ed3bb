import type { ParsedDocument } from '../parser/parseDocument';
import type { Finding } from './findings';

/** What every check receives. Checks are pure functions of the parsed document. */
export interface CheckContext {
  readonly doc: ParsedDocument;
}

/** One check, in its own file under checks/<area>/. */
export interface Check {
  /** Short id used in logs and benchmarks. */
  readonly id: string;
  run(ctx: CheckContext): Finding[];
}
