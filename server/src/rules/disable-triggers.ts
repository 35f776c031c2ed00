import { settingChange } from '../document/settings';
import type { AstNode } from '../parse/ast';
import { alteredTable, partsWithAction, spanOfMatch } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/**
 * `DISABLE TRIGGER ALL` and `session_replication_role = replica` switch off the internal triggers
 * that enforce foreign keys: rows written meanwhile are never checked, and nothing re-checks them later.
 */
export const rule: Rule = {
  id: 'disable-triggers',
  title: 'DISABLE TRIGGER ALL and session_replication_role = replica turn off foreign-key checks',
  category: 'hygiene',
  defaultSeverity: 'warning',
  examples: {
    setup:
      'CREATE TABLE users (id bigint PRIMARY KEY);\n' +
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n' +
      'CREATE FUNCTION orders_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
      'CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();',
    flagged: 'ALTER TABLE orders DISABLE TRIGGER ALL;',
    clean: 'ALTER TABLE orders DISABLE TRIGGER orders_audit;',
  },
  check(stmt, { doc }) {
    const hits: RuleHit[] = [];
    const table = alteredTable(stmt);
    if (table) {
      for (const _ of partsWithAction(stmt, 'AT_DisableTrigAll')) {
        if (!preexisting(doc, stmt, table)) continue;
        hits.push({
          span: spanOfMatch(stmt, /DISABLE\s+TRIGGER\s+ALL/i),
          message:
            `DISABLE TRIGGER ALL also disables the internal triggers that enforce foreign keys on ${table} (both as the referencing and the referenced table): ` +
            `until ENABLE TRIGGER ALL, rows written to it, by this migration or, once committed, by anyone, are not checked, and re-enabling does not re-check them. ` +
            `Disable only your own triggers by name, or DISABLE TRIGGER USER, which keeps the constraint triggers.`,
        });
      }
    }
    const role = replicaRole(stmt.ast);
    if (role) {
      hits.push({
        message:
          `session_replication_role = replica turns off every ordinary trigger and every foreign-key check for ${role} (rules too): ` +
          `rows the migration writes meanwhile are never checked against their foreign keys, and nothing re-checks them later. ` +
          `Keep it to data loads you have validated another way, and RESET it right after; prefer disabling one named trigger.`,
      });
    }
    return hits;
  },
};

/** `the session` / `this transaction` when the statement sets session_replication_role to replica. */
function replicaRole(ast: unknown): string | undefined {
  const change = settingChange(ast as AstNode, 'session_replication_role');
  if (!change || change.value?.toLowerCase() !== 'replica') return undefined;
  return change.local ? 'this transaction' : 'the session';
}
