/**
 * Applies generated migrations the way each runner does, so the proof exercises the files as
 * written: psql (plain, Sqitch) sends statement by statement; Flyway wraps a script in one
 * transaction unless its .conf says executeInTransaction=false; golang-migrate sends the whole
 * file as one query; goose splits at `;` line ends (StatementBegin/End blocks whole) and wraps
 * unless NO TRANSACTION; dbmate sends each section as one query, in a transaction unless
 * transaction:false; Diesel batch-executes the file, in a transaction unless metadata.toml says not;
 * Prisma (before 7.4) sends migration.sql as one query; Drizzle's migrator sends each piece between
 * `--> statement-breakpoint` inside its transaction (real tools: sqlFrameworkScaffold.test.ts).
 */
import type pg from 'pg';
import type { RunnerId } from '../../../server/src/config/types';
import { splitSql } from '../../../server/src/parse/split';
import type { GeneratedFile, WrittenMigration } from '../../../server/src/scaffold/runners/writers';

export interface ExecStats {
  /** Migration attempts that failed with lock_timeout and were retried (the plan says: retry). */
  lockTimeoutRetries: number;
  notices: string[];
}

type Direction = 'up' | 'down';

function fileText(files: GeneratedFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no generated file ${path}`);
  return f.content;
}

/** psql: every statement on its own (explicit BEGIN/COMMIT in the file group them). */
function psqlStatements(text: string): string[] {
  return splitSql(text)
    .chunks.filter((c) => c.kind === 'sql')
    .map((c) => c.text);
}

/** goose's parser: a statement ends at a line ending in `;`, except inside StatementBegin/End. */
function gooseSection(text: string, direction: Direction): { statements: string[]; noTransaction: boolean } {
  const noTransaction = /^--\s*\+goose\s+NO TRANSACTION\s*$/im.test(text);
  const statements: string[] = [];
  let section: Direction | undefined;
  let buffer: string[] = [];
  let block = false;
  for (const line of text.split('\n')) {
    const marker = /^--\s*\+goose\s+(.*?)\s*$/i.exec(line)?.[1]?.toLowerCase();
    if (marker === 'up' || marker === 'down') {
      section = marker;
      buffer = [];
      continue;
    }
    if (section !== direction) continue;
    if (marker === 'statementbegin') {
      block = true;
      continue;
    }
    if (marker === 'statementend') {
      block = false;
      statements.push(buffer.join('\n'));
      buffer = [];
      continue;
    }
    buffer.push(line);
    if (!block && /;\s*$/.test(line) && !/^\s*--/.test(line)) {
      statements.push(buffer.join('\n'));
      buffer = [];
    }
  }
  return { statements: statements.filter((s) => s.replace(/--.*$/gm, '').trim()), noTransaction };
}

function dbmateSection(text: string, direction: Direction): { sql: string; transaction: boolean } {
  const parts = text.split(/^(--\s*migrate:(?:up|down).*)$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const m = /^--\s*migrate:(up|down)(.*)$/.exec(parts[i])!;
    if (m[1] === direction) return { sql: parts[i + 1], transaction: !/transaction:false/.test(m[2]) };
  }
  throw new Error(`dbmate file has no ${direction} section`);
}

async function inTransaction(client: pg.Client, run: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await run();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function execute(client: pg.Client, runner: RunnerId, files: GeneratedFile[], m: WrittenMigration, direction: Direction): Promise<void> {
  const path = direction === 'up' ? m.upPath : m.downPath;
  const text = fileText(files, path);
  // Prisma and Drizzle keep no down migrations: the rollbacks are psql scripts, and so are the steps Drizzle cannot run.
  const psql = runner === 'plain' || runner === 'sqitch' || (runner === 'prisma' && direction === 'down') || (runner === 'drizzle' && (direction === 'down' || m.drizzleRelease === undefined));
  switch (psql ? 'plain' : runner) {
    case 'prisma':
      // Prisma before 7.4 sends migration.sql as one query (the stricter of its two models).
      await client.query(text);
      return;
    case 'drizzle':
      // Drizzle's migrator: the pieces between breakpoints, each a query, inside its transaction.
      await inTransaction(client, async () => { for (const piece of text.split('--> statement-breakpoint')) await client.query(piece); });
      return;
    case 'plain':
      try {
        for (const s of psqlStatements(text)) await client.query(s);
      } catch (err) {
        // psql stops at the error (ON_ERROR_STOP) and its session, with the open transaction, ends.
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return;
    case 'flyway': {
      const conf = files.find((f) => f.path === `${path}.conf`)?.content ?? '';
      const statements = psqlStatements(text);
      if (/executeInTransaction\s*=\s*false/.test(conf)) for (const s of statements) await client.query(s);
      else await inTransaction(client, async () => { for (const s of statements) await client.query(s); });
      return;
    }
    case 'golang-migrate':
      await client.query(text);
      return;
    case 'goose': {
      const { statements, noTransaction } = gooseSection(text, direction);
      if (noTransaction) for (const s of statements) await client.query(s);
      else await inTransaction(client, async () => { for (const s of statements) await client.query(s); });
      return;
    }
    case 'dbmate': {
      const { sql, transaction } = dbmateSection(text, direction);
      if (transaction) await inTransaction(client, async () => void (await client.query(sql)));
      else await client.query(sql);
      return;
    }
    case 'diesel': {
      const folder = path.slice(0, path.lastIndexOf('/'));
      const meta = files.find((f) => f.path === `${folder}/metadata.toml`)?.content ?? '';
      if (/run_in_transaction\s*=\s*false/.test(meta)) await client.query(text);
      else await inTransaction(client, async () => void (await client.query(text)));
      return;
    }
  }
}

/** Apply one migration; a lock_timeout failure is retried (what PLAN.md tells a human to do). */
export async function applyMigration(
  client: pg.Client,
  runner: RunnerId,
  files: GeneratedFile[],
  m: WrittenMigration,
  direction: Direction,
  stats: ExecStats,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await execute(client, runner, files, m, direction);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '55P03' && attempt < 5) {
        stats.lockTimeoutRetries++;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const e = err as Error;
      e.message = `${runner} ${direction} ${direction === 'up' ? m.upPath : m.downPath}: ${e.message}`;
      throw e;
    }
  }
}
