/**
 * Dependents from the workspace's earlier migrations replayed into embedded PostgreSQL (PGlite,
 * PostgreSQL 18 in WASM): the same catalog queries as for a connected database, so foreign keys,
 * defaults and indexes are exactly what PostgreSQL makes of the DDL. Starting PGlite takes seconds,
 * so only the CLI uses it (for change-primary-key); the editor replays with Lockstep's catalog.
 */
import type { LockstepConfig } from '../config/types';
import { setupStatements } from '../trace/plan';
import { schemaFromDatabase } from './dbSchema';
import type { SchemaInfo } from './schema';

interface PgliteLike {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

export async function schemaFromPglite(files: Array<{ path: string; text: string }>, config: LockstepConfig): Promise<{ schema: SchemaInfo; failed: number }> {
  // require(), not import: PGlite's CommonJS build finds its WASM next to the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as { PGlite: new () => PgliteLike };
  const db = new PGlite();
  let failed = 0;
  try {
    for (const sql of setupStatements(files, config)) {
      try {
        await db.exec(sql);
      } catch {
        failed++;
      }
    }
    const schema = await schemaFromDatabase({ query: (sql, params) => db.query(sql, params) });
    return { schema: { ...schema, source: 'pglite' }, failed };
  } finally {
    await db.close().catch(() => undefined);
  }
}
