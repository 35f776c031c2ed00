import type { RunnerId } from '../config/types';
import { RUNNERS } from '../document/runner';
import type { StatementInfo } from '../document/model';
import { ONE_STATEMENT_OUTSIDE } from '../fixes/migrationFiles';
import { previousIgnoringSets } from './sessionSetting';
import { as, inner, kindOf, list, names } from '../parse/ast';
import { escapeRegExp, partsWithAction, spanOf, spanOfMatch } from './describe';
import type { Rule, RuleHit } from './types';

const GUARDED_CREATES: Record<string, string> = {
  CreateStmt: 'CREATE TABLE IF NOT EXISTS',
  IndexStmt: 'CREATE INDEX IF NOT EXISTS',
  CreateSeqStmt: 'CREATE SEQUENCE IF NOT EXISTS',
  CreateSchemaStmt: 'CREATE SCHEMA IF NOT EXISTS',
  CreateExtensionStmt: 'CREATE EXTENSION IF NOT EXISTS',
};

/**
 * Statements that fail when rerun after a partial run. Only outside a transaction: inside one, a
 * failure rolls everything back and a rerun starts clean (squawk#385 flags those anyway).
 */
export const rule: Rule = {
  id: 'missing-if-exists',
  title: 'Statements outside a transaction that fail when a half-applied migration is rerun',
  category: 'hygiene',
  defaultSeverity: 'info',
  kinds: ['CreateStmt', 'IndexStmt', 'CreateSeqStmt', 'CreateSchemaStmt', 'CreateExtensionStmt', 'DropStmt', 'AlterTableStmt'],
  crossStatement: true,
  reach: { previous: 'pastSets', next: true },
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged:
      '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n' +
      'CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);',
    clean:
      '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;\n' +
      'DROP INDEX CONCURRENTLY IF EXISTS orders_note_idx;\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);',
  },
  check(stmt, { doc, config }) {
    if (stmt.inTransaction) return [];
    const kind = kindOf(stmt.ast);
    const s = inner(stmt.ast);
    // A concurrent build never runs in a transaction, so its rerun hazard is certain whatever runs the file.
    if (kind === 'IndexStmt' && s.concurrent) return concurrentIndex(stmt, previousIgnoringSets(doc, stmt), doc.runner);
    // A file no runner claims may be a schema dump or run with psql --single-transaction: too unsure to judge the rest.
    if (config.runner === 'auto' && doc.runner === 'plain') return [];
    // A statement that fails on rerun only matters when something after it can fail first.
    const next = doc.statements[stmt.index + 1];
    if (!next || next.section !== stmt.section) return [];
    if (GUARDED_CREATES[kind] && !s.if_not_exists) {
      return [{ message: `If a later statement fails, rerunning this migration stops here with "already exists": this ran in autocommit and stayed. Use ${GUARDED_CREATES[kind]}.` }];
    }
    if (kind === 'DropStmt' && !s.missing_ok) {
      const what = String(s.removeType ?? '').replace(/^OBJECT_/, '').replace(/_/g, ' ');
      return [{ message: `If a later statement fails, rerunning this migration stops here with "does not exist": this ran in autocommit and stayed. Use DROP ${what} IF EXISTS.` }];
    }
    if (kind !== 'AlterTableStmt') return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddColumn', 'AT_DropColumn', 'AT_DropConstraint')) {
      const cmd = as(part.node, 'AlterTableCmd') ?? {};
      if (cmd.missing_ok) continue;
      const guard = part.action === 'AT_AddColumn' ? 'ADD COLUMN IF NOT EXISTS' : part.action === 'AT_DropColumn' ? 'DROP COLUMN IF EXISTS' : 'DROP CONSTRAINT IF EXISTS';
      // DROP subcommands carry no position of their own: find the clause by its words.
      const span =
        part.action === 'AT_AddColumn'
          ? spanOf(stmt, part.node)
          : spanOfMatch(stmt, new RegExp(`DROP\\s+${part.action === 'AT_DropColumn' ? '(?:COLUMN\\s+)?' : 'CONSTRAINT\\s+'}"?${escapeRegExp(cmd.name ?? '')}"?`, 'i'));
      hits.push({ span, message: `If a later statement fails, rerunning this migration stops here: this ran in autocommit and stayed. Use ${guard}.` });
    }
    return hits;
  },
};

/**
 * CREATE INDEX CONCURRENTLY that fails leaves an INVALID index behind. IF NOT EXISTS would then
 * skip it silently (strong_migrations#82); dropping it first is the rerunnable form.
 */
function concurrentIndex(stmt: StatementInfo, previous: StatementInfo | undefined, runner: RunnerId): RuleHit[] {
  const index = inner(stmt.ast).idxname as string | undefined;
  if (!index) return [];
  const p = previous ? inner(previous.ast) : {};
  const dropsIt =
    previous && kindOf(previous.ast) === 'DropStmt' && p.removeType === 'OBJECT_INDEX' && p.missing_ok &&
    list(p.objects).some((o) => names(o.List?.items ?? [o]).pop() === index);
  if (dropsIt) return [];
  // With IF NOT EXISTS the leftover is accepted silently: concurrent-index-if-not-exists says so.
  if (inner(stmt.ast).if_not_exists) return [];
  const skip = 'a failed run leaves an INVALID index behind, and the rerun stops with "already exists"';
  // These runners send the file as one query string: a DROP next to the build would put both in one implicit transaction.
  if (ONE_STATEMENT_OUTSIDE.has(runner)) {
    return [{ message: `${skip}. ${RUNNERS[runner].label} runs a file as one query string, so a DROP cannot share this file (CONCURRENTLY would fail in the implicit transaction): before rerunning a failed build, run DROP INDEX CONCURRENTLY IF EXISTS ${index}; by hand.` }];
  }
  return [{ message: `${skip}. Put DROP INDEX CONCURRENTLY IF EXISTS ${index}; right before it.` }];
}

