import { typeChangeRewrites } from '../locks/expressions';
import { spanOf } from './describe';
import { definedColumns, retypedColumns } from './columns';
import { inRollback } from './migration';
import type { Rule } from './types';

/** timestamp without time zone stores wall-clock readings; moving to timestamptz later can rewrite the table. */
export const rule: Rule = {
  id: 'prefer-timestamptz',
  title: 'Store points in time as timestamptz',
  category: 'style',
  defaultSeverity: 'info',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  examples: {
    flagged: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);',
    clean: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz);',
  },
  check(stmt, { doc, config }) {
    if (inRollback(doc, stmt)) return [];
    const columns = [...definedColumns(stmt), ...retypedColumns(stmt)];
    return columns
      .filter((c) => c.type.name === 'timestamp')
      .map((c) => {
        // What the lock model says the later fix would cost.
        const later = typeChangeRewrites(c.type, { name: 'timestamptz', mods: [], isArray: c.type.isArray }, { pgVersion: config.pgVersion });
        return {
          span: spanOf(stmt, c.node),
          message:
            `${c.table}.${c.name} is timestamp without time zone: it stores a wall-clock reading, so the same instant reads differently per session TimeZone and DST changes make values ambiguous. ` +
            `Use timestamptz. Converting later: ${later.reason}.`,
        };
      });
  },
};
