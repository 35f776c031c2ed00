import { inner, kindOf } from '../parse/ast';
import { inRollback } from './migration';
import type { Rule } from './types';

/** Renaming a schema renames every object in it at once, for every deployed query that qualifies names with it. */
export const rule: Rule = {
  id: 'rename-schema',
  title: 'Renaming a schema breaks running code',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['RenameStmt'],
  examples: {
    setup: 'CREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id bigint PRIMARY KEY);',
    flagged: 'ALTER SCHEMA billing RENAME TO accounting;',
    clean: 'CREATE SCHEMA accounting;',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'RenameStmt' || inRollback(doc, stmt)) return [];
    const s = inner(stmt.ast);
    if (s.renameType !== 'OBJECT_SCHEMA') return [];
    const schema = s.subname as string;
    // A schema this migration created has no users yet.
    if (doc.statements.slice(0, stmt.index).some((p) => kindOf(p.ast) === 'CreateSchemaStmt' && inner(p.ast).schemaname === schema)) return [];
    return [
      {
        message:
          `Renaming schema ${schema} to ${s.newname} moves every table, view, function and type in it at once: every deployed query, ` +
          `function body and search_path that names ${schema} fails from the commit on, and grants or default privileges set up by name need redoing. ` +
          `Instead, create the new schema and move objects over one by one behind views or code that accepts both, then drop ${schema} once nothing uses it.`,
      },
    ];
  },
};
