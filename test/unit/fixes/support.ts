/** Test helpers for fixes: lint SQL, ask for one rule's fixes, apply one, re-lint. */
import { DEFAULT_CONFIG, type LockstepConfig } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText, type LintResult } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import type { Fix, MigrationFolder } from '../../../server/src/fixes/types';

export interface FixCase {
  setup?: string;
  path?: string;
  config?: Partial<LockstepConfig>;
  folder?: MigrationFolder;
  /** Which finding of the rule (default: the first). */
  nth?: number;
  ignores?: boolean;
}

/** A fixed clock: 2024-06-01T12:00:00Z. */
export const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));

export async function fixesOf(ruleId: string, sql: string, opts: FixCase = {}): Promise<Fix[]> {
  await initEngine();
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const schema = opts.setup ? catalogFromSql(opts.setup, config) : undefined;
  const result = lintText(sql, { config, path: opts.path, schema });
  const finding = result.findings.filter((f) => f.ruleId === ruleId)[opts.nth ?? 0];
  if (!finding) throw new Error(`${ruleId} does not flag: ${sql}\nfindings: ${result.findings.map((f) => f.ruleId).join(', ')}`);
  const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
  return fixesFor({ text: sql, result, finding, stmt, config, path: opts.path, schema, folder: opts.folder }, { withoutIgnores: !opts.ignores });
}

/** The first fix's result, and the findings of `ruleId` left in it. */
export async function fixed(ruleId: string, sql: string, opts: FixCase = {}): Promise<{ fix: Fix; text: string; left: LintResult }> {
  const [fix] = await fixesOf(ruleId, sql, opts);
  if (!fix) throw new Error(`no fix for ${ruleId}`);
  const text = applyEdits(sql, fix.edits);
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const left = lintText(text, { config, path: opts.path, schema: opts.setup ? catalogFromSql(opts.setup, config) : undefined });
  return { fix, text, left };
}

export function rulesIn(result: LintResult): string[] {
  return result.findings.map((f) => f.ruleId);
}
