/**
 * Replays migrations on a throw-away database, one statement at a time, observing each the
 * way the lock oracle does. Runs wherever a Queryable is: PGlite in a worker, or a real server.
 */
import { observeStatement, type Queryable } from './observe';
import type { JobResult, TraceJob, TraceRequest, TraceResponse, TraceStepResult } from './protocol';

/** Progress callbacks: the worker forwards them, so the main thread can stop a runaway statement and keep the rest. */
export interface TraceProgress {
  begin?(job: number, index: number): void;
  step?(job: number, result: TraceStepResult, setupFailures: JobResult['setupFailures']): void;
}

/** `COPY … TO/FROM PROGRAM` runs a shell command on the server: never in a trace (and PGlite would wait for it). */
const COPY_PROGRAM = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*COPY\b[\s\S]*\bPROGRAM\b/i;
export const COPY_PROGRAM_REFUSED = 'COPY … PROGRAM runs a shell command on the database server; the trace never runs it';

export async function runTrace(db: Queryable, request: TraceRequest, startupMs = 0, progress: TraceProgress = {}): Promise<TraceResponse> {
  const namespaces = new Set<string>();
  const jobs: JobResult[] = [];
  for (const job of request.jobs) {
    if (!namespaces.has(job.namespace)) {
      namespaces.add(job.namespace);
      await db.query(`CREATE SCHEMA ${quoteIdent(job.namespace)}`);
    }
    await db.query(`SET search_path TO ${quoteIdent(job.namespace)}, public`);
    jobs.push(await runJob(db, job, jobs.length, progress));
  }
  const version = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
  return { serverVersion: version.split(' ')[0], jobs, startupMs };
}

async function runJob(db: Queryable, job: TraceJob, jobIndex: number, progress: TraceProgress): Promise<JobResult> {
  const setupFailures: JobResult['setupFailures'] = [];
  for (const sql of job.setup) {
    progress.begin?.(jobIndex, -1);
    try {
      if (COPY_PROGRAM.test(sql)) throw new Error(COPY_PROGRAM_REFUSED);
      await db.query(sql);
    } catch (err) {
      setupFailures.push({ sql, error: messageOf(err) });
    }
  }
  const steps: TraceStepResult[] = [];
  for (const step of job.steps) {
    const record = (result: TraceStepResult) => {
      steps.push(result);
      progress.step?.(jobIndex, result, setupFailures);
    };
    if (step.mode === 'skip') {
      record({ index: step.index, outcome: 'skipped' });
      continue;
    }
    if (COPY_PROGRAM.test(step.sql)) {
      record({ index: step.index, outcome: 'failed', error: COPY_PROGRAM_REFUSED });
      continue;
    }
    progress.begin?.(jobIndex, step.index);
    try {
      if (step.mode === 'apply') {
        await db.query(step.sql);
        record({ index: step.index, outcome: 'applied' });
      } else {
        record({ index: step.index, outcome: 'observed', effects: await observeStatement(db, step.sql, true) });
      }
    } catch (err) {
      if (commitsInside(err)) {
        // A procedure that COMMITs between batches cannot run in the observing transaction (which
        // was rolled back): run it as the runner must, outside one.
        record(await applyOutside(db, step.index, step.sql));
        continue;
      }
      record({ index: step.index, outcome: 'failed', error: messageOf(err) });
    }
  }
  return { setupFailures, steps };
}

/** `invalid transaction termination` (SQLSTATE 2D000): COMMIT/ROLLBACK inside a CALL in a transaction block. */
function commitsInside(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '2D000' || /invalid transaction termination/i.test(e?.message ?? '');
}

async function applyOutside(db: Queryable, index: number, sql: string): Promise<TraceStepResult> {
  try {
    await db.query(sql);
    return { index, outcome: 'applied' };
  } catch (err) {
    return { index, outcome: 'failed', error: messageOf(err) };
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
