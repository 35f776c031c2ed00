/**
 * Locks for every statement kind other than ALTER TABLE. Each analyzer returns the parts of
 * the statement with the relations it locks; the model merges them.
 */
import { defaultIndexName, objectName, relationsRead, sequenceOwner, tableKeyNames, tableObjectKind } from '../catalog/catalog';
import { AstNode, as, baseName, calledFunctions, kindOf, list, names, rangeVarName, typeInfo } from '../parse/ast';
import { alterTableParts, rebuiltIndexes } from './alterTable';
import { createIndex, dropIndexes, reindex } from './indexes';
import { alterDomain, createDomain } from './domains';
import { effect, foreignKeyChecks, plannedScan, queryReads, referentialChecks, sequencesDrawn, updatedColumns, whereScans } from './queries';
import type { LockMode } from './modes';
import { optionEnabled } from './options';
import { routineBodyLocks } from './routines';
import type { LockContext, LockEffect, ObjectKind, PartEffect } from './types';

export interface StatementFacts {
  parts: PartEffect[];
  transactional?: boolean;
  notes?: string[];
  unpredicted?: string;
}

type Analyzer = (s: AstNode, ctx: LockContext, node: AstNode) => StatementFacts;

function single(node: AstNode, label: string, effects: LockEffect[], reasons: string[] = []): PartEffect[] {
  return [{ label, node, action: kindOf(node), effects, reasons }];
}

const RELATION_KINDS: Record<string, ObjectKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_MATVIEW: 'matview',
  OBJECT_VIEW: 'view',
  OBJECT_SEQUENCE: 'sequence',
};

/** DROP TABLE/VIEW/…: the relation, its indexes, tables whose FK triggers go, and (CASCADE) dependent views. */
function dropRelation(name: string, kind: ObjectKind, ctx: LockContext, cascade: boolean): LockEffect[] {
  const effects: LockEffect[] = [effect(name, kind, 'AccessExclusiveLock', { dropped: true })];
  for (const idx of ctx.catalog.indexesOf(name)) effects.push(effect(idx, 'index', 'AccessExclusiveLock', { dropped: true, implied: true }));
  // Sequences owned by its columns (serial, identity) go with it.
  for (const seq of ctx.catalog.sequencesOf(name)) effects.push(effect(seq, 'sequence', 'AccessExclusiveLock', { dropped: true, implied: true }));
  // Dropping a table drops its foreign keys, which removes their triggers on the referenced tables.
  for (const fk of ctx.catalog.constraintsOf(name)) {
    if (fk.kind === 'foreign' && fk.references && fk.references !== name) effects.push(effect(fk.references, 'table', 'AccessExclusiveLock', { implied: true }));
  }
  if (cascade) {
    // CASCADE drops other tables' foreign keys to it, removing each key under ACCESS EXCLUSIVE on its table.
    for (const fk of ctx.catalog.referencesTo(name)) effects.push(effect(fk.table, 'table', 'AccessExclusiveLock', { implied: true }));
    for (const dep of ctx.catalog.dependentsOf(name)) effects.push(...dropRelation(dep.name, dep.kind === 'matview' ? 'matview' : 'view', ctx, true));
  }
  return effects;
}

const NON_TRANSACTIONAL_NOTE = 'cannot run inside a transaction block';

/** Why DROP TRIGGER (POLICY, RULE) IF EXISTS is predicted to lock a table whose triggers Lockstep cannot list. */
export function unreadCodeNote(object: string, table: string): string {
  return `${object} may exist on ${table}: code Lockstep does not read (a DO block, a function with dynamic SQL) ran since ${table} was created, so IF EXISTS is assumed to find it and lock ${table}`;
}

