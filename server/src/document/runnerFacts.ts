/**
 * Who runs the migration, as rule messages and hovers name it: the SQL runner, or the framework
 * (Knex, TypeORM…) whose host file the SQL was extracted from, with that framework's opt-out.
 */
import { RUNNERS, type RunnerFacts } from './runner';
import type { MigrationDocument } from './model';

/** A framework that runs extracted SQL (see server/src/frameworks/). */
export interface HostRunner {
  id: string;
  label: string;
  /** How one migration opts out of the framework's transaction, in words. */
  optOut: string;
  /** Frameworks open the transaction per migration (or none, by their own model): never implicit-if-multiple. */
  transaction: 'per-file' | 'none';
}

export function runnerFacts(doc: Pick<MigrationDocument, 'runner' | 'host'>): Pick<RunnerFacts, 'label' | 'optOut' | 'transaction'> {
  return doc.host ?? RUNNERS[doc.runner];
}
