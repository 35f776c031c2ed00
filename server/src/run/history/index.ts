/** The runners whose history `lockstep run` writes (docs/run.md); every other history-keeping runner is refused. */
import type { RunnerId } from '../../config/types';
import { drizzleHistory } from './drizzle';
import { postgresMigrationsHistory } from './postgresMigrations';
import type { HistoryFactory } from './types';

export const RUNNER_HISTORIES: Partial<Record<RunnerId, HistoryFactory>> = {
  'postgres-migrations': postgresMigrationsHistory,
  drizzle: drizzleHistory,
};