export const STATEMENTS: Record<string, Analyzer> = {
  AlterTableStmt(s, ctx) {
    if (s.objtype === 'OBJECT_INDEX') return { parts: alterIndex(s, ctx) };
    const parts = alterTableParts(s, ctx);
    const detachConcurrently = parts.some((p) => p.action === 'AT_DetachPartition' && /CONCURRENTLY$/.test(p.label));
    if (!detachConcurrently) return { parts };
    return {
      parts,
      transactional: false,
      notes: [
        `DETACH PARTITION … CONCURRENTLY ${NON_TRANSACTIONAL_NOTE}`,
        ...(ctx.pgVersion < 14 ? [`DETACH PARTITION … CONCURRENTLY needs PostgreSQL 14 or later (target is ${ctx.pgVersion})`] : []),
      ],
    };
  },

  IndexStmt: createIndex,

  DropStmt(s, ctx, node) {
    const objects = list(s.objects).map((o) => (o.List ? names(o.List.items) : o.TypeName ? names(o.TypeName.names) : names([o])).join('.'));
    const type = String(s.removeType ?? '');
    const label = `DROP ${type.replace(/^OBJECT_/, '').replace(/_/g, ' ')}${s.concurrent ? ' CONCURRENTLY' : ''}`;
    if (type === 'OBJECT_INDEX') {
      const { effects, transactional, notes } = dropIndexes(s, ctx, objects.map(baseName));
      return { parts: single(node, label, effects), transactional, notes };
    }
    const effects: LockEffect[] = [];
    const notes: string[] = [];
    for (const name of objects) {
      // CASCADE drops everything in the schema (an empty schema locks no relation).
      if (type === 'OBJECT_SCHEMA' && s.behavior === 'DROP_CASCADE') {
        for (const rel of ctx.catalog.relationsInSchema(name)) {
          effects.push(...dropRelation(rel.name, rel.kind === 'partitioned' ? 'table' : (rel.kind as ObjectKind), ctx, true));
        }
      } else if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
        // The type is locked ACCESS EXCLUSIVE while it is dropped; a composite type also drops its row type relation.
        const typeName = baseName(name);
        effects.push(effect(typeName, 'type', 'AccessExclusiveLock', { dropped: true }));
        if (ctx.catalog.types.get(typeName) === 'composite') effects.push(effect(typeName, 'relation', 'AccessExclusiveLock', { dropped: true, implied: true }));
      } else if (RELATION_KINDS[type]) effects.push(...dropRelation(baseName(name), RELATION_KINDS[type], ctx, s.behavior === 'DROP_CASCADE'));
      else if (tableObjectKind(type)) {
        // `DROP TRIGGER t ON tbl` arrives as [tbl…, t]: the table is the name before the last.
        const parts = name.split('.');
        if (parts.length < 2) continue;
        const table = parts[parts.length - 2];
        // IF EXISTS on a trigger (policy, rule) that is not there looks the table up and lets it go: no lock is kept.
        const exists = ctx.catalog.tableObjectExists(table, tableObjectKind(type)!, parts[parts.length - 1]);
        if (s.missing_ok && exists === false) {
          notes.push(`${parts[parts.length - 1]} does not exist on ${table}: IF EXISTS skips it and keeps no lock`);
        } else {
          effects.push(effect(table, 'table', 'AccessExclusiveLock'));
          if (s.missing_ok && exists === undefined && ctx.catalog.relation(table)) notes.push(unreadCodeNote(parts[parts.length - 1], table));
        }
      }
    }
    return { parts: single(node, label, effects), notes };
  },

  ReindexStmt: reindex,

  CreateDomainStmt: createDomain,
  AlterDomainStmt: alterDomain,

  CreateStmt(s, ctx, node) {
    const table = baseName(rangeVarName(s.relation));
    // PostgreSQL finds the name taken, says "already exists, skipping" and opens nothing.
    if (s.if_not_exists && ctx.catalog.relationExists(s.relation)) {
      return { parts: single(node, 'CREATE TABLE IF NOT EXISTS', []), notes: [`${table} already exists: IF NOT EXISTS skips the statement and takes no lock`] };
    }
    const effects: LockEffect[] = [effect(table, 'table', 'AccessExclusiveLock', { created: true })];
    const parent = list(s.inhRelations)[0];
    const keyNames = tableKeyNames(table, s.tableElts);
    // PARTITION OF locks the parent ACCESS EXCLUSIVE; plain INHERITS only SHARE UPDATE EXCLUSIVE.
    if (parent) effects.push(effect(rangeVarName(parent), 'table', s.partbound ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock'));
    for (const elt of list(s.tableElts)) {
      const column = as(elt, 'ColumnDef');
      const constraints = [as(elt, 'Constraint'), ...list(column?.constraints).map((c) => as(c, 'Constraint'))];
      for (const c of constraints) {
        if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) {
          const ref = baseName(rangeVarName(c.pktable));
          if (ref !== table) effects.push(effect(ref, 'table', 'ShareRowExclusiveLock'));
        }
        // Identity columns get their sequence with the table (serial ones too, below).
        if (column && c?.contype === 'CONSTR_IDENTITY') effects.push(effect(objectName(table, column.colname, 'seq'), 'sequence', 'AccessExclusiveLock', { created: true }));
        // One index per distinct key: `PRIMARY KEY UNIQUE` on a column builds only the primary key's.
        const index = c ? keyNames.get(c) : undefined;
        if (index) effects.push(effect(index, 'index', 'AccessExclusiveLock', { created: true }));
      }
      if (column && /^serial[248]$/.test(typeInfo(column.typeName).name)) {
        effects.push(effect(objectName(table, column.colname, 'seq'), 'sequence', 'AccessExclusiveLock', { created: true }));
      }
      const like = as(elt, 'TableLikeClause');
      if (like) {
        const source = baseName(rangeVarName(like.relation));
        effects.push(effect(source, 'table', 'AccessShareLock'));
        // INCLUDING INDEXES/ALL copies the source's primary key (named after the new table).
        if (Number(like.options ?? 0) !== 0 && ctx.catalog.constraintsOf(source).some((c) => c.kind === 'primary')) {
          effects.push(effect(defaultIndexName(table, [], 'pkey'), 'index', 'AccessExclusiveLock', { created: true }));
        }
      }
    }
    return { parts: single(node, 'CREATE TABLE', effects) };
  },

  CreateTableAsStmt(s, ctx, node) {
    const into = s.into?.IntoClause ?? s.into ?? {};
    const name = baseName(rangeVarName(into.rel));
    const matview = s.objtype === 'OBJECT_MATVIEW';
    const effects = [effect(name, matview ? 'matview' : 'table', 'AccessExclusiveLock', { created: true }), ...queryReads(s.query, ctx)];
    return { parts: single(node, matview ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS', effects) };
  },

  ViewStmt(s, ctx, node) {
    const view = baseName(rangeVarName(s.view));
    const exists = !!ctx.catalog.relation(view);
    // Creating a view only parses and analyses its query: the tables are locked, not scanned.
    const read = relationsRead(s.query, (t) => !!ctx.catalog.relation(t)).filter((t) => t !== view).map((t) => effect(t, 'table', 'AccessShareLock'));
    const effects = [effect(view, 'view', 'AccessExclusiveLock', { created: !exists }), ...read];
    return { parts: single(node, s.replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW', effects) };
  },

  RefreshMatViewStmt(s, ctx, node) {
    const mv = baseName(rangeVarName(s.relation));
    const base = (ctx.catalog.relation(mv)?.dependsOn ?? []).flatMap((t) => plannedScan(t, 'AccessShareLock', ctx, true));
    const indexes = ctx.catalog.indexesOf(mv);
    if (s.concurrent) {
      const effects = [
        effect(mv, 'matview', 'ExclusiveLock', { scan: true }),
        ...indexes.map((i) => effect(i, 'index', 'RowExclusiveLock', { implied: true })),
        ...base.map((e) => ({ ...e, implied: true })),
      ];
      return { parts: single(node, 'REFRESH MATERIALIZED VIEW CONCURRENTLY', effects, ['recomputes the query and applies the difference; reads of the view continue']) };
    }
    // WITH NO DATA empties the view into a new file without running its query.
    const noData = !!s.skipData;
    const effects = [
      // With no data, only rebuilding the empty indexes counts as a scan (as for TRUNCATE).
      effect(mv, 'matview', 'AccessExclusiveLock', { rewrite: true, scan: !noData || indexes.length > 0 }),
      // The new heap's indexes are rebuilt into new files too.
      ...indexes.map((i) => effect(i, 'index', 'AccessExclusiveLock', { implied: true, rewrite: true })),
      ...(noData ? [] : base.map((e) => ({ ...e, implied: true }))),
    ];
    const reason = noData
      ? 'WITH NO DATA empties the view under ACCESS EXCLUSIVE; it cannot be read until the next REFRESH'
      : 'the view is rebuilt into a new file while ACCESS EXCLUSIVE blocks its readers';
    return { parts: single(node, noData ? 'REFRESH MATERIALIZED VIEW WITH NO DATA' : 'REFRESH MATERIALIZED VIEW', effects, [reason]) };
  },

  CreateTrigStmt(s, ctx, node) {
    return { parts: single(node, 'CREATE TRIGGER', [effect(rangeVarName(s.relation), 'table', 'ShareRowExclusiveLock')]) };
  },

  CreatePolicyStmt(s, ctx, node) {
    return { parts: single(node, 'CREATE POLICY', [effect(rangeVarName(s.table), 'table', 'AccessExclusiveLock')]) };
  },

  AlterPolicyStmt(s, ctx, node) {
    return { parts: single(node, 'ALTER POLICY', [effect(rangeVarName(s.table), 'table', 'AccessExclusiveLock')]) };
  },

  TruncateStmt(s, ctx, node) {
    const tables = list(s.relations).map((r) => baseName(rangeVarName(r)));
    // CASCADE also empties every table with a foreign key to these.
    if (s.behavior === 'DROP_CASCADE') {
      for (let i = 0; i < tables.length; i++) for (const fk of ctx.catalog.referencesTo(tables[i])) if (!tables.includes(fk.table)) tables.push(fk.table);
    }
    const effects = tables.flatMap((t) => [
      // Rebuilding the (empty) indexes counts as a sequential scan in pg_stat, though no row is read.
      effect(t, 'table', 'AccessExclusiveLock', { rewrite: true, scan: ctx.catalog.indexesOf(t).length > 0 }),
      ...rebuiltIndexes(t, ctx),
    ]);
    return { parts: single(node, 'TRUNCATE', effects, ['TRUNCATE swaps in new, empty files for the table and its indexes (fast, but ACCESS EXCLUSIVE)']) };
  },

  VacuumStmt(s, ctx, node) {
    // `VACUUM (FULL false)` is a plain VACUUM.
    const full = optionEnabled(s.options, 'full');
    const analyzeOnly = !s.is_vacuumcmd;
    const effects: LockEffect[] = [];
    const rels = list(s.rels);
    for (const rel of rels) {
      const table = baseName(rangeVarName(as(rel, 'VacuumRelation')?.relation));
      if (!table) continue;
      if (full) effects.push(effect(table, 'table', 'AccessExclusiveLock', { rewrite: true, scan: true }), ...rebuiltIndexes(table, ctx));
      else effects.push(...vacuumed(table, analyzeOnly, ctx));
    }
    const label = analyzeOnly ? 'ANALYZE' : full ? 'VACUUM FULL' : 'VACUUM';
    // Without a table list every table of the database is processed, one at a time.
    const everyTable = rels.length === 0 ? [`${label} without a table list processes every table of the database in turn${full ? ', each under ACCESS EXCLUSIVE while it is copied' : ''}`] : [];
    return {
      parts: single(node, label, effects, full ? ['VACUUM FULL copies the whole table and rebuilds its indexes under ACCESS EXCLUSIVE'] : []),
      transactional: analyzeOnly,
      notes: [...(analyzeOnly ? [] : [`VACUUM ${NON_TRANSACTIONAL_NOTE}`]), ...everyTable],
    };
  },

  ClusterStmt(s, ctx, node) {
    const table = s.relation ? baseName(rangeVarName(s.relation)) : '';
    const effects = table ? [effect(table, 'table', 'AccessExclusiveLock', { rewrite: true, scan: true }), ...rebuiltIndexes(table, ctx)] : [];
    return {
      parts: single(node, 'CLUSTER', effects, ['CLUSTER copies the table in index order under ACCESS EXCLUSIVE']),
      transactional: !!table,
      notes: table ? [] : ['CLUSTER without a table re-clusters every previously clustered table in turn, each under ACCESS EXCLUSIVE'],
    };
  },

  CallStmt(s, ctx, node) {
    const call = as(s.funccall, 'FuncCall') ?? s.funccall ?? {};
    const name = names(call.funcname).join('.') || 'a procedure';
    const why = `CALL runs the body of ${name}, which Lockstep does not analyse: its locks are those of the statements inside it`;
    return {
      parts: single(node, `CALL ${name}`, []),
      // A procedure that COMMITs (a batched backfill) must be called outside a transaction block.
      notes: ['a procedure that commits between batches must be CALLed outside a transaction block'],
      unpredicted: why,
    };
  },

  DoStmt(s, ctx, node) {
    return { parts: single(node, 'DO', []), unpredicted: 'a DO block runs PL/pgSQL that Lockstep does not analyse: its locks are those of the statements inside it' };
  },

  CreateFunctionStmt(s, ctx, node) {
    const { effects, notes } = routineBodyLocks(s, ctx);
    return { parts: single(node, s.is_procedure ? 'CREATE PROCEDURE' : 'CREATE FUNCTION', effects), notes };
  },

  CreateStatsStmt(s, ctx, node) {
    // Extended statistics are defined under SHARE UPDATE EXCLUSIVE on their table (no scan: ANALYZE fills them).
    const tables = list(s.relations).map((r) => baseName(rangeVarName(r)));
    return { parts: single(node, 'CREATE STATISTICS', tables.map((t) => effect(t, 'table', 'ShareUpdateExclusiveLock'))) };
  },

  CompositeTypeStmt(s, ctx, node) {
    // A composite type is a relation (relkind 'c') holding its attributes, created under ACCESS EXCLUSIVE.
    return { parts: single(node, 'CREATE TYPE … AS', [effect(rangeVarName(s.typevar), 'relation', 'AccessExclusiveLock', { created: true })]) };
  },

  AlterEnumStmt(s, ctx, node) {
    const type = names(s.typeName).pop() ?? '';
    const adding = !!s.newVal && !s.oldVal;
    return {
      parts: single(node, adding ? 'ALTER TYPE … ADD VALUE' : 'ALTER TYPE … RENAME VALUE', [effect(type, 'type', 'ExclusiveLock')]),
      transactional: !(adding && ctx.pgVersion < 12),
      notes: adding
        ? ctx.pgVersion < 12
          ? [`before PostgreSQL 12, ALTER TYPE … ADD VALUE ${NON_TRANSACTIONAL_NOTE}`]
          : ['the new value cannot be used until the transaction that added it commits']
        : [],
    };
  },

  CommentStmt(s, ctx, node) {
    const parts = s.object?.List ? names(s.object.List.items) : [];
    // A comment on a relation (or one of its columns) takes SHARE UPDATE EXCLUSIVE on that relation.
    const kind: ObjectKind | undefined = s.objtype === 'OBJECT_COLUMN' ? 'table' : s.objtype === 'OBJECT_INDEX' ? 'index' : RELATION_KINDS[s.objtype];
    const name = s.objtype === 'OBJECT_COLUMN' ? parts[parts.length - 2] : parts[parts.length - 1];
    return { parts: single(node, 'COMMENT ON', kind && name ? [effect(name, kind, 'ShareUpdateExclusiveLock')] : []) };
  },

  GrantStmt(s, ctx, node) {
    // PostgreSQL 18 locks each table ACCESS SHARE while updating its ACL; 12–17 take no table lock (observed).
    const tables = s.objtype === 'OBJECT_TABLE' && s.targtype === 'ACL_TARGET_OBJECT' ? list(s.objects).map((o) => rangeVarName(o)) : [];
    const effects = ctx.pgVersion >= 18 ? tables.map((t) => effect(t, 'table', 'AccessShareLock')) : [];
    return { parts: single(node, s.is_grant ? 'GRANT' : 'REVOKE', effects) };
  },

  LockStmt(s, ctx, node) {
    const mode = LOCK_STMT_MODES[Number(s.mode ?? 0)] ?? 'AccessExclusiveLock';
    return { parts: single(node, 'LOCK TABLE', list(s.relations).map((r) => effect(rangeVarName(r), 'table', mode))) };
  },

  InsertStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    // ON CONFLICT looks for its arbiter among all the table's indexes, locking each in the table's mode.
    const arbiters = s.onConflictClause ? ctx.catalog.indexesOf(target).map((i) => effect(i, 'index', 'RowExclusiveLock', { implied: true })) : [];
    const reads = queryReads({ with: s.withClause, select: s.selectStmt }, ctx, 'AccessShareLock', [target]);
    const effects = [effect(target, 'table', 'RowExclusiveLock'), ...arbiters, ...sequencesDrawn(target, s, ctx), ...reads, ...foreignKeyChecks(target, ctx, insertedColumns(s))];
    return { parts: single(node, 'INSERT', effects) };
  },

  UpdateStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    const scan = whereScans(s.whereClause, target, ctx.catalog);
    const effects = [
      ...plannedScan(target, 'RowExclusiveLock', ctx, scan),
      ...queryReads({ with: s.withClause, from: s.fromClause }, ctx, 'AccessShareLock', [target]),
      ...referentialChecks(target, ctx, updatedColumns(s)),
      ...foreignKeyChecks(target, ctx, updatedColumns(s)),
    ];
    return { parts: single(node, 'UPDATE', effects, s.whereClause ? [] : ['UPDATE without WHERE rewrites every row in one transaction']) };
  },

  DeleteStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    const effects = [
      ...plannedScan(target, 'RowExclusiveLock', ctx, whereScans(s.whereClause, target, ctx.catalog)),
      ...queryReads({ with: s.withClause, using: s.usingClause }, ctx, 'AccessShareLock', [target]),
      ...referentialChecks(target, ctx),
    ];
    return { parts: single(node, 'DELETE', effects) };
  },

  SelectStmt(s, ctx, node) {
    const mode = list(s.lockingClause).length > 0 ? 'RowShareLock' : 'AccessShareLock';
    const tables = relationsRead({ with: s.withClause, from: s.fromClause }, (t) => !!ctx.catalog.relation(t)).filter((t) => ctx.catalog.relation(t)?.kind !== 'view');
    const effects = tables.flatMap((t) => plannedScan(t, mode, ctx, tables.length === 1 ? whereScans(s.whereClause, t, ctx.catalog) : true));
    // SELECT create_partition(…): the function's body changes the schema, like a CALL's.
    const ddl = calledFunctions(s).find((f) => ctx.catalog.runsDdl(f));
    const unpredicted = ddl ? `SELECT calls ${ddl}, whose body runs DDL or dynamic SQL Lockstep does not analyse: its locks are those of the statements inside it` : undefined;
    return { parts: single(node, 'SELECT', effects), ...(unpredicted ? { unpredicted } : {}) };
  },

  RenameStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    const type = String(s.renameType ?? '');
    if (type === 'OBJECT_INDEX') {
      // PostgreSQL 12+ renames an index under SHARE UPDATE EXCLUSIVE.
      const mode: LockMode = ctx.pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
      return { parts: single(node, `ALTER INDEX ${target} RENAME`, [effect(target, 'index', mode)]) };
    }
    if (!target) return { parts: single(node, 'RENAME', []) };
    const what = type === 'OBJECT_COLUMN' ? `RENAME COLUMN ${s.subname}` : type === 'OBJECT_TABCONSTRAINT' ? `RENAME CONSTRAINT ${s.subname}` : 'RENAME';
    return { parts: single(node, `ALTER TABLE ${target} ${what}`, [effect(target, 'table', 'AccessExclusiveLock')]) };
  },

  AlterObjectSchemaStmt(s, ctx, node) {
    const target = s.relation ? baseName(rangeVarName(s.relation)) : '';
    // The table's owned sequences (serial, identity) move with it, under the same lock.
    const sequences = target ? ctx.catalog.sequencesOf(target).map((q) => effect(q, 'sequence', 'AccessExclusiveLock', { implied: true })) : [];
    return { parts: single(node, 'SET SCHEMA', target ? [effect(target, 'table', 'AccessExclusiveLock'), ...sequences] : []) };
  },

  AlterSeqStmt(s, ctx, node) {
    // OWNED BY t.c opens the owning table to check the column.
    const owner = sequenceOwner(s.options);
    const effects = [effect(rangeVarName(s.sequence), 'sequence', 'ShareRowExclusiveLock'), ...(owner ? [effect(owner, 'table', 'AccessShareLock')] : [])];
    return { parts: single(node, 'ALTER SEQUENCE', effects) };
  },

  CreateSeqStmt(s, ctx, node) {
    return { parts: single(node, 'CREATE SEQUENCE', [effect(rangeVarName(s.sequence), 'sequence', 'AccessExclusiveLock', { created: true })]) };
  },
};

