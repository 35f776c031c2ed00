/**
 * Locks for every statement kind other than ALTER TABLE. Each analyzer returns the parts of
 * the statement with the relations it locks; the model merges them.
 */
import { relationsRead } from '../catalog/catalog';
import { AstNode, as, baseName, kindOf, list, names, rangeVarName } from '../parse/ast';
import { alterTableParts, rebuiltIndexes } from './alterTable';
import type { LockMode } from './modes';
import type { LockContext, LockEffect, ObjectKind, PartEffect } from './types';

export interface StatementFacts {
  parts: PartEffect[];
  transactional?: boolean;
  notes?: string[];
}

type Analyzer = (s: AstNode, ctx: LockContext, node: AstNode) => StatementFacts;

function effect(object: string, kind: ObjectKind, mode: LockMode, extra: Partial<LockEffect> = {}): LockEffect {
  return { object: baseName(object), kind, mode, rewrite: false, scan: false, ...extra };
}

function single(node: AstNode, label: string, effects: LockEffect[], reasons: string[] = []): PartEffect[] {
  return [{ label, node, action: kindOf(node), effects, reasons }];
}

/** AccessShare on every table a query reads, except those already locked more strongly. */
function readLocks(query: AstNode | undefined, except: string[] = []): LockEffect[] {
  return relationsRead(query)
    .filter((r) => !except.includes(r))
    .map((r) => effect(r, 'table', 'AccessShareLock'));
}

const NON_TRANSACTIONAL_NOTE = 'cannot run inside a transaction block';

