/**
 * ALTER TABLE, one subcommand at a time. The statement's lock is the strongest over its
 * subcommands (PostgreSQL's AlterTableGetLockLevel); rewrites and scans add up.
 */
import { defaultIndexName, objectName } from '../catalog/catalog';
import { AstNode, as, baseName, list, names, rangeVarName, typeInfo, type TypeInfo } from '../parse/ast';
import type { LockMode } from './modes';
import { defaultVolatility, isPlainColumnRef, typeChangeRewrites } from './expressions';
import { foreignKeyValidation } from './queries';
import { mergeEffects } from './merge';
import type { Certainty, LockContext, LockEffect, PartEffect } from './types';

interface SubcommandFacts {
  mode: LockMode;
  rewrite?: Certainty;
  scan?: Certainty;
  reasons?: string[];
  /** Locks on other relations (referenced table, partition, …). */
  others?: LockEffect[];
  label?: string;
}

type Analyzer = (cmd: AstNode, table: string, ctx: LockContext) => SubcommandFacts;

const fixed = (mode: LockMode): Analyzer => () => ({ mode });

/** Lock level per subcommand; functions where the answer depends on the subcommand's details. */
const SUBCOMMANDS: Record<string, Analyzer> = {
  AT_AddColumn: addColumn,
  AT_AddColumnToView: fixed('AccessExclusiveLock'),
  AT_ColumnDefault: fixed('AccessExclusiveLock'),
  AT_CookedColumnDefault: fixed('AccessExclusiveLock'),
  AT_DropNotNull: fixed('AccessExclusiveLock'),
  AT_SetNotNull: setNotNull,
  AT_SetExpression: () => ({ mode: 'AccessExclusiveLock', rewrite: true, scan: true, reasons: ['SET EXPRESSION recomputes the generated column for every row'] }),
  AT_DropExpression: fixed('AccessExclusiveLock'),
  AT_SetStatistics: fixed('ShareUpdateExclusiveLock'),
  AT_SetOptions: fixed('ShareUpdateExclusiveLock'),
  AT_ResetOptions: fixed('ShareUpdateExclusiveLock'),
  AT_SetStorage: fixed('AccessExclusiveLock'),
  AT_SetCompression: fixed('AccessExclusiveLock'),
  AT_DropColumn: (cmd, table, ctx) => ({
    mode: 'AccessExclusiveLock',
    // Indexes on the column (as a key, in an expression or WHERE clause), and the sequence it owns
    // (serial, identity), are dropped with it.
    others: [
      ...ctx.catalog.indexesOnColumn(table, cmd.name).map((i) => indexEffect(i, 'AccessExclusiveLock', { dropped: true, implied: true })),
      // So are its foreign keys, whose triggers on the referenced table are removed under ACCESS EXCLUSIVE.
      ...ctx.catalog
        .constraintsOf(table)
        .filter((fk) => fk.kind === 'foreign' && fk.references && fk.references !== table && fk.columns?.includes(cmd.name))
        .map((fk): LockEffect => ({ object: fk.references!, kind: 'table', mode: 'AccessExclusiveLock', rewrite: false, scan: false, implied: true })),
      ...ctx.catalog
        .sequencesOf(table)
        .filter((q) => ctx.catalog.relation(q)?.column === cmd.name)
        .map((q): LockEffect => ({ object: q, kind: 'sequence', mode: 'AccessExclusiveLock', rewrite: false, scan: false, dropped: true, implied: true })),
    ],
  }),
  AT_AddIndex: fixed('ShareLock'),
  AT_AddConstraint: addConstraint,
  AT_AlterConstraint: fixed('AccessExclusiveLock'),
  AT_ValidateConstraint: validateConstraint,
  AT_AddIndexConstraint: addIndexConstraint,
  AT_DropConstraint: dropConstraint,
  AT_AlterColumnType: alterColumnType,
  AT_AlterColumnGenericOptions: fixed('AccessExclusiveLock'),
  AT_ChangeOwner: (cmd, table, ctx) => ({
    mode: 'AccessExclusiveLock',
    // The table's indexes change owner with it.
    others: ctx.catalog.indexesOf(table).map((i) => indexEffect(i, 'AccessExclusiveLock', { implied: true })),
  }),
  AT_ClusterOn: (cmd) => ({ mode: 'ShareUpdateExclusiveLock', others: [indexEffect(cmd.name, 'ShareUpdateExclusiveLock')] }),
  AT_DropCluster: fixed('ShareUpdateExclusiveLock'),
  AT_SetLogged: rewriting('SET LOGGED copies the table into a WAL-logged file'),
  AT_SetUnLogged: rewriting('SET UNLOGGED copies the table into an unlogged file'),
  AT_SetAccessMethod: (cmd) =>
    // Every table Lockstep knows of uses heap; switching to heap is then a no-op.
    cmd.name === 'heap' || !cmd.name
      ? { mode: 'AccessExclusiveLock', reasons: ['SET ACCESS METHOD heap is a no-op for a heap table; another access method rewrites it'] }
      : { mode: 'AccessExclusiveLock', rewrite: true, scan: true, reasons: [`SET ACCESS METHOD ${cmd.name} rewrites the table`] },
  AT_SetTableSpace: () => ({ mode: 'AccessExclusiveLock', reasons: ['SET TABLESPACE copies the table files to the new tablespace (a no-op when it is already there)'] }),
  AT_SetRelOptions: fixed('ShareUpdateExclusiveLock'),
  AT_ResetRelOptions: fixed('ShareUpdateExclusiveLock'),
  AT_ReplaceRelOptions: fixed('ShareUpdateExclusiveLock'),
  AT_EnableTrig: fixed('ShareRowExclusiveLock'),
  AT_EnableAlwaysTrig: fixed('ShareRowExclusiveLock'),
  AT_EnableReplicaTrig: fixed('ShareRowExclusiveLock'),
  AT_DisableTrig: fixed('ShareRowExclusiveLock'),
  AT_EnableTrigAll: fixed('ShareRowExclusiveLock'),
  AT_DisableTrigAll: fixed('ShareRowExclusiveLock'),
  AT_EnableTrigUser: fixed('ShareRowExclusiveLock'),
  AT_DisableTrigUser: fixed('ShareRowExclusiveLock'),
  AT_EnableRule: fixed('AccessExclusiveLock'),
  AT_EnableAlwaysRule: fixed('AccessExclusiveLock'),
  AT_EnableReplicaRule: fixed('AccessExclusiveLock'),
  AT_DisableRule: fixed('AccessExclusiveLock'),
  AT_AddInherit: fixed('ShareUpdateExclusiveLock'),
  AT_DropInherit: fixed('ShareUpdateExclusiveLock'),
  AT_AddOf: fixed('AccessExclusiveLock'),
  AT_DropOf: fixed('AccessExclusiveLock'),
  AT_ReplicaIdentity: fixed('AccessExclusiveLock'),
  AT_EnableRowSecurity: fixed('AccessExclusiveLock'),
  AT_DisableRowSecurity: fixed('AccessExclusiveLock'),
  AT_ForceRowSecurity: fixed('AccessExclusiveLock'),
  AT_NoForceRowSecurity: fixed('AccessExclusiveLock'),
  AT_GenericOptions: fixed('AccessExclusiveLock'),
  AT_AttachPartition: attachPartition,
  AT_DetachPartition: detachPartition,
  AT_DetachPartitionFinalize: fixed('ShareUpdateExclusiveLock'),
  AT_AddIdentity: fixed('AccessExclusiveLock'),
  AT_SetIdentity: fixed('AccessExclusiveLock'),
  AT_DropIdentity: fixed('AccessExclusiveLock'),
};

