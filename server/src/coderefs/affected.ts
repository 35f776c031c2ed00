/**
 * Which code references a contract statement breaks, and why, in words: the evidence the
 * `still-referenced` rule, `lockstep refs`, PLAN.md and split show.
 */
import type { Contract } from './contract';
import type { ReferenceLookup } from './index';
import type { CodeReference } from './types';

export interface Affected {
  ref: CodeReference;
  why: string;
}

const MODEL_LABEL: Record<string, string> = {
  prisma: 'Prisma model',
  drizzle: 'Drizzle table',
  typeorm: 'TypeORM entity',
  sequelize: 'Sequelize model',
  kysely: 'Kysely table type',
  sqlalchemy: 'SQLAlchemy model',
  django: 'Django model',
  'active-record': 'ActiveRecord model',
};

/** One reference in words, e.g. `reads users.username`, `reads every column of users (SELECT *)`. */
export function describeReference(r: CodeReference): string {
  const model = MODEL_LABEL[r.source];
  if (r.everyColumn) {
    if (r.access === 'map') return `${model ?? 'model'} loads and writes every column of ${r.table}`;
    if (r.access === 'write') return `writes every column of ${r.table} (INSERT without a column list)`;
    return `reads every column of ${r.table} (SELECT *)`;
  }
  if (r.column === undefined) {
    if (model) return `${model} of ${r.table}`;
    return `${r.access === 'write' ? 'writes' : 'uses'} ${r.table}`;
  }
  if (model) return `${model} maps ${r.table}.${r.column}`;
  return `${r.access === 'write' ? 'writes' : 'reads'} ${r.table}.${r.column}`;
}

const writes = (r: CodeReference) => r.access === 'write' || r.access === 'map';

export function affectedBy(c: Contract, code: ReferenceLookup): Affected[] {
  const plain = (refs: CodeReference[]) => refs.map((ref) => ({ ref, why: describeReference(ref) }));
  switch (c.kind) {
    case 'drop-table':
    case 'rename-table':
      return plain(code.lookup(c.table).references);
    case 'drop-column':
    case 'rename-column':
    case 'type-change':
      return plain(code.lookup(c.table, c.column).references);
    case 'set-not-null':
    case 'required-column': {
      const col = c.column!;
      const out: Affected[] = [];
      for (const ref of code.lookup(c.table).references) {
        if (ref.writesColumns && !ref.writesColumns.includes(col)) out.push({ ref, why: `${describeReference(ref)}: writes rows without ${col}` });
        else if (c.kind === 'set-not-null' && ref.column === col && writes(ref)) out.push({ ref, why: `${describeReference(ref)}: must never write NULL` });
        else if (ref.everyColumn && writes(ref) && !ref.exceptColumns?.includes(col)) {
          const deployed = ref.access === 'map' && c.kind === 'required-column' ? ` (the deployed version does not know ${col})` : '';
          out.push({ ref, why: `${describeReference(ref)}${deployed}` });
        }
      }
      return out;
    }
    case 'check':
    case 'foreign-key': {
      const cols = c.columns ?? [];
      return code
        .lookup(c.table)
        .references.filter((ref) => writes(ref) && ((ref.column !== undefined && cols.includes(ref.column)) || (ref.everyColumn && ref.access === 'write')))
        .map((ref) => ({ ref, why: `${describeReference(ref)}: a value it writes must pass the new ${c.kind === 'check' ? 'CHECK' : 'FOREIGN KEY'}` }));
    }
  }
}

/** `users.username` or `users`, for messages. */
export function contractTarget(c: Contract): string {
  if (c.column) return `${c.table}.${c.column}`;
  if (c.columns?.length) return `${c.table}.${c.columns.length === 1 ? c.columns[0] : `(${c.columns.join(', ')})`}`;
  return c.table;
}
