import { createdEarlier } from '../document/model';
import { as } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import type { Rule, RuleHit } from './types';

/** ADD CHECK / FOREIGN KEY validates every row while holding its lock; NOT VALID + VALIDATE does not. */
export const rule: Rule = {
  id: 'require-not-valid',
  title: 'Add CHECK and FOREIGN KEY constraints as NOT VALID, then VALIDATE',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);',
    flagged: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    clean:
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || createdEarlier(doc, table, stmt.index)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddConstraint')) {
      const con = as(as(part.node, 'AlterTableCmd')?.def, 'Constraint');
      if (!con || con.skip_validation) continue;
      if (con.contype !== 'CONSTR_CHECK' && con.contype !== 'CONSTR_FOREIGN') continue;
      const lock = effectOn(part, table);
      if (!lock) continue;
      const kind = con.contype === 'CONSTR_CHECK' ? 'CHECK' : 'FOREIGN KEY';
      const name = con.conname ?? '<name>';
      const others = part.effects.filter((e) => e.object !== table && e.kind === 'table' && !e.implied);
      const also = others.length ? ` (and ${others.map(describeLock).join(', ')})` : '';
      hits.push({
        span: spanOf(stmt, part.node),
        message:
          `ADD ${kind} checks every existing row while holding ${describeLock(lock)}${also}. ` +
          `Add it NOT VALID, then run ALTER TABLE ${table} VALIDATE CONSTRAINT ${name} in a later transaction (it only takes SHARE UPDATE EXCLUSIVE).`,
      });
    }
    return hits;
  },
};
