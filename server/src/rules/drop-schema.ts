import { inner, kindOf, list, names } from '../parse/ast';
import { describeLock } from './describe';
import { inRollback } from './migration';
import type { Rule } from './types';

/** DROP SCHEMA … CASCADE takes every object in it along, and breaks code that uses them. */
export const rule: Rule = {
  id: 'drop-schema',
  title: 'Dropping a schema loses everything in it',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['DropStmt'],
  examples: {
    setup: 'CREATE SCHEMA reporting;\nCREATE TABLE reporting.daily_totals (day date PRIMARY KEY, total numeric);',
    flagged: 'DROP SCHEMA reporting CASCADE;',
    clean:
      '-- lockstep-ignore drop-schema: reporting moved to the warehouse in release 42; backup taken\n' +
      'DROP SCHEMA reporting CASCADE;',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    if (kindOf(stmt.ast) !== 'DropStmt') return [];
    const s = inner(stmt.ast);
    if (s.removeType !== 'OBJECT_SCHEMA') return [];
    const schemas = list(s.objects).flatMap((o) => names([o]));
    // A schema this migration created holds nothing anyone else uses yet.
    const created = new Set(
      doc.statements.slice(0, stmt.index).filter((e) => kindOf(e.ast) === 'CreateSchemaStmt' && e.section === stmt.section).map((e) => inner(e.ast).schemaname),
    );
    const existing = schemas.filter((n) => !created.has(n));
    if (existing.length === 0) return [];
    const cascade = s.behavior === 'DROP_CASCADE';
    const tables = stmt.locks.effects.filter((e) => e.kind === 'table' && e.dropped);
    const locks = tables.length ? ` It takes ${tables.slice(0, 3).map(describeLock).join(', ')}${tables.length > 3 ? ` and ${tables.length - 3} more` : ''}.` : '';
    return [
      {
        message:
          `DROP SCHEMA ${existing.join(', ')}${cascade ? ' CASCADE drops every table, view, function and type in it, with their data, and' : ' fails unless the schema is empty, and'} ` +
          `breaks every deployed version of the code that still uses ${cascade ? 'them' : 'it'}.${locks} ` +
          `First ship code that no longer uses the schema and keep a backup, then drop it in its own migration.`,
      },
    ];
  },
};
