/**
 * Indexes the database already has that change what a migration does: an INVALID index (left by a
 * failed or cancelled CONCURRENTLY build) on a table the migration touches, and a `CREATE INDEX …
 * IF NOT EXISTS` whose name is taken, which PostgreSQL skips (keeping the old index, INVALID or not).
 */
import type { StatementInfo } from '../document/model';
import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import type { IndexFacts, RelationFacts } from './snapshot';

/** The existing index a `CREATE INDEX … IF NOT EXISTS` would skip to, with its table; undefined when it builds. */
export function skippedBuild(stmt: StatementInfo, relations: Record<string, RelationFacts>): { table: string; index: IndexFacts } | undefined {
  if (kindOf(stmt.ast) !== 'IndexStmt') return undefined;
  const s = inner(stmt.ast);
  if (!s.if_not_exists || !s.idxname) return undefined;
  const table = baseName(rangeVarName(s.relation));
  const index = relations[table]?.indexes.find((i) => i.name === s.idxname);
  return index && { table, index };
}

/** The statement note for a skipped build. */
export function skippedBuildNote({ table, index }: { table: string; index: IndexFacts }): string {
  return index.valid
    ? `${table} already has an index named ${index.name}: IF NOT EXISTS skips the build (only its brief lock is taken).`
    : `${table} already has an INVALID index named ${index.name} (a failed or cancelled earlier build): IF NOT EXISTS skips the build and the index stays INVALID, ` +
        `so queries never use it. Drop it first (DROP INDEX CONCURRENTLY IF EXISTS ${index.name}), then build it without IF NOT EXISTS.`;
}

/** A report note per INVALID index on the relations the migration touches. */
export function invalidIndexNotes(relations: Record<string, RelationFacts>): string[] {
  const notes: string[] = [];
  for (const r of Object.values(relations)) {
    for (const i of r.indexes.filter((x) => !x.valid)) {
      notes.push(
        `${r.name} has an INVALID index ${i.name} (a failed or cancelled CREATE INDEX CONCURRENTLY or REINDEX leaves one): ` +
          `queries do not use it, yet every write to ${r.name} maintains it. Drop it with DROP INDEX CONCURRENTLY and build it again.`,
      );
    }
  }
  return notes;
}
