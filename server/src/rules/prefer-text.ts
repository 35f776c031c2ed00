import { typeChangeRewrites } from '../locks/expressions';
import { spanOf } from './describe';
import { definedColumns } from './columns';
import { inRollback } from './migration';
import type { Rule } from './types';

/** varchar(n) and char(n) put a limit in the type, where changing it takes ACCESS EXCLUSIVE (and narrowing rewrites). */
export const rule: Rule = {
  id: 'prefer-text',
  title: 'Prefer text (with a CHECK for length) to varchar(n) and char(n)',
  category: 'style',
  defaultSeverity: 'hint',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  examples: {
    flagged: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));',
    clean: 'CREATE TABLE users (id bigint PRIMARY KEY, email text CONSTRAINT users_email_length CHECK (length(email) <= 255));',
  },
  check(stmt, { doc, config }) {
    if (inRollback(doc, stmt)) return [];
    // Only new columns: changing an existing varchar's limit (widening is free) is not the moment to redesign it.
    return definedColumns(stmt)
      .filter((c) => (c.type.name === 'varchar' && c.type.mods.length > 0) || c.type.name === 'bpchar')
      .map((c) => {
        const type = c.type.name === 'bpchar' ? `char(${c.type.mods[0] ?? 1})` : `varchar(${c.type.mods[0]})`;
        // What the lock model says lowering the limit later would cost.
        const lower = { ...c.type, mods: [Math.max(1, Math.floor((c.type.mods[0] ?? 1) / 2))] };
        const later = typeChangeRewrites(c.type, lower, { pgVersion: config.pgVersion });
        const padding = c.type.name === 'bpchar' ? ' char(n) also pads values with spaces, which comparisons and clients trip over.' : '';
        return {
          span: spanOf(stmt, c.node),
          message:
            `${c.table}.${c.name} is ${type}: the limit lives in the type, so changing it is an ALTER COLUMN TYPE, and lowering it rewrites (${later.reason}).${padding} ` +
            `Use text with a CHECK (length(${c.name}) <= n) constraint, which can later be replaced NOT VALID and validated without blocking.`,
        };
      });
  },
};
