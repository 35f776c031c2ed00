import { as, kindOf, names, walk } from '../parse/ast';
import type { StatementInfo } from '../document/model';
import { memoByDocumentSteps, quote } from './migration';

const transactionKey = (s: StatementInfo) => `${s.section}|${s.transactionId}`;

/** Per transaction, the ALTER TYPE … ADD VALUE statements in it, in order (computed once per lint). */
// Reads only ALTER TYPE … ADD VALUE statements (schema-changing) and transactions: kept by patches.
const enumValuesAdded = memoByDocumentSteps(function* (doc, pauses): Generator<void, Map<string, StatementInfo[]>> {
  const found = new Map<string, StatementInfo[]>();
  for (const s of doc.statements) {
    if (pauses) yield;
    const added = as(s.ast, 'AlterEnumStmt');
    if (!s.inTransaction || !added?.newVal || added.oldVal) continue;
    found.set(transactionKey(s), [...(found.get(transactionKey(s)) ?? []), s]);
  }
  return found;
}, true);
import type { Rule } from './types';

/**
 * A value added by ALTER TYPE … ADD VALUE cannot be used before its transaction commits
 * (PostgreSQL 12+ allows the ADD VALUE itself in a transaction; before 12 the ADD VALUE itself
 * fails there, which concurrent-in-transaction reports).
 */
export const rule: Rule = {
  id: 'enum-add-value-in-transaction',
  title: 'Using an enum value in the transaction that added it',
  category: 'hygiene',
  defaultSeverity: 'error',
  examples: {
    setup: "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);",
    flagged: "BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE people SET mood = 'ecstatic' WHERE id = 1;\nCOMMIT;",
    clean: "BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nCOMMIT;\nUPDATE people SET mood = 'ecstatic' WHERE id = 1;",
  },
  check(stmt, { doc, config }) {
    if (config.pgVersion < 12 || !stmt.inTransaction || kindOf(stmt.ast) === 'AlterEnumStmt') return [];
    // Cheap test first: most transactions add no enum value, and the walk below visits the whole AST.
    const addedHere = enumValuesAdded(doc).get(transactionKey(stmt));
    if (!addedHere) return [];
    const literals = new Set<string>();
    walk(stmt.ast, (kind, node) => {
      if (kind === 'A_Const' && typeof node.sval?.sval === 'string') literals.add(node.sval.sval);
    });
    if (literals.size === 0) return [];
    for (const earlier of addedHere) {
      if (earlier.index >= stmt.index) break;
      const added = as(earlier.ast, 'AlterEnumStmt')!;
      if (!literals.has(added.newVal)) continue;
      const type = names(added.typeName).pop();
      return [
        {
          message:
            `This uses '${added.newVal}', which "${quote(earlier)}" added to ${type} earlier in this same transaction: PostgreSQL rejects it ` +
            `("unsafe use of new value") until that transaction commits. COMMIT after the ADD VALUE, or move this statement to the next migration.`,
        },
      ];
    }
    return [];
  },
};
