import { runnerFacts } from '../document/runnerFacts';
import type { StatementInfo } from '../document/model';
import { as } from '../parse/ast';
import { alteredTable, describeLock, effectOn, escapeRegExp, partsWithAction, spanOfMatch } from './describe';
import { earlierInTransaction, preexisting, quote } from './migration';
import type { Rule, RuleHit } from './types';

/**
 * VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID: the add's lock is
 * still held, so the validation scan runs under it and NOT VALID saved nothing.
 */
export const rule: Rule = {
  id: 'validate-in-same-transaction',
  title: 'VALIDATE CONSTRAINT in the same transaction as its NOT VALID add',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged:
      'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;',
    clean:
      'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || !stmt.inTransaction || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    const validates = partsWithAction(stmt, 'AT_ValidateConstraint');
    for (const part of validates) {
      const name = as(part.node, 'AlterTableCmd')?.name as string;
      const added = notValidAdd(stmt, name, part.node) ?? earlierInTransaction(doc, stmt).map((s) => notValidAdd(s, name)).find(Boolean);
      if (!added) continue;
      const held = effectOn(added.part, table);
      if (!held) continue;
      const fix =
        stmt.transaction === 'runner'
          ? `${runnerFacts(doc).label} runs this whole migration in one transaction: move the VALIDATE into the next migration`
          : 'COMMIT after the NOT VALID add and VALIDATE in a new transaction';
      const where = added.stmt === stmt ? 'this same statement' : `"${quote(added.stmt)}"`;
      const escaped = escapeRegExp(name);
      hits.push({
        span: spanOfMatch(stmt, new RegExp(`VALIDATE\\s+CONSTRAINT\\s+"?${escaped}"?`, 'i')),
        message:
          `VALIDATE CONSTRAINT ${name} runs in the transaction that added it NOT VALID (${where}), which still holds ${describeLock(held)}: ` +
          `the validation scan runs under that lock, so NOT VALID gains nothing. To fix, ${fix}.`,
      });
    }
    return hits;
  },
};

/** The part of `stmt` that adds constraint `name` NOT VALID (before `until`, within one statement). */
function notValidAdd(stmt: StatementInfo, name: string, until?: unknown): { stmt: StatementInfo; part: StatementInfo['locks']['parts'][number] } | undefined {
  for (const part of stmt.locks.parts) {
    if (part.node === until) break;
    if (part.action !== 'AT_AddConstraint') continue;
    const con = as(as(part.node, 'AlterTableCmd')?.def, 'Constraint');
    if (con?.skip_validation && con.conname === name) return { stmt, part };
  }
  return undefined;
}
