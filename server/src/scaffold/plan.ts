/**
 * The shape of a scaffolded expand → migrate → contract plan, independent of any runner.
 * Kinds build a Plan; runner writers turn it into files; PLAN.md is rendered from it; the
 * real-PostgreSQL proof drives its workloads from its deploy steps.
 */

/**
 * How one direction of a migration must run.
 * `tx`: every statement in one transaction (the runner's, or an explicit BEGIN/COMMIT).
 * `single`: exactly one statement that must run outside any transaction block — a CALL to a
 * procedure that COMMITs per batch, or CREATE/DROP INDEX CONCURRENTLY. Runners that send a
 * whole file as one query string (golang-migrate, dbmate, Diesel) can only run those alone.
 */
export type Step =
  | { kind: 'tx'; statements: string[] }
  | { kind: 'single'; statement: string };

export interface Migration {
  /** File-name part, lower snake case, e.g. `accounts_email_expand`. */
  name: string;
  /** One line for PLAN.md and file headers. */
  summary: string;
  up: Step;
  down: Step;
  /** Statements that fail unless the migration is deployed (Sqitch verify scripts). */
  verify: string[];
  /**
   * `lockstep-ignore` lines this migration needs, with their reason, per direction. Only for
   * findings that are wrong for how the runner really runs it (e.g. Diesel's metadata.toml).
   */
  ignores?: { up?: string[]; down?: string[] };
}

export interface Phase {
  title: string;
  /** What the phase achieves, in a sentence or two. */
  goal: string;
  migrations: Migration[];
  /** SQL to run after the phase to confirm it worked (PLAN.md "how to check"). */
  check: string[];
  /** What rolling the phase back does, in words (the runner commands are added per format). */
  rollback: string;
  /**
   * Set when the application must not use the affected names while this phase rolls back, and
   * why (PLAN.md says so next to the rollback commands; the load proof stops traffic for it).
   */
  rollbackOffline?: string;
}

/** An application deploy between phases; `beforePhase` = phases.length means after the last one. */
export interface Deploy {
  beforePhase: number;
  action: 'start-v2' | 'retire-v1';
  text: string;
}

/** What each application version reads and writes (PLAN.md, and the proof's workloads). */
export interface AppContract {
  reads: string;
  writes: string;
}

export interface Plan {
  kind: string;
  /** Names every generated object and file: lower snake case, short. */
  slug: string;
  title: string;
  summary: string;
  phases: Phase[];
  deploys: Deploy[];
  apps: { v1: AppContract; v2: AppContract };
  /** Queries a human runs before contract: every count must be zero. */
  verifySql: string;
  /** Caveats specific to this plan (unsupported objects left for the user, limits). */
  notes: string[];
}

/** Tunables shared by every kind. */
export interface PlanOptions {
  /** Rows per backfill batch (one transaction each). */
  batchSize: number;
  /** Pause between batches, in milliseconds, so replicas and autovacuum keep up. */
  pauseMs: number;
  /** `lock_timeout` for every DDL transaction, e.g. `2s`. */
  lockTimeout: string;
  /** Target PostgreSQL major version. */
  pgVersion: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { batchSize: 5000, pauseMs: 50, lockTimeout: '2s', pgVersion: 16 };

export function tx(...statements: string[]): Step {
  return { kind: 'tx', statements };
}

export function single(statement: string): Step {
  return { kind: 'single', statement };
}

/** Every statement of a step, in order. */
export function statementsOf(step: Step): string[] {
  return step.kind === 'tx' ? step.statements : [step.statement];
}

/** A problem with the user's input or schema, reported as such (never a crash). */
export class ScaffoldError extends Error {}
