import { inner, kindOf } from '../parse/ast';
import { describeLock, mainEffect, scaffoldCommand } from './describe';
import { inRollback, preexisting } from './migration';
import { reportedByStillReferenced } from './still-referenced';
import type { Rule } from './types';

/** Renaming a column breaks every deployed query that still uses the old name. */
export const rule: Rule = {
  id: 'rename-column',
  title: 'Renaming a column breaks running code',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['RenameStmt'],
  // Quiet where still-referenced reports the column with the code that uses it.
  usesCode: true,
  reach: {},
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);',
    flagged: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
    clean:
      'ALTER TABLE users ADD COLUMN full_name text;\n' +
      '-- deploy code that writes both columns, backfill full_name in batches,\n' +
      '-- switch reads to full_name, and drop name in a later migration',
  },
  check(stmt, ctx) {
    const { doc } = ctx;
    if (inRollback(doc, stmt)) return [];
    if (kindOf(stmt.ast) !== 'RenameStmt') return [];
    const s = inner(stmt.ast);
    if (s.renameType !== 'OBJECT_COLUMN' || !['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE'].includes(s.relationType)) return [];
    const lock = mainEffect(stmt.locks.effects);
    if (!lock || !preexisting(doc, stmt, lock.object)) return [];
    if (reportedByStillReferenced(stmt, ctx, 'rename-column', lock.object, s.subname)) return [];
    return [
      {
        message:
          `Renaming ${lock.object}.${s.subname} to ${s.newname} breaks every running query and deployed version of the code that still says ${s.subname} ` +
          `(it also takes ${describeLock(lock)}, briefly). Instead, add ${s.newname}, write both columns, backfill, move reads to ${s.newname}, then drop ${s.subname} in a later migration: ` +
          `\`${scaffoldCommand('rename-column', { table: lock.object, column: s.subname, to: s.newname })}\` writes that plan as migrations.`,
      },
    ];
  },
};
