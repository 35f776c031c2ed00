/**
 * Reads, through the read-only session, everything the estimate needs about the relations a
 * migration touches. Catalog and statistics reads take no relation lock. The two things that open
 * a relation (ACCESS SHARE, for an instant) — measuring sizes, printing index and CHECK definitions —
 * are skipped for any relation on which another session holds or awaits ACCESS EXCLUSIVE (sizes
 * then come from relpages), so the estimator never queues behind a migration or in front of one.
 */
import { DatabaseError } from './errors';
import { foreignKeyOf, indexOf, KINDS, locksByRelation, num, rowsOf, sessionOf, str, type Row } from './rows';
import { schemaSqlOf, type SchemaRows } from './schemaDdl';
import type { ReadOnlySession } from './session';
import { fillSizes } from './sizes';
import type { DatabaseSnapshot, RelationFacts } from './snapshot';
import { describeTarget } from './target';

export interface GatherOptions {
  /** Transactions open longer than this are reported (default 60 s). */
  longTransactionSeconds?: number;
  /** Stop between queries when aborted (the editor's Cancel button). */
  signal?: AbortSignal;
  /** At most this many relations get measured sizes; the rest use statistics. */
  maxSizeQueries?: number;
}

const TABLE_LIKE = new Set(['r', 'p', 'm', 'f']);

export async function gatherSnapshot(session: ReadOnlySession, names: string[], options: GatherOptions = {}): Promise<DatabaseSnapshot> {
  const started = Date.now();
  const blockSize = session.server.blockSize || 8192;
  const step = () => {
    if (options.signal?.aborted) throw new DatabaseError('cancelled', 'The estimate was cancelled.');
  };
  const wanted = [...new Set(names.filter((n) => n && !n.startsWith('the table of ')))];
  const longSeconds = options.longTransactionSeconds ?? 60;

  step();
  const found = await session.run('relations', [wanted, []]);
  const picked = pickVisible(found);
  // An index named in the migration (DROP INDEX, REINDEX) brings its table along.
  const indexTables = [...picked.values()].map((r) => num(r.index_table_oid)).filter((oid) => oid && ![...picked.values()].some((r) => num(r.oid) === oid));
  if (indexTables.length) {
    step();
    for (const row of await session.run('relations', [[], indexTables])) if (!picked.has(str(row.name))) picked.set(str(row.name), row);
  }
  const byOid = new Map([...picked.values()].map((r) => [num(r.oid), r]));
  const tableOids = [...picked.values()].filter((r) => TABLE_LIKE.has(str(r.kind))).map((r) => num(r.oid));
  const partitionedOids = [...picked.values()].filter((r) => r.kind === 'p').map((r) => num(r.oid));

  step();
  const partitions = partitionedOids.length ? await session.run('partitions', [partitionedOids]) : [];
  const lockOids = [...byOid.keys(), ...partitions.map((p) => num(p.oid))];
  step();
  const lockRows = lockOids.length ? await session.run('locks', [lockOids]) : [];
  // Printing an index or a CHECK opens its table: only where no one holds or awaits ACCESS EXCLUSIVE.
  const exclusive = new Set(lockRows.filter((l) => l.mode === 'AccessExclusiveLock').map((l) => num(l.oid)));
  const safe = tableOids.filter((oid) => !exclusive.has(oid));
  step();
  const [columns, indexes, constraints, triggers, partitionKeys] = tableOids.length
    ? [
        await session.run('columns', [tableOids]),
        await printed(session, 'indexes', tableOids, safe),
        await printed(session, 'constraints', tableOids, safe),
        await session.run('triggers', [tableOids]),
        partitionedOids.length ? await session.run('partitionKeys', [partitionedOids]) : [],
      ]
    : [[], [], [], [], []];
  step();
  const longTransactions = (await session.run('longTransactions', [longSeconds])).map(sessionOf);
  const prepared = await session.run('preparedTransactions');

  const rootOf = new Map(partitions.map((p) => [num(p.oid), num(p.root)]));
  const locksOn = locksByRelation(lockRows, rootOf);

  const relations: Record<string, RelationFacts> = {};
  let sizeBudget = options.maxSizeQueries ?? 200;
  for (const [name, row] of picked) {
    step();
    const oid = num(row.oid);
    const myPartitions = partitions.filter((p) => num(p.root) === oid && p.kind !== 'p');
    const myIndexes = indexes.filter((i) => num(i.table_oid) === oid);
    const facts: RelationFacts = {
      name,
      schema: str(row.schema),
      kind: KINDS[str(row.kind)] ?? 'table',
      rows: rowsOf(row, myPartitions),
      heapBytes: 0,
      toastBytes: 0,
      indexBytes: 0,
      totalBytes: 0,
      sizeSource: 'statistics',
      partitions: myPartitions.length,
      table: row.index_table_oid ? str(byOid.get(num(row.index_table_oid))?.name) || undefined : undefined,
      indexes: myIndexes.map((i) => indexOf(i, blockSize)),
      foreignKeysOut: constraints.filter((k) => k.type === 'f' && num(k.table_oid) === oid).map(foreignKeyOf),
      foreignKeysIn: constraints.filter((k) => k.type === 'f' && num(k.referenced_oid) === oid).map(foreignKeyOf),
      triggers: triggers.filter((t) => num(t.table_oid) === oid).map((t) => ({ name: str(t.name), enabled: t.enabled === true })),
      locks: locksOn.get(oid) ?? [],
      lastVacuum: row.last_vacuum ? new Date(String(row.last_vacuum)).toISOString() : null,
      lastAnalyze: row.last_analyze ? new Date(String(row.last_analyze)).toISOString() : null,
      sameNameElsewhere: found.filter((f) => f.name === name && num(f.oid) !== oid).map((f) => `${str(f.schema)}.${name}`),
    };
    sizeBudget -= await fillSizes(facts, { session, row, partitions: myPartitions, indexes: myIndexes, blockSize, measure: sizeBudget > 0 });
    relations[name] = facts;
  }

  const schemaRows: SchemaRows = { relations: [...picked.values()], partitions, columns, indexes, constraints, partitionKeys };
  return {
    target: describeTarget(session.target),
    server: {
      version: session.server.version,
      versionNum: session.server.versionNum,
      major: session.server.major,
      database: session.server.database,
      user: session.server.user,
      inRecovery: session.server.inRecovery,
    },
    takenAt: new Date().toISOString(),
    gatherMs: Date.now() - started,
    relations,
    missing: wanted.filter((n) => !picked.has(n)),
    longTransactions,
    longTransactionSeconds: longSeconds,
    preparedTransactions: prepared.map((p) => ({ gid: str(p.gid), owner: str(p.owner), database: str(p.database), ageSeconds: num(p.age_s) })),
    schemaSql: schemaSqlOf(schemaRows),
  };
}

/**
 * Indexes or constraints with their printed definitions for `safe` tables. If someone takes
 * ACCESS EXCLUSIVE in between, the printer hits lock_timeout: then read them again unprinted.
 */
async function printed(session: ReadOnlySession, name: 'indexes' | 'constraints', tables: number[], safe: number[]): Promise<Row[]> {
  try {
    return await session.run(name, [tables, safe]);
  } catch (error) {
    if (!(error instanceof DatabaseError) || error.kind !== 'busy') throw error;
    return session.run(name, [tables, []]);
  }
}

/** One row per name: the relation on the search_path, else the first schema alphabetically. */
function pickVisible(rows: Row[]): Map<string, Row> {
  const picked = new Map<string, Row>();
  for (const row of rows) if (!picked.has(str(row.name))) picked.set(str(row.name), row);
  return picked;
}
