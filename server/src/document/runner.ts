/**
 * Migration runners: how to recognise each one, and how it wraps a migration in a transaction.
 * The transaction wrapping decides whether CONCURRENTLY statements can run at all.
 */
import type { RunnerId, TransactionMode } from '../config/types';
import type { RunnerMarker } from '../parse/split';
import { NO_FACTS, type ProjectFacts } from './projectFacts';

export interface RunnerFacts {
  id: RunnerId;
  label: string;
  /** How the runner treats one migration file (or one up/down section) with no explicit BEGIN. */
  transaction: 'per-file' | 'implicit-if-multiple' | 'none';
  /** How a user opts one migration out of the transaction, in words. */
  optOut: string;
}

export const RUNNERS: Record<RunnerId, RunnerFacts> = {
  plain: { id: 'plain', label: 'plain SQL', transaction: 'none', optOut: 'run the statement on its own (psql autocommit)' },
  flyway: {
    id: 'flyway', label: 'Flyway', transaction: 'per-file',
    optOut: 'put it in its own migration (Flyway runs a script of only non-transactional statements outside a transaction) or set executeInTransaction=false in the script config',
  },
  'golang-migrate': {
    id: 'golang-migrate', label: 'golang-migrate', transaction: 'implicit-if-multiple',
    optOut: 'put it alone in its own migration file (a multi-statement file runs as one implicit transaction)',
  },
  goose: { id: 'goose', label: 'goose', transaction: 'per-file', optOut: 'add `-- +goose NO TRANSACTION` at the top of the file' },
  dbmate: { id: 'dbmate', label: 'dbmate', transaction: 'per-file', optOut: 'use `-- migrate:up transaction:false`, with this statement alone in the section' },
  sqitch: { id: 'sqitch', label: 'Sqitch', transaction: 'none', optOut: 'keep it outside the BEGIN/COMMIT of the deploy script' },
  diesel: {
    id: 'diesel', label: 'Diesel', transaction: 'per-file',
    optOut: 'put it alone in its own migration with `run_in_transaction = false` in metadata.toml',
  },
  prisma: {
    id: 'prisma', label: 'Prisma Migrate', transaction: 'implicit-if-multiple',
    optOut: 'put it alone in a new migration folder (Prisma before 7.4 sends migration.sql as one query, so several statements share one implicit transaction)',
  },
  drizzle: {
    id: 'drizzle', label: 'Drizzle Kit', transaction: 'per-file',
    optOut: 'run it outside the Drizzle migrator (it applies every pending migration inside one transaction and has no per-migration opt-out)',
  },
  supabase: {
    id: 'supabase', label: 'Supabase CLI', transaction: 'per-file',
    optOut: 'run it outside `supabase db push` / `migration up` (the CLI runs each migration file in its own transaction)',
  },
  'postgres-migrations': {
    id: 'postgres-migrations', label: 'postgres-migrations', transaction: 'per-file',
    optOut: 'put it alone in its own migration file with `-- postgres-migrations disable-transaction`',
  },
  'graphile-migrate': {
    id: 'graphile-migrate', label: 'graphile-migrate', transaction: 'per-file',
    optOut: 'put it alone in its own migration with `--! no-transaction` as its first line',
  },
  atlas: { id: 'atlas', label: 'Atlas', transaction: 'per-file', optOut: 'add `-- atlas:txmode none` (followed by a blank line) at the top of the file' },
  liquibase: {
    id: 'liquibase', label: 'Liquibase', transaction: 'per-file',
    optOut: 'put it in its own changeset with `runInTransaction:false`',
  },
  sqlx: { id: 'sqlx', label: 'sqlx', transaction: 'per-file', optOut: 'put it alone in its own migration whose first line is `-- no-transaction`' },
};

const FLYWAY_NAME = /^(V\d+(?:[._]\d+)*|U\d+(?:[._]\d+)*|R)__.+\.sql$/i;
const GOLANG_MIGRATE_NAME = /^\d+_.+\.(up|down)\.sql$/i;
const PRISMA_PATH = /(^|\/)migrations\/[^/]+\/migration\.sql$/i;
const SUPABASE_PATH = /(^|\/)supabase\/migrations\/[^/]+\.sql$/i;
const GRAPHILE_PATH = /(^|\/)migrations\/(current\.sql|current\/[^/]+\.sql|committed\/\d+[^/]*\.sql)$/i;
const NUMBERED_SQL = /^\d+[-_.]?[^/]*\.sql$/i;

