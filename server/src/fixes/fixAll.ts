/**
 * Fix-all (`source.fixAll.lockstep`, `lockstep lint --fix`): apply every safe fix, re-linting
 * between rounds so each fix sees the file as the previous ones left it. Only fixes marked safe
 * are applied: same end state as the original, verified by linting. Without `folder` (the editor)
 * nothing is created outside the file; with it (`lint --fix`), a safe rewrite that a runner's
 * transaction forces into new migrations after this one (CONCURRENTLY, VALIDATE) is applied too.
 */
import { basename, dirname, relative } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig, RunnerId } from '../config/types';
import { EngineCache, lintText } from '../engine';
import { fixableRuleIds, fixesFor } from './index';
import { LOCK_TIMEOUT_RULE } from './prelude';
import { applyEdits, editsOverlap } from './textEdits';
import type { Fix, MigrationFolder, NewFile, TextEdit } from './types';

export interface FixAllOptions {
  path?: string;
  config: LockstepConfig;
  schema?: Catalog;
  /** Only fix these rules (all when absent). */
  ruleIds?: readonly string[];
  /** The migration folder around the file (for the detected runner): safe rewrites may then add migrations to it. */
  folder?: (runner: RunnerId) => MigrationFolder | undefined;
}

export interface AppliedFix {
  ruleId: string;
  title: string;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
  /** New migration files, in the order they run (only with `folder`). */
  files: NewFile[];
}

/** Rounds are bounded so a pair of fixes that undo each other can never loop. */
const MAX_ROUNDS = 50;

/**
 * The timeout prelude goes last: it looks at the statements it will cover (a CONCURRENTLY build or a
 * VALIDATE must not get a statement_timeout), and the other fixes change those statements.
 */
export function fixAll(text: string, options: FixAllOptions): FixAllResult {
  const wanted = (id: string) => !options.ruleIds || options.ruleIds.includes(id);
  const first = fixRounds(text, { ...options, ruleIds: fixableRuleIds(true).filter((id) => id !== LOCK_TIMEOUT_RULE && wanted(id)) });
  if (!wanted(LOCK_TIMEOUT_RULE)) return first;
  const second = fixRounds(first.text, { ...options, ruleIds: [LOCK_TIMEOUT_RULE] });
  return { text: second.text, applied: [...first.applied, ...second.applied], files: [...first.files, ...second.files] };
}

function fixRounds(text: string, options: FixAllOptions): FixAllResult {
  let current = text;
  const applied: AppliedFix[] = [];
  const files: NewFile[] = [];
  let folder: MigrationFolder | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const cache = new EngineCache();
    const result = lintText(current, { path: options.path, config: options.config, schema: options.schema, cache });
    if (round === 0) folder = options.folder?.(result.document.runner);
    // Non-overlapping safe fixes in this round; the rest wait for the next one (they may be gone by then).
    const chosen: Fix[] = [];
    for (const finding of result.findings) {
      if (options.ruleIds && !options.ruleIds.includes(finding.ruleId)) continue;
      const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
      const ctx = { text: current, result, finding, stmt, config: options.config, path: options.path, schema: options.schema, cache, folder };
      const fix = fixesFor(ctx, { withoutIgnores: true }).find((f) => f.safe && (f.files.length === 0 || !!folder));
      if (!fix || chosen.some((c) => editsOverlap(c.edits, fix.edits))) continue;
      // A fix that adds migrations goes alone: the next round names its own after them.
      if (fix.files.length) {
        if (chosen.length === 0) chosen.push(fix);
        break;
      }
      chosen.push(fix);
    }
    if (chosen.length === 0) break;
    const next = chosen[0].files.length ? { text: applyEdits(current, chosen[0].edits), applied: [{ ruleId: chosen[0].ruleId, title: chosen[0].title }] } : applyTogether(current, chosen, options);
    if (next.text === current && !chosen[0].files.length) break;
    current = next.text;
    applied.push(...next.applied);
    if (chosen[0].files.length && folder && options.path) {
      files.push(...chosen[0].files);
      folder = { ...folder, siblings: [...folder.siblings, ...chosen[0].files.map((f) => entryIn(options.path!, f.path))] };
    }
  }
  return { text: current, applied, files };
}

/** The folder entry (file, or Diesel's migration folder) a new file adds next to the document. */
function entryIn(docPath: string, newPath: string): string {
  const rel = relative(dirname(docPath), newPath);
  // Diesel: the document is <root>/<migration>/up.sql and new files are <root>/<new migration>/up.sql.
  return rel.startsWith('..') ? basename(dirname(newPath)) : rel.split(/[\\/]/)[0];
}

/** Apply the round's fixes at once when that lints no worse than applying the first alone; else just the first. */
function applyTogether(text: string, fixes: Fix[], options: FixAllOptions): FixAllResult {
  const one = { text: applyEdits(text, fixes[0].edits), applied: [{ ruleId: fixes[0].ruleId, title: fixes[0].title }], files: [] };
  if (fixes.length === 1) return one;
  const edits: TextEdit[] = fixes.flatMap((f) => f.edits);
  const all = applyEdits(text, edits);
  const blocking = (t: string) =>
    lintText(t, { path: options.path, config: options.config, schema: options.schema }).findings.filter(
      (f) => f.ruleId === 'syntax-error' || f.ruleId === 'concurrent-in-transaction',
    ).length;
  if (blocking(all) > blocking(one.text)) return one;
  return { text: all, applied: fixes.map((f) => ({ ruleId: f.ruleId, title: f.title })), files: [] };
}
