import { typeChangeRewrites } from '../locks/expressions';
import { spanOf } from './describe';
import { definedColumns } from './columns';
import { inRollback } from './migration';
import type { Rule } from './types';

const SMALL_KEYS: Record<string, { spelled: string; max: string }> = {
  int4: { spelled: 'int', max: '2,147,483,647' },
  int2: { spelled: 'smallint', max: '32,767' },
  serial4: { spelled: 'serial', max: '2,147,483,647' },
  serial2: { spelled: 'smallserial', max: '32,767' },
};

/** A 32-bit (or 16-bit) key runs out; widening it later rewrites the table (and every referencing one). */
export const rule: Rule = {
  id: 'prefer-bigint',
  title: 'Use bigint for primary keys and identity columns',
  category: 'style',
  defaultSeverity: 'info',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  examples: {
    flagged: 'CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);',
    clean: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);',
  },
  check(stmt, { doc, config }) {
    if (inRollback(doc, stmt)) return [];
    return definedColumns(stmt)
            // A key that references another table's key can only hold values that one already has: that key is where to widen.
      .filter((c) => SMALL_KEYS[c.type.name] && !c.type.isArray && !c.references && (c.primaryKey || c.identity || c.type.name.startsWith('serial')))
      .map((c) => {
        const limit = SMALL_KEYS[c.type.name];
        const from = c.type.name.replace('serial', 'int');
        const later = typeChangeRewrites({ name: from, mods: [], isArray: false }, { name: 'int8', mods: [], isArray: false }, { pgVersion: config.pgVersion });
        return {
          span: spanOf(stmt, c.node),
          message:
            `${c.table}.${c.name} is ${/^[aeiou]/.test(limit.spelled) ? 'an' : 'a'} ${limit.spelled} key, which runs out at ${limit.max}. ` +
            `Use bigint (or bigserial / bigint GENERATED … AS IDENTITY): widening it later is a type change where ${later.reason}, and every foreign key column must follow.`,
        };
      });
  },
};
