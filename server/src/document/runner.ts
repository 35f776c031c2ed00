/**
 * Migration runners: how to recognise each one, and how it wraps a migration in a transaction.
 * The transaction wrapping decides whether CONCURRENTLY statements can run at all.
 */
import type { RunnerId, TransactionMode } from '../config/types';
import type { RunnerMarker } from '../parse/split';

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
  dbmate: { id: 'dbmate', label: 'dbmate', transaction: 'per-file', optOut: 'use `-- migrate:up transaction:false`' },
  sqitch: { id: 'sqitch', label: 'Sqitch', transaction: 'none', optOut: 'keep it outside the BEGIN/COMMIT of the deploy script' },
  diesel: {
    id: 'diesel', label: 'Diesel', transaction: 'per-file',
    optOut: 'put it in its own migration with `run_in_transaction = false` in metadata.toml',
  },
};

const FLYWAY_NAME = /^(V\d+(?:[._]\d+)*|U\d+(?:[._]\d+)*|R)__.+\.sql$/i;
const GOLANG_MIGRATE_NAME = /^\d+_.+\.(up|down)\.sql$/i;

/** Detect the runner from config, markers in the text, then the file's name and folder. */
export function detectRunner(path: string | undefined, markers: readonly RunnerMarker[], configured: RunnerId | 'auto'): RunnerId {
  if (configured !== 'auto') return configured;
  if (markers.some((m) => m.runner === 'goose')) return 'goose';
  if (markers.some((m) => m.runner === 'dbmate')) return 'dbmate';
  if (!path) return 'plain';
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1);
  if (FLYWAY_NAME.test(base)) return 'flyway';
  if (GOLANG_MIGRATE_NAME.test(base)) return 'golang-migrate';
  if (/^(up|down)\.sql$/i.test(base)) return 'diesel';
  if (/(^|\/)(deploy|revert|verify)\/[^/]+\.sql$/i.test(normalized)) return 'sqitch';
  return 'plain';
}

/**
 * Is this file a rollback (golang-migrate `1_x.down.sql`, Diesel `down.sql`, Flyway undo `U1__x.sql`,
 * Sqitch `revert/x.sql`)? Goose and dbmate mark rollbacks with a down section instead.
 */
export function isRollbackFile(path: string | undefined): boolean {
  if (!path) return false;
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1);
  return /(^|[._-])down\.sql$/i.test(base) || /^U\d+(?:[._]\d+)*__.+\.sql$/i.test(base) || /(^|\/)revert\/[^/]+\.sql$/i.test(normalized);
}

export interface SectionFacts {
  runner: RunnerId;
  /** Runner markers that govern this section (goose's NO TRANSACTION, dbmate's options). */
  markers: readonly RunnerMarker[];
  sectionMarker?: RunnerMarker;
  statementCount: number;
  /** Only Flyway needs this, so it is computed on demand. */
  allNonTransactional: () => boolean;
}

/** Does the runner wrap this file (or up/down section) in a transaction? */
export function runnerWrapsInTransaction(section: SectionFacts, mode: TransactionMode): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  switch (section.runner) {
    case 'goose':
      return !section.markers.some((m) => m.runner === 'goose' && m.name === 'no-transaction');
    case 'dbmate':
      return section.sectionMarker?.options.transaction?.toLowerCase() !== 'false';
    case 'flyway':
      return !section.allNonTransactional();
    case 'golang-migrate':
      return section.statementCount > 1;
    default:
      return RUNNERS[section.runner].transaction === 'per-file';
  }
}
