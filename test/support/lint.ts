/** Test helper: lint SQL with an optional prior schema and config overrides. */
import { DEFAULT_CONFIG, type LockstepConfig } from '../../server/src/config/types';
import { catalogFromSql, initEngine, lintText, type LintResult } from '../../server/src/engine';
import type { Finding } from '../../server/src/findings';
import type { ReferenceLookup } from '../../server/src/coderefs/index';

export interface LintCase {
  /** DDL that ran in earlier migrations: known to the catalog, but not "created in this migration". */
  setup?: string;
  path?: string;
  config?: Partial<LockstepConfig>;
  /** Application code the `still-referenced` rule checks against. */
  code?: ReferenceLookup;
}

export async function lint(sql: string, opts: LintCase = {}): Promise<LintResult> {
  await initEngine();
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const schema = opts.setup ? catalogFromSql(opts.setup, config) : undefined;
  return lintText(sql, { config, path: opts.path, schema, code: opts.code });
}

/** Findings of one rule, as `[text under the span, message]` pairs, for readable assertions. */
export async function findingsOf(ruleId: string, sql: string, opts: LintCase = {}): Promise<Finding[]> {
  return (await lint(sql, opts)).findings.filter((f) => f.ruleId === ruleId);
}

export function underlined(sql: string, f: Finding): string {
  return sql.slice(f.span.start, f.span.end);
}
