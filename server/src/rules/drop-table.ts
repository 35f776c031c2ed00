import { baseName, inner, kindOf, list, names } from '../parse/ast';
import { describeLock } from './describe';
import { inRollback, preexisting } from './migration';
import type { Rule } from './types';

/** DROP TABLE loses data and breaks code still using the table; its locks reach the tables it references. */
export const rule: Rule = {
  id: 'drop-table',
  title: 'Dropping a table loses its data and breaks code that still uses it',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['DropStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
    flagged: 'DROP TABLE sessions;',
    clean:
      "SET lock_timeout = '2s';\n" +
      '-- lockstep-ignore drop-table: unused since release 42, data archived to s3://backups/sessions\nDROP TABLE sessions;',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    if (kindOf(stmt.ast) !== 'DropStmt') return [];
    const s = inner(stmt.ast);
    if (s.removeType !== 'OBJECT_TABLE') return [];
    const tables = list(s.objects).map((o) => baseName(names(o.List?.items ?? [o]).join('.')));
    const dropped = tables.filter((t) => preexisting(doc, stmt, t));
    if (dropped.length === 0) return [];
    const own = stmt.locks.effects.find((e) => e.object === dropped[0] && e.kind === 'table');
    // Dropping a table drops its foreign keys, which locks the tables they reference.
    const others = stmt.locks.effects.filter((e) => e.kind === 'table' && !tables.includes(e.object) && !e.dropped);
    const also = others.length ? ` It also takes ${others.map(describeLock).join(', ')}.` : '';
    return [
      {
        message:
          `DROP TABLE ${dropped.join(', ')} deletes ${dropped.length > 1 ? 'their' : 'its'} data for good and breaks every deployed version of the code that still uses ${dropped.length > 1 ? 'them' : 'it'}` +
          `${own ? `; it takes ${describeLock(own)}` : ''}.${also} First ship code that no longer uses ${dropped.length > 1 ? 'them' : 'it'} (and keep a backup), then drop in a later migration with a lock_timeout.`,
      },
    ];
  },
};
