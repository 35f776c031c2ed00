/**
 * The lock model's predictions in the exact shape the real-PostgreSQL oracle observes,
 * so test/pg can compare prediction and observation with a deep-equal.
 */
import { parseSync } from 'libpg-query';
import { Catalog } from '../catalog/catalog';
import { SessionSettings } from '../document/settings';
import { AstNode, inner, kindOf } from '../parse/ast';
import type { LockMode } from './modes';
import { analyzeLocks, type StatementLocks } from './model';

export interface ObservableEffects {
  /**
   * Strongest lock held per object at the end of the statement (inside BEGIN … ROLLBACK).
   * Keys are `pg_class.relname` for relations (tables, indexes, sequences, views, partitions),
   * and `type:<typname>` for object locks on types.
   */
  locks: Record<string, LockMode>;
  /** relnames of tables and indexes (relkind r/p/m/i) whose relfilenode changed. Sorted. */
  rewritten: string[];
  /** relnames of tables whose pg_stat_xact_user_tables.seq_scan increased. Sorted. */
  scanned: string[];
}

/**
 * How the oracle observes (test/pg/observe.ts): dropped objects are named from a snapshot taken
 * before the statement; `scanned` counts tables that existed before it; `type:` keys leave out
 * implicit row types and array types; statements that cannot run in a transaction are observed
 * from another session at the point where a blocker stalls them.
 *
 * Predict what `sql` does on a database whose schema was created by `setupSql`
 * (Lockstep replays `setupSql` into its catalog, so index and constraint names are known).
 * The oracle's clusters run with TimeZone=UTC. Requires `initEngine()` (or `loadParser()`) first.
 */
export function predictObservable(sql: string, setupSql: string, pgVersion: number, sessionSql = ''): ObservableEffects {
  const catalog = new Catalog();
  for (const raw of parseSync(setupSql).stmts ?? []) catalog.apply(raw.stmt as AstNode);
  // Settings the oracle runs (SET LOCAL …) in the statement's transaction, before it.
  const session = new SessionSettings();
  for (const raw of sessionSql ? (parseSync(sessionSql).stmts ?? []) : []) session.apply(raw.stmt as AstNode, true);
  const stmt = (parseSync(sql).stmts ?? [])[0]?.stmt as AstNode;
  return observableEffects(stmt, analyzeLocks(stmt, { pgVersion, catalog, timeZoneIsUtc: session.timeZoneIsUtc ?? true, checkFunctionBodies: session.checkFunctionBodies }));
}

/** The model's verdict for `stmt`, in the shape an observation of real PostgreSQL takes. */
export function observableEffects(stmt: AstNode, result: StatementLocks): ObservableEffects {
  const renamedTo = renameTarget(stmt);
  const locks: Record<string, LockMode> = {};
  const rewritten: string[] = [];
  const scanned: string[] = [];
  for (const e of result.effects) {
    const name = renamedTo && e.object === renamedTo.from ? renamedTo.to : e.object;
    locks[e.kind === 'type' ? `type:${name}` : name] = e.mode;
    const isTable = e.kind === 'table' || e.kind === 'matview';
    if ((isTable || e.kind === 'index') && e.rewrite === true && !e.created && !e.dropped && !e.recreated) rewritten.push(name);
    if (isTable && e.scan === true) scanned.push(name);
  }
  return { locks, rewritten: rewritten.sort(), scanned: scanned.sort() };
}

/** `ALTER TABLE a RENAME TO b` / `ALTER INDEX a RENAME TO b`: pg_locks shows the new name. */
function renameTarget(stmt: AstNode): { from: string; to: string } | undefined {
  if (kindOf(stmt) !== 'RenameStmt') return undefined;
  const s = inner(stmt);
  if (!['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE'].includes(s.renameType)) return undefined;
  return { from: s.relation?.relname, to: s.newname };
}