/** Detect the runner from config, markers in the text, then the file's name, folder and project. */
export function detectRunner(path: string | undefined, markers: readonly RunnerMarker[], configured: RunnerId | 'auto', facts: ProjectFacts = NO_FACTS): RunnerId {
  if (configured !== 'auto') return configured;
  const marked = (runner: RunnerMarker['runner']) => markers.some((m) => m.runner === runner);
  if (marked('goose')) return 'goose';
  if (marked('dbmate')) return 'dbmate';
  if (marked('liquibase')) return 'liquibase';
  if (marked('graphile-migrate')) return 'graphile-migrate';
  if (marked('atlas')) return 'atlas';
  if (marked('drizzle')) return 'drizzle';
  if (marked('postgres-migrations')) return 'postgres-migrations';
  if (!path) return marked('sqlx') ? 'sqlx' : 'plain';
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1);
  if (FLYWAY_NAME.test(base)) return 'flyway';
  if (PRISMA_PATH.test(normalized)) return 'prisma';
  if (SUPABASE_PATH.test(normalized)) return 'supabase';
  if (GRAPHILE_PATH.test(normalized) && (facts.graphileConfig || /\/committed\//.test(normalized) || facts.tools.includes('graphile-migrate'))) return 'graphile-migrate';
  if (facts.drizzleJournal) return 'drizzle';
  if (facts.atlasSum) return 'atlas';
  if (marked('sqlx') || (facts.tools.includes('sqlx') && /^\d+_.+\.sql$/i.test(base))) return 'sqlx';
  if (GOLANG_MIGRATE_NAME.test(base)) return 'golang-migrate';
  if (/^(up|down)\.sql$/i.test(base)) return 'diesel';
  if (/(^|\/)(deploy|revert|verify)\/[^/]+\.sql$/i.test(normalized)) return 'sqitch';
  if (facts.tools.includes('postgres-migrations') && NUMBERED_SQL.test(base)) return 'postgres-migrations';
  return 'plain';
}

/**
 * Is this file a rollback (golang-migrate `1_x.down.sql`, Diesel `down.sql`, Flyway undo `U1__x.sql`,
 * Sqitch `revert/x.sql`)? Goose and dbmate mark rollbacks with a down section instead.
 */
export function isRollbackFile(path: string | undefined): boolean {
  if (!path) return false;
  // Rules ask it for every statement of every lint: the last path's answer is kept.
  if (path === lastRollbackPath.path) return lastRollbackPath.answer;
  const answer = rollbackPath(path);
  lastRollbackPath = { path, answer };
  return answer;
}

let lastRollbackPath = { path: '', answer: false };

function rollbackPath(path: string): boolean {
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1);
  return /(^|[._-])down\.sql$/i.test(base) || /^U\d+(?:[._]\d+)*__.+\.sql$/i.test(base) || /(^|\/)revert\/[^/]+\.sql$/i.test(normalized);
}

export interface SectionFacts {
  runner: RunnerId;
  /** Runner markers that govern this section (goose's NO TRANSACTION, dbmate's options, opt-out comments). */
  markers: readonly RunnerMarker[];
  /** The marker that opens this section (dbmate up/down, a Liquibase changeset). */
  sectionMarker?: RunnerMarker;
  statementCount: number;
  /** Only Flyway needs this, so it is computed on demand. */
  allNonTransactional: () => boolean;
  facts?: ProjectFacts;
}

/**
 * How the runner runs this file (or section) when it has no BEGIN of its own:
 *  - `block`: inside a transaction the runner opens (BEGIN … COMMIT around it);
 *  - `implicit`: outside one, but sent as one multi-statement query string, which PostgreSQL runs
 *    as one implicit transaction (so CONCURRENTLY still fails, and BEGIN/COMMIT in it are ordinary);
 *  - `none`: statement by statement, each in its own autocommit transaction.
 */
export type RunnerTransaction = 'block' | 'implicit' | 'none';

/** Does the runner wrap this file (or up/down section, or changeset) in a transaction, and how? */
export function runnerTransaction(section: SectionFacts, mode: TransactionMode): RunnerTransaction {
  if (mode === 'always') return 'block';
  if (mode === 'never') return 'none';
  const facts = section.facts ?? NO_FACTS;
  // Sent as one query string: a lone statement runs alone, several share an implicit transaction.
  const oneQuery: RunnerTransaction = section.statementCount > 1 ? 'implicit' : 'none';
  const optedOut = (runner: RunnerMarker['runner']) => section.markers.some((m) => m.runner === runner && m.name === 'no-transaction');
  switch (section.runner) {
    case 'goose':
      return optedOut('goose') ? 'none' : 'block';
    case 'dbmate':
      // dbmate hands the whole section to one Exec (lib/pq simple query) when transaction:false.
      return section.sectionMarker?.options.transaction?.toLowerCase() === 'false' ? oneQuery : 'block';
    case 'flyway':
      if (facts.flywayExecuteInTransaction === false) return 'none';
      return section.allNonTransactional() ? 'none' : 'block';
    case 'golang-migrate':
      return oneQuery;
    case 'diesel':
      return facts.dieselRunInTransaction === false ? oneQuery : 'block';
    case 'prisma':
      return prismaSplitsStatements(facts) ? 'none' : oneQuery;
    case 'postgres-migrations':
      return optedOut('postgres-migrations') ? oneQuery : 'block';
    case 'graphile-migrate':
      return optedOut('graphile-migrate') ? oneQuery : 'block';
    case 'sqlx':
      return optedOut('sqlx') ? oneQuery : 'block';
    case 'atlas': {
      const mode = section.markers.find((m) => m.runner === 'atlas' && m.name === 'txmode')?.options.mode;
      return mode === 'none' ? 'none' : 'block';
    }
    case 'liquibase': {
      const options = section.sectionMarker?.name === 'changeset' ? section.sectionMarker.options : {};
      if (options.runInTransaction?.toLowerCase() !== 'false') return 'block';
      return options.splitStatements?.toLowerCase() === 'false' ? oneQuery : 'none';
    }
    default:
      return RUNNERS[section.runner].transaction === 'per-file' ? 'block' : 'none';
  }
}

/**
 * Prisma 7.4 (prisma-engines #5767) splits migration.sql into statements and runs each on its own;
 * earlier versions send the whole script as one query. Unknown version: assume the older behaviour,
 * whose advice (a statement that cannot run in a transaction goes alone in its own migration) works with both.
 */
export function prismaSplitsStatements(facts: ProjectFacts): boolean {
  const v = facts.prismaVersion;
  return !!v && (v[0] > 7 || (v[0] === 7 && v[1] >= 4));
}

/** Does the runner wrap this file (or up/down section) in a transaction? */
export function runnerWrapsInTransaction(section: SectionFacts, mode: TransactionMode): boolean {
  return runnerTransaction(section, mode) !== 'none';
}