export function alterTableParts(stmt: AstNode, ctx: LockContext): PartEffect[] {
  const table = baseName(rangeVarName(stmt.relation));
  return list(stmt.cmds).map((wrapped) => {
    const cmd = as(wrapped, 'AlterTableCmd') ?? {};
    const analyze = SUBCOMMANDS[cmd.subtype] ?? fixed('AccessExclusiveLock');
    const facts = analyze(cmd, table, ctx);
    const rewrite = facts.rewrite ?? false;
    const scan = facts.scan ?? rewrite;
    const effects: LockEffect[] = [{ object: table, kind: 'table', mode: facts.mode, rewrite, scan }];
    if (rewrite !== false) effects.push(...rebuiltIndexes(table, ctx, rewrite));
    effects.push(...(facts.others ?? []));
    return { label: facts.label ?? labelOf(cmd), node: wrapped, action: cmd.subtype ?? 'AT_Unknown', effects: mergeEffects(effects), reasons: facts.reasons ?? [] };
  });
}

/** A rewrite rebuilds every index of the table under ACCESS EXCLUSIVE. */
export function rebuiltIndexes(table: string, ctx: LockContext, rewrite: Certainty = true): LockEffect[] {
  // When the table rewrite is only a "maybe", so is rebuilding (and locking) its indexes.
  return ctx.catalog.indexesOf(table).map((index) => ({
    object: index, kind: 'index' as const, mode: 'AccessExclusiveLock' as const, rewrite, scan: false, implied: true,
  }));
}

