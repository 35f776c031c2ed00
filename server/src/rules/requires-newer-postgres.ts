import { as, inner, kindOf, list, walk, type AstNode } from '../parse/ast';
import type { Rule, RuleHit } from './types';

/** A feature and the first PostgreSQL major version that accepts it. */
interface Feature {
  since: number;
  what: string;
  test(stmt: AstNode): boolean;
  /**
   * A word the statement's text must hold for `test` to pass (the keyword the feature is written
   * with; keywords cannot be quoted or escaped): a statement without it skips the test, whose AST
   * walk or serialisation cost more than the rest of the rule on every statement.
   */
  word?: RegExp;
}

/** Does an ALTER TABLE subcommand pass `test`? Asked of every statement: no array of the subcommands. */
const hasCmd = (ast: AstNode, test: (cmd: AstNode) => boolean): boolean => {
  if (kindOf(ast) !== 'AlterTableStmt') return false;
  for (const c of list(inner(ast).cmds)) if (test(as(c, 'AlterTableCmd') ?? {})) return true;
  return false;
};
/** Two features look for constraints anywhere in the statement: walk its AST once, not once each. */
const constraintsFound = new WeakMap<AstNode, AstNode[]>();
const constraintsIn = (ast: AstNode): AstNode[] => {
  let found = constraintsFound.get(ast);
  if (!found) {
    const list: AstNode[] = [];
    walk(ast, (kind, value) => kind === 'Constraint' && list.push(value));
    constraintsFound.set(ast, (found = list));
  }
  return found;
};

/** Syntax a target version rejects: the migration fails there. Versions from the PostgreSQL release notes. */
const FEATURES: Feature[] = [
  { since: 11, what: 'CREATE INDEX … INCLUDE', test: (s) => kindOf(s) === 'IndexStmt' && list(inner(s).indexIncludingParams).length > 0 },
  { since: 11, what: 'CREATE PROCEDURE / CALL', test: (s) => kindOf(s) === 'CallStmt' || (kindOf(s) === 'CreateFunctionStmt' && !!inner(s).is_procedure) },
  { since: 11, what: 'a DEFAULT partition', word: /default/i, test: (s) => JSON.stringify(s).includes('"is_default":true') },
  { since: 12, what: 'REINDEX … CONCURRENTLY', test: (s) => kindOf(s) === 'ReindexStmt' && list(inner(s).params).some((p) => as(p, 'DefElem')?.defname === 'concurrently' && as(as(p, 'DefElem')?.arg, 'Boolean')?.boolval !== false) },
  { since: 12, what: 'generated columns (GENERATED ALWAYS AS …)', word: /generated/i, test: (s) => constraintsIn(s).some((c) => c.contype === 'CONSTR_GENERATED') },
  { since: 13, what: 'ALTER COLUMN … DROP EXPRESSION', test: (s) => hasCmd(s, (c) => c.subtype === 'AT_DropExpression') },
  { since: 14, what: 'DETACH PARTITION … CONCURRENTLY', test: (s) => hasCmd(s, (c) => c.subtype === 'AT_DetachPartition' && !!as(c.def, 'PartitionCmd')?.concurrent) },
  { since: 14, what: 'DETACH PARTITION … FINALIZE', test: (s) => hasCmd(s, (c) => c.subtype === 'AT_DetachPartitionFinalize') },
  { since: 14, what: 'CREATE OR REPLACE TRIGGER', test: (s) => kindOf(s) === 'CreateTrigStmt' && !!inner(s).replace },
  { since: 15, what: 'NULLS NOT DISTINCT', word: /distinct/i, test: (s) => (kindOf(s) === 'IndexStmt' && !!inner(s).nulls_not_distinct) || constraintsIn(s).some((c) => !!c.nulls_not_distinct) },
  { since: 15, what: 'MERGE', test: (s) => kindOf(s) === 'MergeStmt' },
  { since: 15, what: 'ALTER TABLE … SET ACCESS METHOD', test: (s) => hasCmd(s, (c) => c.subtype === 'AT_SetAccessMethod') },
  { since: 17, what: 'ALTER COLUMN … SET EXPRESSION', test: (s) => hasCmd(s, (c) => c.subtype === 'AT_SetExpression') },
  { since: 17, what: 'transaction_timeout', test: (s) => kindOf(s) === 'VariableSetStmt' && inner(s).name === 'transaction_timeout' },
  { since: 18, what: 'NOT NULL … NOT VALID', word: /valid/i, test: (s) => constraintsIn(s).some((c) => c.contype === 'CONSTR_NOTNULL' && !!c.skip_validation) },
];

/** Statements the configured target PostgreSQL (`pgVersion`) does not accept: the migration fails there. */
export const rule: Rule = {
  id: 'requires-newer-postgres',
  title: 'Syntax the target PostgreSQL version does not have yet',
  category: 'hygiene',
  defaultSeverity: 'error',
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_not_null NOT NULL user_id NOT VALID;',
    clean: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;',
  },
  check(stmt, { config }) {
    const hits: RuleHit[] = [];
    for (const f of FEATURES) {
      if (config.pgVersion >= f.since || (f.word && !f.word.test(stmt.text)) || !f.test(stmt.ast)) continue;
      hits.push({
        message:
          `${f.what} needs PostgreSQL ${f.since} or later, but the target is PostgreSQL ${config.pgVersion} ("pgVersion"): ` +
          `this statement fails there. Write it the way PostgreSQL ${config.pgVersion} accepts, or raise "pgVersion" if every database this migration runs on is ${f.since}+.`,
      });
    }
    return hits;
  },
};
