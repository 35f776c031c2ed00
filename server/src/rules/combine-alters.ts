import type { StatementInfo } from '../document/model';
import { kindOf, type AstNode } from '../parse/ast';
import { alteredTable, describeLock, effectOn } from './describe';
import { preexisting, sameTransaction } from './migration';
import type { Rule } from './types';

/** Subcommands that can share one ALTER TABLE without changing what it does. */
const COMBINABLE = new Set(['AT_AddColumn', 'AT_ColumnDefault', 'AT_AlterColumnType', 'AT_DropColumn', 'AT_DropNotNull', 'AT_AddConstraint']);

/**
 * Back-to-back ALTER TABLEs on one table: each waits in the lock queue again (autocommit), or
 * each reads or rewrites the whole table again (one transaction). One statement does it once.
 */
export const rule: Rule = {
  id: 'combine-alters',
  title: 'Consecutive ALTER TABLEs on one table that could be one',
  category: 'locking',
  defaultSeverity: 'info',
  kinds: ['AlterTableStmt'],
  crossStatement: true,
  reach: { previous: 'adjacent' },
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN plan text;\nALTER TABLE users ADD COLUMN region text;',
    clean: 'ALTER TABLE users ADD COLUMN plan text, ADD COLUMN region text;',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    const previous = doc.statements[stmt.index - 1];
    if (!table || !previous || previous.section !== stmt.section || qualifiedTarget(previous) !== qualifiedTarget(stmt)) return [];
    if (!combinable(stmt) || !combinable(previous) || !preexisting(doc, stmt, table)) return [];
    const lock = effectOn(stmt, table);
    if (!lock) return [];
    const heavy = (s: StatementInfo) => s.locks.effects.some((e) => e.object === table && (e.scan === true || e.rewrite === true));
    if (sameTransaction(previous, stmt)) {
      if (!heavy(stmt) || !heavy(previous)) return [];
      return [
        {
          message: `This ALTER TABLE reads or rewrites ${table} again, right after the previous one did, while holding ${describeLock(lock)}. Combine them into one ALTER TABLE with comma-separated actions: PostgreSQL then makes one pass.`,
        },
      ];
    }
    return [
      {
        message: `This ALTER TABLE queues again for ${describeLock(lock)}, right after the previous ALTER TABLE ${table} released it. Combine them into one ALTER TABLE with comma-separated actions: one wait in the lock queue instead of two.`,
      },
    ];
  },
};

/** `schema.table` of an ALTER TABLE: `admin.users` and `users` (in public) are different tables. */
function qualifiedTarget(stmt: StatementInfo): string | undefined {
  const table = alteredTable(stmt);
  const relation = (stmt.ast as AstNode).AlterTableStmt?.relation;
  return table && `${relation?.schemaname ?? stmt.searchSchema}.${table}`;
}

function combinable(stmt: StatementInfo): boolean {
  return kindOf(stmt.ast) === 'AlterTableStmt' && stmt.locks.parts.length > 0 && stmt.locks.parts.every((p) => COMBINABLE.has(p.action));
}
