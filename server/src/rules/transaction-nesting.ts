import { transactionVerb } from '../document/model';
import { runnerFacts } from '../document/runnerFacts';
import { laterInTransaction, sameTransaction } from './migration';
import type { Rule } from './types';

/**
 * BEGIN inside a transaction (the runner's, or one already open), COMMIT that ends the runner's
 * transaction early, a BEGIN never committed (squawk#697), and COMMIT with nothing to commit.
 */
export const rule: Rule = {
  id: 'transaction-nesting',
  title: 'BEGIN and COMMIT that do not match the transaction they run in',
  category: 'hygiene',
  defaultSeverity: 'warning',
  kinds: ['TransactionStmt'],
  crossStatement: true,
  reach: { previous: 'adjacent' },
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;',
    clean: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;',
  },
  check(stmt, { doc }) {
    const verb = transactionVerb(stmt.ast);
    if (!verb) return [];
    const runner = runnerFacts(doc);
    // A file sent as one multi-statement query (golang-migrate, opted-out sections): BEGIN/COMMIT in it are ordinary.
    const runnerBlock = stmt.transaction === 'runner' && !stmt.implicitTransaction;
    if (verb === 'begin') {
      if (runnerBlock) {
        return [{ message: `${runner.label} already runs this migration in a transaction: PostgreSQL ignores this BEGIN with a warning, and the COMMIT that follows ends the runner's transaction early. Remove BEGIN/COMMIT; if the statements must manage their own transaction, opt out of the runner's: ${runner.optOut}.` }];
      }
      const previous = doc.statements[stmt.index - 1];
      if (previous && sameTransaction(previous, stmt)) {
        return [{ message: 'A transaction is already open here: PostgreSQL ignores this BEGIN with a warning, so the first COMMIT ends both. Remove it, or COMMIT the earlier transaction first.' }];
      }
      if (stmt.transaction === 'explicit' && !laterInTransaction(doc, stmt).some((s) => transactionVerb(s.ast) === 'end')) {
        return [{ message: 'This BEGIN is never committed: when the session ends the transaction is rolled back, so the migration can be recorded as applied while none of its changes stay. Add COMMIT at the end.' }];
      }
      return [];
    }
    if (runnerBlock) {
      return [{ message: `This ends the transaction ${runner.label} opened for the migration: the statements after it run in autocommit, and a failure there leaves the migration half applied. Remove BEGIN/COMMIT from the file.` }];
    }
    if (!stmt.inTransaction) {
      return [{ severity: 'info', message: 'There is no transaction to end here: PostgreSQL only warns. A BEGIN is probably missing above, so the statements before ran in autocommit.' }];
    }
    return [];
  },
};
