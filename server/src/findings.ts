import type { Severity } from './config/types';

/** A half-open range of UTF-16 offsets into the document text (what editors and JS strings use). */
export interface TextSpan {
  start: number;
  end: number;
}

/** One problem Lockstep reports. Offsets are UTF-16 document offsets; reporters map them to lines. */
export interface Finding {
  /** Rule id, e.g. `require-concurrent-index`; `syntax-error` and `psql-meta-command` for parse results. */
  ruleId: string;
  severity: Severity;
  message: string;
  span: TextSpan;
  /** Relative docs path, e.g. `docs/rules/require-concurrent-index.md`. */
  docs: string;
  /** Index of the statement in `MigrationDocument.statements`, when the finding belongs to one. */
  statementIndex?: number;
  /** Other places the finding is about (the code that still uses a dropped column): LSP relatedInformation. */
  related?: RelatedLocation[];
}

/** A place in another file, 1-based line and column (UTF-16 code units), end exclusive. */
export interface RelatedLocation {
  /** Absolute path. */
  file: string;
  /** As reports print it (relative to the indexed root). */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** `finding` at another place (its statement moved by `delta`). */
export function shiftedFinding(finding: Finding, delta: number): Finding {
  // A literal in the engine's key order (engine.ts findingsOf), not a spread: made for every finding after an edit.
  const { ruleId, severity, message, span, docs, statementIndex, related } = finding;
  const moved: Finding = { ruleId, severity, message, span: { start: span.start + delta, end: span.end + delta }, docs, statementIndex };
  if (related) moved.related = related;
  return moved;
}