export const STATEMENTS: Record<string, Analyzer> = {
  AlterTableStmt(s, ctx) {
    if (s.objtype === 'OBJECT_INDEX') return { parts: alterIndex(s, ctx) };
    return { parts: alterTableParts(s, ctx) };
  },

  IndexStmt(s, ctx, node) {
    const table = baseName(rangeVarName(s.relation));
    const index = s.idxname ?? `${table}_${list(s.indexParams).map((p) => as(p, 'IndexElem')?.name ?? 'expr').join('_')}_idx`;
    const partitioned = ctx.catalog.relation(table)?.kind === 'partitioned';
    if (s.concurrent) {
      return {
        parts: single(node, 'CREATE INDEX CONCURRENTLY', [effect(table, 'table', 'ShareUpdateExclusiveLock', { scan: true })], [
          'builds the index in two table scans while reads and writes continue; waits for older transactions at each phase',
        ]),
        transactional: false,
        notes: [
          `CREATE INDEX CONCURRENTLY ${NON_TRANSACTIONAL_NOTE}; if it fails it leaves an INVALID index that must be dropped`,
          ...(ctx.pgVersion === 14 ? ['PostgreSQL 14.0–14.3 can silently corrupt indexes built CONCURRENTLY: run 14.4 or later'] : []),
          ...(partitioned ? ['CONCURRENTLY is not supported on a partitioned table: build it on each partition, then attach'] : []),
        ],
      };
    }
    const effects = [effect(table, 'table', 'ShareLock', { scan: true }), effect(index, 'index', 'AccessExclusiveLock', { created: true })];
    if (partitioned) for (const p of ctx.catalog.partitionsOf(table)) effects.push(effect(p, 'table', 'ShareLock', { scan: true, implied: true }));
    return { parts: single(node, s.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX', effects, ['the index build reads the whole table while SHARE blocks writes']) };
  },

  DropStmt(s, ctx, node) {
    const objects = list(s.objects).map((o) => (o.List ? names(o.List.items) : names([o])).join('.'));
    const type = String(s.removeType ?? '');
    const effects: LockEffect[] = [];
    let transactional = true;
    for (const name of objects) {
      const base = baseName(name);
      switch (type) {
        case 'OBJECT_INDEX': {
          const table = ctx.catalog.relation(base)?.table;
          if (s.concurrent) {
            transactional = false;
            if (table) effects.push(effect(table, 'table', 'ShareUpdateExclusiveLock'));
            effects.push(effect(base, 'index', 'ShareUpdateExclusiveLock', { dropped: true }));
          } else {
            if (table) effects.push(effect(table, 'table', 'AccessExclusiveLock'));
            else effects.push(effect(`the table of ${base}`, 'table', 'AccessExclusiveLock'));
            effects.push(effect(base, 'index', 'AccessExclusiveLock', { dropped: true }));
          }
          break;
        }
        case 'OBJECT_TABLE':
        case 'OBJECT_MATVIEW':
        case 'OBJECT_VIEW':
        case 'OBJECT_SEQUENCE': {
          const kind: ObjectKind = type === 'OBJECT_TABLE' ? 'table' : type === 'OBJECT_MATVIEW' ? 'matview' : type === 'OBJECT_VIEW' ? 'view' : 'sequence';
          effects.push(effect(base, kind, 'AccessExclusiveLock', { dropped: true }));
          for (const idx of ctx.catalog.indexesOf(base)) effects.push(effect(idx, 'index', 'AccessExclusiveLock', { dropped: true, implied: true }));
          // Dropping a table drops its foreign keys, which removes triggers on the referenced tables.
          for (const fk of ctx.catalog.constraintsOf(base)) {
            if (fk.kind === 'foreign' && fk.references && fk.references !== base) effects.push(effect(fk.references, 'table', 'AccessExclusiveLock', { implied: true }));
          }
          break;
        }
        case 'OBJECT_TRIGGER':
        case 'OBJECT_POLICY':
        case 'OBJECT_RULE': {
          // `DROP TRIGGER t ON tbl` arrives as [tbl…, t]: the table is everything but the last name.
          const parts = name.split('.');
          const table = parts.length > 1 ? parts[parts.length - 2] : '';
          if (table) effects.push(effect(table, 'table', 'AccessExclusiveLock'));
          break;
        }
        default:
          break;
      }
    }
    const label = `DROP ${type.replace(/^OBJECT_/, '').replace(/_/g, ' ')}${s.concurrent ? ' CONCURRENTLY' : ''}`;
    return { parts: single(node, label, effects), transactional, notes: transactional ? [] : [`DROP INDEX CONCURRENTLY ${NON_TRANSACTIONAL_NOTE}`] };
  },

  ReindexStmt(s, ctx, node) {
    const concurrent = list(s.params).some((p) => as(p, 'DefElem')?.defname === 'concurrently');
    const target = s.relation ? baseName(rangeVarName(s.relation)) : (s.name ?? '');
    const isIndex = s.kind === 'REINDEX_OBJECT_INDEX';
    const table = isIndex ? ctx.catalog.relation(target)?.table : target;
    const indexes = isIndex ? [target] : table ? ctx.catalog.indexesOf(table) : [];
    const effects: LockEffect[] = [];
    if (concurrent) {
      if (table) effects.push(effect(table, 'table', 'ShareUpdateExclusiveLock', { scan: true }));
      for (const i of indexes) effects.push(effect(i, 'index', 'ShareUpdateExclusiveLock', { implied: !isIndex }));
      return {
        parts: single(node, 'REINDEX CONCURRENTLY', effects, ['rebuilds the index beside the old one while reads and writes continue']),
        transactional: false,
        notes: [`REINDEX CONCURRENTLY ${NON_TRANSACTIONAL_NOTE}`, ...(ctx.pgVersion < 12 ? ['REINDEX CONCURRENTLY needs PostgreSQL 12 or later'] : [])],
      };
    }
    if (table) effects.push(effect(table, 'table', 'ShareLock', { scan: true }));
    for (const i of indexes) effects.push(effect(i, 'index', 'AccessExclusiveLock', { implied: !isIndex }));
    return {
      parts: single(node, 'REINDEX', effects, ['rebuilding reads the whole table while SHARE blocks writes, and each index is ACCESS EXCLUSIVE (blocking reads that use it)']),
      transactional: s.kind !== 'REINDEX_OBJECT_SCHEMA' && s.kind !== 'REINDEX_OBJECT_DATABASE' && s.kind !== 'REINDEX_OBJECT_SYSTEM',
    };
  },

  CreateStmt(s, ctx, node) {
    const table = baseName(rangeVarName(s.relation));
    const effects: LockEffect[] = [effect(table, 'table', 'AccessExclusiveLock', { created: true })];
    const parent = list(s.inhRelations)[0];
    if (parent && s.partbound) effects.push(effect(rangeVarName(parent), 'table', 'AccessExclusiveLock'));
    else if (parent) effects.push(effect(rangeVarName(parent), 'table', 'ShareUpdateExclusiveLock'));
    for (const elt of list(s.tableElts)) {
      const constraints = [as(elt, 'Constraint'), ...list(as(elt, 'ColumnDef')?.constraints).map((c) => as(c, 'Constraint'))];
      for (const c of constraints) {
        if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) {
          const ref = baseName(rangeVarName(c.pktable));
          if (ref !== table) effects.push(effect(ref, 'table', 'ShareRowExclusiveLock'));
        }
      }
      const like = as(elt, 'TableLikeClause');
      if (like) effects.push(effect(rangeVarName(like.relation), 'table', 'AccessShareLock'));
    }
    return { parts: single(node, 'CREATE TABLE', effects) };
  },

  CreateTableAsStmt(s, ctx, node) {
    const into = s.into?.IntoClause ?? s.into ?? {};
    const name = baseName(rangeVarName(into.rel));
    const matview = s.objtype === 'OBJECT_MATVIEW';
    const effects = [effect(name, matview ? 'matview' : 'table', 'AccessExclusiveLock', { created: true }), ...readLocks(s.query)];
    return { parts: single(node, matview ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS', effects) };
  },

  ViewStmt(s, ctx, node) {
    const view = baseName(rangeVarName(s.view));
    const exists = !!ctx.catalog.relation(view);
    const effects = [effect(view, 'view', 'AccessExclusiveLock', { created: !exists }), ...readLocks(s.query, [view])];
    return { parts: single(node, s.replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW', effects) };
  },

  RefreshMatViewStmt(s, ctx, node) {
    const mv = baseName(rangeVarName(s.relation));
    const base = ctx.catalog.relation(mv)?.dependsOn ?? [];
    const indexes = ctx.catalog.indexesOf(mv);
    if (s.concurrent) {
      const effects = [
        effect(mv, 'matview', 'ExclusiveLock', { scan: true }),
        ...indexes.map((i) => effect(i, 'index', 'RowExclusiveLock', { implied: true })),
        ...base.map((t) => effect(t, 'table', 'AccessShareLock', { scan: true, implied: true })),
      ];
      return { parts: single(node, 'REFRESH MATERIALIZED VIEW CONCURRENTLY', effects, ['recomputes the query and applies the difference; reads of the view continue']) };
    }
    const effects = [
      effect(mv, 'matview', 'AccessExclusiveLock', { rewrite: true, scan: true }),
      ...indexes.map((i) => effect(i, 'index', 'AccessExclusiveLock', { implied: true })),
      ...base.map((t) => effect(t, 'table', 'AccessShareLock', { scan: true, implied: true })),
    ];
    return { parts: single(node, 'REFRESH MATERIALIZED VIEW', effects, ['the view is rebuilt into a new file while ACCESS EXCLUSIVE blocks its readers']) };
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
    const effects: LockEffect[] = [];
    for (const rel of list(s.relations)) {
      const table = baseName(rangeVarName(rel));
      effects.push(effect(table, 'table', 'AccessExclusiveLock', { rewrite: true }), ...rebuiltIndexes(table, ctx));
    }
    return { parts: single(node, 'TRUNCATE', effects, ['TRUNCATE swaps in new, empty files for the table and its indexes']) };
  },

  VacuumStmt(s, ctx, node) {
    const options = list(s.options).map((o) => as(o, 'DefElem')?.defname);
    const full = options.includes('full');
    const analyzeOnly = !s.is_vacuumcmd;
    const effects: LockEffect[] = [];
    for (const rel of list(s.rels)) {
      const table = baseName(rangeVarName(as(rel, 'VacuumRelation')?.relation));
      if (!table) continue;
      if (full) effects.push(effect(table, 'table', 'AccessExclusiveLock', { rewrite: true, scan: true }), ...rebuiltIndexes(table, ctx));
      else effects.push(effect(table, 'table', 'ShareUpdateExclusiveLock', { scan: analyzeOnly ? false : true }));
    }
    const label = analyzeOnly ? 'ANALYZE' : full ? 'VACUUM FULL' : 'VACUUM';
    return {
      parts: single(node, label, effects, full ? ['VACUUM FULL copies the whole table and rebuilds its indexes under ACCESS EXCLUSIVE'] : []),
      transactional: analyzeOnly,
      notes: analyzeOnly ? [] : [`VACUUM ${NON_TRANSACTIONAL_NOTE}`],
    };
  },

  ClusterStmt(s, ctx, node) {
    const table = s.relation ? baseName(rangeVarName(s.relation)) : '';
    const effects = table ? [effect(table, 'table', 'AccessExclusiveLock', { rewrite: true, scan: true }), ...rebuiltIndexes(table, ctx)] : [];
    return { parts: single(node, 'CLUSTER', effects, ['CLUSTER copies the table in index order under ACCESS EXCLUSIVE']), transactional: !!table };
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
    const table =
      s.objtype === 'OBJECT_TABLE' ? parts[parts.length - 1] : s.objtype === 'OBJECT_COLUMN' ? parts[parts.length - 2] : undefined;
    return { parts: single(node, 'COMMENT ON', table ? [effect(table, 'table', 'ShareUpdateExclusiveLock')] : []) };
  },

  GrantStmt(s, ctx, node) {
    // PostgreSQL 16+ locks each table ACCESS SHARE while updating its ACL; older versions take no table lock.
    const tables = s.objtype === 'OBJECT_TABLE' && s.targtype === 'ACL_TARGET_OBJECT' ? list(s.objects).map((o) => rangeVarName(o)) : [];
    const effects = ctx.pgVersion >= 16 ? tables.map((t) => effect(t, 'table', 'AccessShareLock')) : [];
    return { parts: single(node, s.is_grant ? 'GRANT' : 'REVOKE', effects) };
  },

  LockStmt(s, ctx, node) {
    const mode = LOCK_STMT_MODES[Number(s.mode ?? 0)] ?? 'AccessExclusiveLock';
    return { parts: single(node, 'LOCK TABLE', list(s.relations).map((r) => effect(rangeVarName(r), 'table', mode))) };
  },

  InsertStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    return { parts: single(node, 'INSERT', [effect(target, 'table', 'RowExclusiveLock'), ...readLocks(s.selectStmt, [target])]) };
  },

  UpdateStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    const scan = !s.whereClause;
    return {
      parts: single(node, 'UPDATE', [effect(target, 'table', 'RowExclusiveLock', { scan }), ...readLocks({ from: s.fromClause, where: s.whereClause }, [target])], scan ? ['UPDATE without WHERE touches every row'] : []),
    };
  },

  DeleteStmt(s, ctx, node) {
    const target = baseName(rangeVarName(s.relation));
    const scan = !s.whereClause;
    return { parts: single(node, 'DELETE', [effect(target, 'table', 'RowExclusiveLock', { scan }), ...readLocks({ using: s.usingClause, where: s.whereClause }, [target])]) };
  },

  SelectStmt(s, ctx, node) {
    const locking = list(s.lockingClause).length > 0;
    return { parts: single(node, 'SELECT', relationsRead(s).map((r) => effect(r, 'table', locking ? 'RowShareLock' : 'AccessShareLock'))) };
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
    return { parts: single(node, 'SET SCHEMA', target ? [effect(target, 'table', 'AccessExclusiveLock')] : []) };
  },

  AlterSeqStmt(s, ctx, node) {
    return { parts: single(node, 'ALTER SEQUENCE', [effect(rangeVarName(s.sequence), 'sequence', 'ShareRowExclusiveLock')]) };
  },

  CreateSeqStmt(s, ctx, node) {
    return { parts: single(node, 'CREATE SEQUENCE', [effect(rangeVarName(s.sequence), 'sequence', 'AccessExclusiveLock', { created: true })]) };
  },
};

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

