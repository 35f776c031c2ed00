/**
 * Application workloads for the proof: concurrent loops of inserts, updates and reads over their
 * own connections, bounded in count and time, that time every query and record every error.
 */
import pg from 'pg';

export interface QueryTiming {
  ms: number;
  sql: string;
  /** performance.now() when it started. */
  at: number;
}

/** A client whose every query is timed (the latency the application sees, lock waits included). */
export class TimedClient {
  readonly timings: QueryTiming[] = [];
  constructor(readonly client: pg.Client) {}

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    const start = performance.now();
    try {
      return await this.client.query<R>(sql, params);
    } finally {
      this.timings.push({ ms: performance.now() - start, sql, at: start });
    }
  }
}

export type Operation = (c: TimedClient, rng: () => number) => Promise<void>;

export interface LoopSpec {
  name: string;
  /** Picked in turn, round robin. */
  operations: Operation[];
}

export interface WorkloadStats {
  name: string;
  operations: number;
  errors: string[];
  /** performance.now() of each error, in the same order. */
  errorsAt: number[];
  timings: QueryTiming[];
}

const MAX_OPERATIONS = 200_000;
const MAX_MS = 300_000;
const PAUSE_MS = 2;

/** A deterministic random source, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Runs `loops` concurrently (one connection each) until stop(); never longer than MAX_MS. */
export class Workload {
  private stopping = false;
  private readonly done: Promise<WorkloadStats[]>;
  private readonly clients: pg.Client[] = [];

  constructor(readonly name: string, connectionString: string, loops: LoopSpec[], seed: number) {
    this.done = Promise.all(loops.map((loop, i) => this.run(connectionString, loop, seed + i)));
  }

  private async run(connectionString: string, loop: LoopSpec, seed: number): Promise<WorkloadStats> {
    const stats: WorkloadStats = { name: `${this.name}/${loop.name}`, operations: 0, errors: [], errorsAt: [], timings: [] };
    const client = new pg.Client({ connectionString, application_name: stats.name });
    this.clients.push(client);
    client.on('error', (err) => {
      stats.errors.push(`connection: ${err.message}`);
      stats.errorsAt.push(performance.now());
    });
    await client.connect();
    const timed = new TimedClient(client);
    const rng = seededRandom(seed);
    const deadline = Date.now() + MAX_MS;
    try {
      while (!this.stopping && stats.operations < MAX_OPERATIONS && Date.now() < deadline) {
        const op = loop.operations[stats.operations % loop.operations.length];
        try {
          await op(timed, rng);
        } catch (err) {
          stats.errors.push(`${loop.name}: ${(err as Error).message}`);
          stats.errorsAt.push(performance.now());
        }
        stats.operations++;
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    } finally {
      stats.timings = timed.timings;
      await client.end().catch(() => undefined);
    }
    return stats;
  }

  async stop(): Promise<WorkloadStats[]> {
    this.stopping = true;
    return this.done;
  }
}

/**
 * Samples pg_stat_activity every POLL_MS for workload sessions waiting on a lock, and keeps the
 * longest wait seen: how long the database made application queries wait, free of the client-side
 * noise (CPU starvation, GC) that end-to-end latency also contains.
 */
export class LockWaitMonitor {
  maxWaitMs = 0;
  worst = '';
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(connectionString: string, private readonly pollMs = 20) {
    this.done = this.run(connectionString);
  }

  private async run(connectionString: string): Promise<void> {
    const client = new pg.Client({ connectionString, application_name: 'lock-monitor' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      while (!this.stopping) {
        const { rows } = await client.query<{ app: string; ms: number; query: string }>(
          `SELECT application_name AS app, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 AS ms, query
           FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND (application_name LIKE 'v1/%' OR application_name LIKE 'v2/%')`,
        );
        for (const r of rows) {
          if (Number(r.ms) > this.maxWaitMs) {
            this.maxWaitMs = Number(r.ms);
            this.worst = `${r.app}: ${r.query.slice(0, 120)}`;
          }
        }
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }
}
