import { createdEarlier } from '../document/model';
import { alteredTable, describeLock, effectOn, partsWithAction } from './describe';
import { SET_NOT_NULL, spanOfNamedClause } from './namedClause';
import type { Rule, RuleHit } from './types';

/** SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a valid CHECK already proves it. */
export const rule: Rule = {
  id: 'set-not-null',
  title: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    flagged: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    clean:
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' +
      'ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
  },
  check(stmt, { doc, config }) {
    const table = alteredTable(stmt);
    if (!table || createdEarlier(doc, table, stmt.index)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_SetNotNull')) {
      const lock = effectOn(part, table);
      if (!lock || lock.scan === false) continue;
      const column = part.label.replace(/^SET NOT NULL /, '');
      const alternative =
        config.pgVersion >= 12
          ? `First add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it in a later transaction; PostgreSQL ${config.pgVersion} then sets NOT NULL without scanning, and the CHECK can be dropped.`
          : `On PostgreSQL ${config.pgVersion} there is no scan-free way: keep a validated CHECK (${column} IS NOT NULL) instead, or upgrade to 12+ where a valid CHECK lets SET NOT NULL skip the scan.`;
      const span = spanOfNamedClause(stmt, SET_NOT_NULL, column);
      hits.push({ span, message: `SET NOT NULL reads every row while holding ${describeLock(lock)}. ${alternative}` });
    }
    return hits;
  },
};
