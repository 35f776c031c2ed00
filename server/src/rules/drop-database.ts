import { inner, kindOf } from '../parse/ast';
import type { Rule } from './types';

/** DROP DATABASE in a migration destroys a whole database, and cannot run inside a transaction. */
export const rule: Rule = {
  id: 'drop-database',
  title: 'Dropping a database from a migration',
  category: 'breaking-change',
  defaultSeverity: 'error',
  kinds: ['DropdbStmt'],
  examples: {
    flagged: 'DROP DATABASE analytics;',
    clean: '-- drop databases by hand, after a backup, not from a migration',
  },
  check(stmt) {
    if (kindOf(stmt.ast) !== 'DropdbStmt') return [];
    const name = inner(stmt.ast).dbname;
    return [
      {
        message:
          `DROP DATABASE ${name} destroys the whole database and every connection's work in it; it also cannot run inside a transaction block, so most runners fail on it. ` +
          `Drop databases by hand, after a backup, not from a migration.`,
      },
    ];
  },
};