/**
 * VACUUM or ANALYZE of one table under SHARE UPDATE EXCLUSIVE. ANALYZE opens the indexes to gather
 * their statistics; a partitioned table has no rows or index storage of its own, so each partition
 * is processed in its place (and the parent's indexes are left alone).
 */
function vacuumed(table: string, analyze: boolean, ctx: LockContext, implied = false): LockEffect[] {
  const self = effect(table, 'table', 'ShareUpdateExclusiveLock', implied ? { implied } : {});
  if (ctx.catalog.relation(table)?.kind === 'partitioned') return [self, ...ctx.catalog.partitionsOf(table).flatMap((p) => vacuumed(p, analyze, ctx, true))];
  return [self, ...(analyze ? ctx.catalog.indexesOf(table).map((i) => effect(i, 'index', 'AccessShareLock', { implied: true })) : [])];
}

/** An INSERT's column list; undefined without one (every column is then given, as Lockstep assumes). */
function insertedColumns(s: AstNode): string[] | undefined {
  const cols = list(s.cols).map((c) => as(c, 'ResTarget')?.name).filter((n): n is string => !!n);
  return cols.length ? cols : undefined;
}

/** ALTER INDEX … SET/RESET/…: the same subcommand levels, applied to the index. */
function alterIndex(s: AstNode, ctx: LockContext): PartEffect[] {
  const index = baseName(rangeVarName(s.relation));
  return alterTableParts(s, ctx).map((part) => ({
    ...part,
    label: `ALTER INDEX ${part.label}`,
    effects: part.effects.map((e) => (e.object === index ? { ...e, kind: 'index' as const } : e)),
  }));
}

/** LockStmt.mode is PostgreSQL's LOCKMODE number (1 = AccessShare … 8 = AccessExclusive). */
const LOCK_STMT_MODES: Record<number, LockMode> = {
  1: 'AccessShareLock',
  2: 'RowShareLock',
  3: 'RowExclusiveLock',
  4: 'ShareUpdateExclusiveLock',
  5: 'ShareLock',
  6: 'ShareRowExclusiveLock',
  7: 'ExclusiveLock',
  8: 'AccessExclusiveLock',
};

