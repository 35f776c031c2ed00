/**
 * A runner's own record of applied migrations, written by `lockstep run` exactly as the runner
 * writes it, so the runner afterwards sees the file as applied (and never applies it again).
 * One module per runner in this folder; docs/run.md lists which runners have one.
 */
import type pg from 'pg';

export interface SqlStatement {
  text: string;
  values: unknown[];
}

export interface RunnerHistory {
  /** The runner's label, for messages. */
  label: string;
  /** Its table, for messages. */
  table: string;
  /** Create the history table as the runner would on first use (and whatever rows it adds then). */
  ensure(client: pg.Client): Promise<void>;
  /** Does the runner's history already record this file as applied? */
  applied(client: pg.Client): Promise<boolean>;
  /** The statements that record the file, run in the file's last transaction (or after its last statement). */
  record(): SqlStatement[];
}

/** Builds a file's history, or says why this file cannot be recorded (its name does not fit the runner's scheme). */
export type HistoryFactory = (path: string, text: string) => RunnerHistory | { problem: string };
