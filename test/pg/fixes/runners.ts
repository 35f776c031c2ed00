/**
 * Applies migration files to real PostgreSQL the way each runner does, written from the runners'
 * documented behaviour (not from Lockstep's runner model, which these tests check):
 * - psql / plain and Sqitch: statement by statement, autocommit (BEGIN/COMMIT in the file pass through);
 * - goose: the Up section, statement by statement (split at lines ending in `;`, or fenced by
 *   StatementBegin/End), in one transaction unless `-- +goose NO TRANSACTION`;
 * - dbmate: the migrate:up section as one query string, in a transaction unless `transaction:false`;
 * - golang-migrate: the whole .up.sql file as one query string (several statements: one implicit transaction);
 * - Flyway: statement by statement, in one transaction unless every statement must run outside one,
 *   or the script's .conf says executeInTransaction=false;
 * - Diesel: up.sql as one query string, in a transaction unless metadata.toml says run_in_transaction = false.
 */
import type pg from 'pg';
import { splitSql } from '../../../server/src/parse/split';
import type { RunnerId } from '../../../server/src/config/types';
import type { NewFile } from '../../../server/src/fixes/types';

/** One migration: its up file, and companions (down file, .conf, metadata.toml) by path. */
export interface Migration {
  path: string;
  text: string;
  companions?: NewFile[];
}

function psqlStatements(text: string): string[] {
  return splitSql(text)
    .chunks.filter((c) => c.kind === 'sql')
    .map((c) => c.text);
}

async function inTransaction(client: pg.Client, run: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await run();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function each(client: pg.Client, statements: string[]): Promise<void> {
  for (const sql of statements) await client.query(sql);
}

/** goose's Up section, split the way goose splits it. */
function gooseUp(text: string): { statements: string[]; noTransaction: boolean } {
  const lines = text.split(/\r?\n/);
  const noTransaction = lines.some((l) => /^--\s*\+goose\s+NO\s+TRANSACTION\b/i.test(l));
  const statements: string[] = [];
  let section: 'none' | 'up' | 'down' = 'none';
  let fenced = false;
  let buffer: string[] = [];
  for (const line of lines) {
    const marker = /^--\s*\+goose\s+(\w+)/i.exec(line)?.[1]?.toLowerCase();
    if (marker === 'up') section = 'up';
    else if (marker === 'down') section = 'down';
    if (marker === 'statementbegin') fenced = true;
    if (marker === 'statementend') {
      fenced = false;
      if (section === 'up') statements.push(buffer.join('\n'));
      buffer = [];
      continue;
    }
    if (marker || section !== 'up') continue;
    buffer.push(line);
    if (!fenced && /;\s*$/.test(line)) {
      statements.push(buffer.join('\n'));
      buffer = [];
    }
  }
  return { statements: statements.filter((s) => s.replace(/--.*$/gm, '').trim()), noTransaction };
}

function dbmateUp(text: string): { sql: string; transaction: boolean } {
  const up = /^--\s*migrate:up\b(.*)$/m.exec(text);
  if (!up) throw new Error('no -- migrate:up');
  const rest = text.slice(up.index + up[0].length);
  const down = /^--\s*migrate:down\b/m.exec(rest);
  return { sql: down ? rest.slice(0, down.index) : rest, transaction: !/\btransaction:false\b/i.test(up[1]) };
}

/** What Flyway's parser treats as non-transactional, from its docs: CONCURRENTLY index work, VACUUM, … */
function flywayNonTransactional(sql: string): boolean {
  return /\bCONCURRENTLY\b/i.test(sql) || /^\s*(VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM)\b/i.test(sql);
}

export async function applyMigration(client: pg.Client, runner: RunnerId, migration: Migration): Promise<void> {
  const companion = (suffix: string) => migration.companions?.find((c) => c.path.endsWith(suffix))?.text ?? '';
  switch (runner) {
    case 'goose': {
      const { statements, noTransaction } = gooseUp(migration.text);
      return noTransaction ? each(client, statements) : inTransaction(client, () => each(client, statements));
    }
    case 'dbmate': {
      const { sql, transaction } = dbmateUp(migration.text);
      return transaction ? inTransaction(client, () => client.query(sql).then(() => undefined)) : client.query(sql).then(() => undefined);
    }
    case 'golang-migrate':
      await client.query(migration.text);
      return;
    case 'diesel': {
      const outside = /run_in_transaction\s*=\s*false/.test(companion('metadata.toml'));
      return outside ? client.query(migration.text).then(() => undefined) : inTransaction(client, () => client.query(migration.text).then(() => undefined));
    }
    case 'flyway': {
      const statements = psqlStatements(migration.text);
      const outside = /executeInTransaction\s*=\s*false/.test(companion('.sql.conf')) || statements.every(flywayNonTransactional);
      return outside ? each(client, statements) : inTransaction(client, () => each(client, statements));
    }
    default:
      return each(client, psqlStatements(migration.text));
  }
}

export async function applyAll(client: pg.Client, runner: RunnerId, migrations: readonly Migration[]): Promise<void> {
  for (const m of migrations) {
    try {
      await applyMigration(client, runner, m);
    } catch (error) {
      throw new Error(`${m.path} failed: ${error instanceof Error ? error.message : String(error)}\n--- ${m.path}\n${m.text}`);
    }
  }
}
