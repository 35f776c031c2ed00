import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { describeLock, effectOn, scaffoldCommand } from './describe';
import { inRollback, preexisting } from './migration';
import { reportedByStillReferenced } from './still-referenced';
import type { Rule } from './types';

/** Renaming a table, or moving it to another schema, breaks every deployed query that uses the old name. */
export const rule: Rule = {
  id: 'rename-table',
  title: 'Renaming a table (or moving it to another schema) breaks running code',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['RenameStmt', 'AlterObjectSchemaStmt'],
  // Reads the statement after it (the compatibility view).
  crossStatement: true,
  reach: { next: true },
  examples: {
    setup: 'CREATE TABLE customers (id bigint PRIMARY KEY, name text);',
    flagged: 'ALTER TABLE customers RENAME TO clients;',
    clean:
      'BEGIN;\nALTER TABLE customers RENAME TO clients;\n' +
      '-- lockstep-ignore rename-table: the view keeps the old name working until the code moves\n' +
      'CREATE VIEW customers AS SELECT * FROM clients;\nCOMMIT;',
  },
  check(stmt, ctx) {
    const { doc } = ctx;
    if (inRollback(doc, stmt)) return [];
    const kind = kindOf(stmt.ast);
    const s = inner(stmt.ast);
    const renamed = kind === 'RenameStmt' && s.renameType === 'OBJECT_TABLE';
    const moved = kind === 'AlterObjectSchemaStmt' && s.objectType === 'OBJECT_TABLE';
    if (!renamed && !moved) return [];
    const table = baseName(rangeVarName(s.relation));
    const lock = effectOn(stmt, table);
    if (!lock || !preexisting(doc, stmt, table)) return [];
    if (renamed && reportedByStillReferenced(stmt, ctx, 'rename-table', table)) return [];
    // A view with the old name created right after, in the same transaction, keeps old code working.
    const next = doc.statements[stmt.index + 1];
    if (renamed && next && next.transactionId === stmt.transactionId && stmt.inTransaction && kindOf(next.ast) === 'ViewStmt') {
      const view = inner(next.ast);
      if (baseName(rangeVarName(view.view)) === table) return [];
    }
    const what = renamed ? `Renaming ${table} to ${s.newname}` : `Moving ${table} to schema ${s.newschema}`;
    return [
      {
        message:
          `${what} breaks every running query and deployed version of the code that still uses the old name (it also takes ${describeLock(lock)}, briefly). ` +
          (renamed
            ? `Instead, in one transaction rename it and CREATE VIEW ${table} AS SELECT * FROM ${s.newname} (a simple view is updatable), and drop the view once the code uses ${s.newname}: ` +
              `\`${scaffoldCommand('rename-table', { table, to: s.newname })}\` writes that plan as migrations.`
            : `Instead, move it once no deployed code relies on the search_path finding it in the old schema, or leave a view behind in the old schema.`),
      },
    ];
  },
};