function rewriting(reason: string): Analyzer {
  return () => ({ mode: 'AccessExclusiveLock', rewrite: true, scan: true, reasons: [reason] });
}

function addColumn(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const col = as(cmd.def, 'ColumnDef') ?? {};
  const type = typeInfo(col.typeName);
  const constraints = list(col.constraints).map((c) => as(c, 'Constraint') ?? {});
  const label = `ADD COLUMN ${col.colname ?? ''}`.trim();
  // ADD COLUMN IF NOT EXISTS of a column the table has is skipped (a notice): only the table lock remains.
  if (cmd.missing_ok && col.colname && ctx.catalog.column(table, col.colname)) {
    return { mode: 'AccessExclusiveLock', reasons: [`${col.colname} already exists, so IF NOT EXISTS skips it`], label };
  }
  const others: LockEffect[] = [];
  const reasons: string[] = [];
  let rewrite: Certainty = false;
  let scan: Certainty = false;

  const identity = constraints.some((c) => c.contype === 'CONSTR_IDENTITY');
  const generated = constraints.find((c) => c.contype === 'CONSTR_GENERATED');
  const def = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
  if (identity || type.name.startsWith('serial')) {
    rewrite = true;
    reasons.push(`${identity ? 'an identity' : 'a serial'} column fills every existing row from a sequence`);
    others.push({ object: objectName(table, col.colname, 'seq'), kind: 'sequence', mode: 'AccessExclusiveLock', rewrite: false, scan: false, created: true });
  } else if (generated) {
    // STORED generated columns are computed for every row; PG 18's VIRTUAL ones are not.
    const virtual = generated.generated_kind === 'v' || generated.generated_when === 'v';
    if (!virtual) {
      rewrite = true;
      reasons.push('a STORED generated column is computed for every existing row');
    }
  } else if (def) {
    const v = defaultVolatility(def.raw_expr, (fn) => ctx.catalog.functions.get(fn));
    if (ctx.pgVersion < 11) {
      rewrite = true;
      reasons.push('before PostgreSQL 11, ADD COLUMN with any DEFAULT rewrites the table');
    } else if (v.volatile !== false) {
      rewrite = v.volatile;
      reasons.push(
        v.volatile === true
          ? `the default calls the volatile ${v.culprit}, so every existing row gets its own value (PG 11+ only skips the rewrite for non-volatile defaults)`
          : `the default calls ${v.culprit}, whose volatility Lockstep does not know: a volatile default rewrites the table`,
      );
    }
  }
  const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  // PostgreSQL reads the table to prove it has no row the NULL column would break (it fails on the first).
  const verifiesEmpty = notNull && !def && !identity && !generated && rewrite === false;
  if (verifiesEmpty) reasons.push('NOT NULL without a default fails on a table that has rows: PostgreSQL reads the table to check');
  const fk = constraints.find((c) => c.contype === 'CONSTR_FOREIGN');
  if (fk) others.push(referencedTableLock(fk, 'ShareRowExclusiveLock'));
  // Without a default the new column is all NULL and PostgreSQL skips checking the key; any default
  // expression, even DEFAULT NULL (or a serial's, a generated column's), makes it check every row.
  const checksKey = !!fk && !!(def || generated || type.name.startsWith('serial'));
  if (checksKey) {
    // Under DEFAULT NULL no row has a key to look up: the referenced table is opened, never read.
    const allNull = !!def && isNullConstant(def.raw_expr);
    others.push(...foreignKeyValidation(table, referencedTableLock(fk, 'AccessShareLock').object, ctx).map((e) => (allNull && e.object !== table ? { ...e, scan: false } : e)));
    reasons.push('with a DEFAULT (even DEFAULT NULL) the new foreign key is checked against every existing row');
  }
  scan = checksKey ? true : rewrite || verifiesEmpty;
  // A UNIQUE or PRIMARY KEY column builds its index over every existing row, under the same lock.
  const keyed = constraints.find((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
  if (keyed) {
    const primary = keyed.contype === 'CONSTR_PRIMARY';
    others.push(indexEffect(keyed.conname ?? defaultIndexName(table, [col.colname], primary ? 'pkey' : 'key'), 'AccessExclusiveLock', { created: true }));
    if (scan === false) scan = true;
    reasons.push(`the ${primary ? 'PRIMARY KEY' : 'UNIQUE'} index is built over every existing row while ACCESS EXCLUSIVE is held`);
  }
  if (scan === false && constraints.some((c) => c.contype === 'CONSTR_CHECK' && !c.skip_validation)) {
    scan = true;
    reasons.push('its CHECK constraint is verified against every existing row');
  }
  return { mode: 'AccessExclusiveLock', rewrite, scan, reasons, others, label };
}

function setNotNull(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const column = cmd.name as string;
  const proof = ctx.catalog
    .constraintsOf(table)
    .find((c) => c.kind === 'check' && c.validated && c.provesNotNull?.includes(column));
  if (ctx.catalog.column(table, column)?.notNull) {
    return { mode: 'AccessExclusiveLock', reasons: [`${column} is already NOT NULL`], label: `SET NOT NULL ${column}` };
  }
  if (proof && ctx.pgVersion >= 12) {
    return {
      mode: 'AccessExclusiveLock',
      reasons: [`the valid CHECK constraint ${proof.name} already proves ${column} IS NOT NULL, so PostgreSQL 12+ skips the scan`],
      label: `SET NOT NULL ${column}`,
    };
  }
  return {
    mode: 'AccessExclusiveLock',
    scan: true,
    reasons: [
      ctx.pgVersion >= 12
        ? `every row is checked for NULLs while ACCESS EXCLUSIVE is held (no valid CHECK (${column} IS NOT NULL) constraint is known)`
        : 'every row is checked for NULLs while ACCESS EXCLUSIVE is held (before PG 12 even a valid CHECK does not help)',
    ],
    label: `SET NOT NULL ${column}`,
  };
}

function addConstraint(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const con = as(cmd.def, 'Constraint') ?? {};
  const name = con.conname ? ` ${con.conname}` : '';
  const notValid = !!con.skip_validation;
  switch (con.contype) {
    case 'CONSTR_FOREIGN': {
      const referenced = referencedTableLock(con, 'ShareRowExclusiveLock');
      return {
        mode: 'ShareRowExclusiveLock',
        scan: !notValid,
        reasons: notValid ? [] : ['every existing row is checked against the referenced table'],
        others: [referenced, ...(notValid ? [] : foreignKeyValidation(table, referenced.object, ctx))],
        label: `ADD CONSTRAINT${name} FOREIGN KEY${notValid ? ' NOT VALID' : ''}`,
      };
    }
    case 'CONSTR_CHECK':
      return {
        mode: 'AccessExclusiveLock',
        scan: !notValid,
        reasons: notValid ? [] : ['every existing row is checked while ACCESS EXCLUSIVE is held'],
        label: `ADD CONSTRAINT${name} CHECK${notValid ? ' NOT VALID' : ''}`,
      };
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION': {
      const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : con.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'EXCLUDE';
      if (con.indexname) return addIndexConstraint(cmd, table, ctx);
      const keys = names(con.keys);
      const indexName = con.conname ?? defaultIndexName(table, keys, con.contype === 'CONSTR_PRIMARY' ? 'pkey' : con.contype === 'CONSTR_UNIQUE' ? 'key' : 'excl');
      return {
        mode: 'AccessExclusiveLock',
        scan: true,
        reasons: [`building the ${kind} index reads the whole table while ACCESS EXCLUSIVE is held`],
        others: [{ object: indexName, kind: 'index', mode: 'AccessExclusiveLock', rewrite: false, scan: false, created: true }],
        label: `ADD CONSTRAINT${name} ${kind}`,
      };
    }
    case 'CONSTR_NOTNULL': {
      const label = `ADD CONSTRAINT${name} NOT NULL${notValid ? ' NOT VALID' : ''}`;
      const column = names(con.keys)[0];
      // Validating it is SET NOT NULL's scan, skipped in the same cases (already NOT NULL, or a valid CHECK proves it).
      if (notValid || !column) return { mode: 'AccessExclusiveLock', scan: !notValid, label };
      return { ...setNotNull({ name: column }, table, ctx), label };
    }
    default:
      return { mode: 'AccessExclusiveLock', label: `ADD CONSTRAINT${name}` };
  }
}

function addIndexConstraint(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const con = as(cmd.def, 'Constraint') ?? {};
  const index = con.indexname as string | undefined;
  // The index is renamed to the constraint's name under SHARE UPDATE EXCLUSIVE (ACCESS EXCLUSIVE
  // before PostgreSQL 12); when the names are the same it is only opened (ACCESS SHARE).
  const renamed = !!con.conname && con.conname !== index;
  const mode: LockMode = !renamed ? 'AccessShareLock' : ctx.pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
  const others: LockEffect[] = index ? [indexEffect(con.conname ?? index, mode)] : [];
  const primary = con.contype === 'CONSTR_PRIMARY';
  const label = `ADD CONSTRAINT ${con.conname ?? ''} ${primary ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${index ?? ''}`.replace(/\s+/g, ' ').trim();
  if (!primary) return { mode: 'AccessExclusiveLock', others, label };
  // PRIMARY KEY also makes its columns NOT NULL, which reads every row unless they already are.
  const columns = index ? ctx.catalog.relation(index)?.indexColumns : undefined;
  const known = columns?.map((c) => ctx.catalog.column(table, c));
  const nullable = columns?.filter((c, i) => known![i] && !known![i]!.notNull);
  // A column Lockstep has not seen may or may not be NOT NULL already.
  const scan: Certainty = !columns || columns.includes('expr') ? 'maybe' : nullable!.length > 0 ? true : known!.some((k) => !k) ? 'maybe' : false;
  const reasons =
    scan === false
      ? [`its columns (${columns!.join(', ')}) are already NOT NULL, so nothing is scanned`]
      : scan === true
        ? [`PRIMARY KEY USING INDEX sets NOT NULL on ${nullable!.join(', ')}, which reads every row while ACCESS EXCLUSIVE is held`]
        : ['PRIMARY KEY USING INDEX also sets NOT NULL on its columns, which scans unless they are already NOT NULL'];
  return { mode: 'AccessExclusiveLock', scan, others, reasons, label };
}

function validateConstraint(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const con = ctx.catalog.constraint(cmd.name);
  const others: LockEffect[] =
    con?.kind === 'foreign' && con.references
      ? [{ object: con.references, kind: 'table', mode: 'RowShareLock', rewrite: false, scan: false }, ...foreignKeyValidation(table, con.references, ctx)]
      : [];
  return {
    mode: 'ShareUpdateExclusiveLock',
    scan: con ? !con.validated : true,
    reasons: ['every row is checked, but under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue'],
    others,
    label: `VALIDATE CONSTRAINT ${cmd.name}`,
  };
}

function dropConstraint(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const con = ctx.catalog.constraint(cmd.name);
  const others: LockEffect[] = [];
  if (con?.kind === 'foreign' && con.references) {
    others.push({ object: con.references, kind: 'table', mode: 'AccessExclusiveLock', rewrite: false, scan: false });
  }
  if (con && ['primary', 'unique', 'exclude'].includes(con.kind)) {
    others.push({ object: con.name, kind: 'index', mode: 'AccessExclusiveLock', rewrite: false, scan: false, dropped: true });
  }
  return { mode: 'AccessExclusiveLock', others, label: `DROP CONSTRAINT ${cmd.name}` };
}

function alterColumnType(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const def = as(cmd.def, 'ColumnDef') ?? {};
  const to = typeInfo(def.typeName);
  const column = cmd.name as string;
  const label = `ALTER COLUMN ${column} TYPE`;
  const from = ctx.catalog.column(table, column)?.type;
  const using = def.raw_default;
  if (using && !isPlainColumnRef(using, column)) {
    return {
      mode: 'AccessExclusiveLock', rewrite: true, scan: true, reasons: ['a USING expression is evaluated for every row, rewriting the table and its indexes'], label,
      others: [...recreatedIndexes(table, column, true, ctx), ...referencingKeys(table, column, ctx), ...ownForeignKeys(table, column, true, ctx)],
    };
  }
  const verdict = typeChangeRewrites(from, to, ctx);
  // Without a rewrite, an index on the column is still dropped and created again; it keeps its
  // file only when PostgreSQL can prove the old one fits (CheckIndexCompatible), else it is built
  // again, reading the table.
  const rebuilt = verdict.rewrite === false && from ? ctx.catalog.indexesOnColumn(table, column).filter((i) => !indexReusable(i, from, to, ctx)) : [];
  return {
    mode: 'AccessExclusiveLock', rewrite: verdict.rewrite, scan: verdict.rewrite === false ? rebuilt.length > 0 : verdict.rewrite, label,
    reasons: [verdict.reason, ...(rebuilt.length ? [`${rebuilt.join(', ')} cannot keep ${rebuilt.length > 1 ? 'their files' : 'its file'}, so ${rebuilt.length > 1 ? 'they are' : 'it is'} built again, reading the table`] : [])],
    others: [...recreatedIndexes(table, column, verdict.rewrite, ctx), ...referencingKeys(table, column, ctx), ...ownForeignKeys(table, column, verdict.rewrite, ctx)],
  };
}

/** Types whose columns an index reads with the same operator class (PostgreSQL's default for varchar is text_ops, for cidr inet_ops). */
const SAME_OPCLASS: Record<string, string> = { varchar: 'text', text: 'text', cidr: 'inet', inet: 'inet' };

/**
 * PostgreSQL reuses an index across a type change that does not rewrite the table only when it
 * has no expression and no WHERE clause and its operator class stays the same (CheckIndexCompatible):
 * timestamp → timestamptz changes the operator class, so even under UTC the index is built again.
 */
function indexReusable(index: string, from: TypeInfo, to: TypeInfo, ctx: LockContext): boolean {
  const rel = ctx.catalog.relation(index);
  if (!rel || rel.partial || rel.exprColumns?.length || rel.indexColumns?.includes('expr')) return false;
  return from.name === to.name || (SAME_OPCLASS[from.name] !== undefined && SAME_OPCLASS[from.name] === SAME_OPCLASS[to.name]);
}

/**
 * The table's own foreign keys on the retyped column are dropped and added again: dropping one
 * removes its triggers on the referenced table under ACCESS EXCLUSIVE. The re-added key is checked
 * again (both tables read) only when the new type is not binary-compatible, i.e. when the column is rewritten.
 */
function ownForeignKeys(table: string, column: string, rewrite: Certainty, ctx: LockContext): LockEffect[] {
  return ctx.catalog
    .constraintsOf(table)
    .filter((fk) => fk.kind === 'foreign' && fk.references && fk.references !== table && fk.columns?.includes(column))
    .flatMap((fk): LockEffect[] => [
      { object: fk.references!, kind: 'table', mode: 'AccessExclusiveLock', rewrite: false, scan: rewrite, implied: true },
      ...(rewrite === true ? foreignKeyValidation(table, fk.references!, ctx) : []),
    ]);
}

/** Foreign keys that reference the retyped column are re-created and checked again: their tables are ACCESS EXCLUSIVE and read in full. */
function referencingKeys(table: string, column: string, ctx: LockContext): LockEffect[] {
  return ctx.catalog
    .referencesTo(table)
    .filter((fk) => fk.referencedColumns?.includes(column) || (!fk.referencedColumns?.length && ctx.catalog.constraintsOf(table).some((c) => c.kind === 'primary' && c.columns?.includes(column))))
    .map((fk) => ({ object: fk.table, kind: 'table' as const, mode: 'AccessExclusiveLock' as const, rewrite: false, scan: true, implied: true }));
}

/**
 * Indexes on the retyped column (as a key, or inside an expression or WHERE clause) are dropped and
 * created again as new relations, under ACCESS EXCLUSIVE, even when the table is not rewritten;
 * the table's other indexes are only rebuilt by a rewrite.
 */
function recreatedIndexes(table: string, column: string, rewrite: Certainty, ctx: LockContext): LockEffect[] {
  return ctx.catalog.indexesOnColumn(table, column).map((i) => indexEffect(i, 'AccessExclusiveLock', { rewrite, implied: true, recreated: true }));
}

function attachPartition(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const pc = as(cmd.def, 'PartitionCmd') ?? {};
  const partition = baseName(rangeVarName(pc.name));
  const proven = boundProvenByCheck(ctx, table, partition, pc.bound?.PartitionBoundSpec ?? pc.bound);
  return {
    mode: ctx.pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock',
    others: [{ object: partition, kind: 'table', mode: 'AccessExclusiveLock', rewrite: false, scan: !proven }],
    reasons: [
      proven
        ? `the valid CHECK constraint ${proven} on ${partition} already implies the partition bound, so it is not scanned`
        : `${partition} is scanned to prove its rows fit the partition bound (add a matching CHECK constraint first to skip the scan)`,
    ],
    label: `ATTACH PARTITION ${partition}`,
  };
}

/**
 * Does a validated CHECK on the partition state exactly the range bound (`key >= from AND key < to`)?
 * PostgreSQL proves implication more generally; Lockstep recognises the form people write for this.
 */
function boundProvenByCheck(ctx: LockContext, parent: string, partition: string, bound: AstNode | undefined): string | undefined {
  const key = ctx.catalog.relation(parent)?.partitionKey?.[0];
  if (!key || !bound || bound.strategy !== 'r') return undefined;
  const from = constantOf(list(bound.lowerdatums)[0]);
  const to = constantOf(list(bound.upperdatums)[0]);
  for (const check of ctx.catalog.constraintsOf(partition)) {
    if (check.kind !== 'check' || !check.validated) continue;
    const comparisons = comparisonsIn(check.expr);
    const has = (op: string, value: string | undefined) => comparisons.some((c) => c.column === key && c.op === op && c.value === value);
    if (has('>=', from) && has('<', to)) return check.name;
  }
  return undefined;
}

function comparisonsIn(expr: AstNode | undefined): { column: string; op: string; value?: string }[] {
  const bool = as(expr, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return list(bool.args).flatMap(comparisonsIn);
  const cmp = as(expr, 'A_Expr');
  if (!cmp || cmp.kind !== 'AEXPR_OP') return [];
  const column = names(as(cmp.lexpr, 'ColumnRef')?.fields).pop();
  return column ? [{ column, op: names(cmp.name).pop() ?? '', value: constantOf(cmp.rexpr) }] : [];
}

function constantOf(node: AstNode | undefined): string | undefined {
  const c = as(node, 'A_Const') ?? as(as(node, 'TypeCast')?.arg, 'A_Const');
  return c?.sval?.sval ?? (c?.ival ? String(c.ival.ival ?? 0) : undefined);
}

function detachPartition(cmd: AstNode, table: string, ctx: LockContext): SubcommandFacts {
  const pc = as(cmd.def, 'PartitionCmd') ?? {};
  const partition = baseName(rangeVarName(pc.name));
  // CONCURRENTLY only weakens the lock on the parent; the partition itself is still ACCESS EXCLUSIVE.
  const mode: LockMode = pc.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
  // Before PostgreSQL 14 a plain DETACH took only SHARE UPDATE EXCLUSIVE on the partition.
  const partitionMode: LockMode = ctx.pgVersion >= 14 || pc.concurrent ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock';
  return {
    mode,
    others: [{ object: partition, kind: 'table', mode: partitionMode, rewrite: false, scan: false }],
    label: `DETACH PARTITION ${partition}${pc.concurrent ? ' CONCURRENTLY' : ''}`,
  };
}

function indexEffect(index: string, mode: LockMode, extra: Partial<LockEffect> = {}): LockEffect {
  return { object: index, kind: 'index', mode, rewrite: false, scan: false, ...extra };
}

/** `NULL`, `NULL::uuid`. */
function isNullConstant(expr: AstNode | undefined): boolean {
  const value = as(expr, 'TypeCast')?.arg ?? expr;
  return !!as(value, 'A_Const')?.isnull;
}

function referencedTableLock(con: AstNode, mode: LockMode): LockEffect {
  return { object: baseName(rangeVarName(con.pktable)), kind: 'table', mode, rewrite: false, scan: false };
}

const LABELS: Record<string, string> = {
  AT_ColumnDefault: 'SET/DROP DEFAULT',
  AT_DropNotNull: 'DROP NOT NULL',
  AT_DropColumn: 'DROP COLUMN',
  AT_SetStatistics: 'SET STATISTICS',
  AT_SetRelOptions: 'SET (storage parameters)',
  AT_ResetRelOptions: 'RESET (storage parameters)',
  AT_ChangeOwner: 'OWNER TO',
  AT_ClusterOn: 'CLUSTER ON',
  AT_SetLogged: 'SET LOGGED',
  AT_SetUnLogged: 'SET UNLOGGED',
  AT_SetTableSpace: 'SET TABLESPACE',
  AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
  AT_ReplicaIdentity: 'REPLICA IDENTITY',
};

function labelOf(cmd: AstNode): string {
  const base = LABELS[cmd.subtype] ?? String(cmd.subtype ?? 'ALTER').replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return cmd.name ? `${base} ${cmd.name}` : base;
}
