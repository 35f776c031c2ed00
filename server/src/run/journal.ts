/**
 * `lockstep.run_journal`: which units of which file `lockstep run` has applied, so a run that was
 * interrupted resumes at the first unit that did not finish. It never touches a runner's own
 * history table. A transactional unit writes its `done` row inside its own transaction, so the row
 * exists exactly when the unit's changes do; an autocommit unit writes `started` before and `done`
 * after, and a `started` row left behind means the process died while that statement ran.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export const JOURNAL_SETUP = `
  CREATE SCHEMA IF NOT EXISTS lockstep;
  CREATE TABLE IF NOT EXISTS lockstep.run_journal (
    checksum    text        NOT NULL,
    unit        int         NOT NULL,
    file        text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('started', 'done')),
    attempts    int         NOT NULL,
    finished_at timestamptz,
    PRIMARY KEY (checksum, unit)
  )`;

export type UnitState = 'started' | 'done';

/** Identifies a file by its content: the same file under another path is the same migration. */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class Journal {
  constructor(private readonly client: pg.Client) {}

  async ensure(): Promise<void> {
    // Another run may create it at the same moment; IF NOT EXISTS is not race-free, so retry once.
    try {
      await this.client.query(JOURNAL_SETUP);
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await this.client.query(JOURNAL_SETUP);
    }
  }

  /** Unit ordinal → state, for one file. */
  async states(checksum: string): Promise<Map<number, UnitState>> {
    const { rows } = await this.client.query('SELECT unit, state FROM lockstep.run_journal WHERE checksum = $1', [checksum]);
    return new Map(rows.map((r) => [Number(r.unit), r.state as UnitState]));
  }

  /** The SQL and values that record a unit as done (run inside a transactional unit's transaction). */
  doneStatement(checksum: string, unit: number, file: string, attempts: number): { text: string; values: unknown[] } {
    return {
      text: `INSERT INTO lockstep.run_journal (checksum, unit, file, state, attempts, finished_at) VALUES ($1, $2, $3, 'done', $4, now())
             ON CONFLICT (checksum, unit) DO UPDATE SET state = 'done', attempts = EXCLUDED.attempts, finished_at = now()`,
      values: [checksum, unit, file, attempts],
    };
  }

  async markDone(checksum: string, unit: number, file: string, attempts: number): Promise<void> {
    const { text, values } = this.doneStatement(checksum, unit, file, attempts);
    await this.client.query(text, values);
  }

  async markStarted(checksum: string, unit: number, file: string, attempts: number): Promise<void> {
    await this.client.query(
      `INSERT INTO lockstep.run_journal (checksum, unit, file, state, attempts) VALUES ($1, $2, $3, 'started', $4)
       ON CONFLICT (checksum, unit) DO UPDATE SET state = 'started', attempts = EXCLUDED.attempts`,
      [checksum, unit, file, attempts],
    );
  }

  /** An autocommit statement that failed with an error changed nothing: forget that it started. */
  async forget(checksum: string, unit: number): Promise<void> {
    await this.client.query("DELETE FROM lockstep.run_journal WHERE checksum = $1 AND unit = $2 AND state = 'started'", [checksum, unit]);
  }
}
