/**
 * The estimate's engine work (lint, the live schema's replay, lint again, the report) goes through
 * the caller's step runner: the language server runs it in slices so its only thread answers
 * hovers meanwhile (lsp/estimate.ts). Same report as run at once; abandoned runs end as cancelled.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { estimateMigration, type StepRunner } from '../../server/src/db/estimate';
import { DatabaseError } from '../../server/src/db/errors';
import type { ReadOnlySession } from '../../server/src/db/session';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { dropDatabase, freshDatabase, openSession } from './estimateFixtures';

const DB = 'lockstep_estimate_steps';
const SQL = `ALTER TABLE orders ADD COLUMN flag int;
CREATE INDEX orders_note_idx ON orders (note);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
UPDATE orders SET flag = 1;
`;
/** The newest version the suites run against: this is about the pipeline, not about versions. */
const VERSION = ORACLE_VERSIONS[ORACLE_VERSIONS.length - 1];

describe(`estimate: engine work through a step runner (PostgreSQL ${VERSION})`, function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let session: ReadOnlySession;
  const input = { text: SQL, config: DEFAULT_CONFIG };

  before(async () => {
    cluster = await sharedCluster(VERSION);
    await freshDatabase(
      cluster,
      DB,
      'CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text); INSERT INTO orders SELECT g, g % 10, md5(g::text) FROM generate_series(1, 2000) g;',
      'VACUUM ANALYZE orders',
    );
    session = await openSession(cluster, DB);
  });
  after(async () => {
    await session?.close();
    await dropDatabase(cluster, DB);
  });

  it('every piece of engine work goes through the runner, in steps, and the report is the one run at once', async () => {
    const runs: number[] = [];
    const counting: StepRunner = async (steps) => {
      let yields = 0;
      for (;;) {
        const step = steps.next();
        if (step.done) {
          runs.push(yields);
          return step.value;
        }
        yields++;
      }
    };
    const stepped = await estimateMigration(session, input, { run: counting });
    const atOnce = await estimateMigration(session, input);
    // Lint, the live schema, lint against it, the report (which replays the schema and lints once more).
    assert.equal(runs.length, 4, JSON.stringify(runs));
    // Each run yields at least once per statement of what it reads (4 migration statements, 2+ schema statements).
    assert.ok(runs.every((yields) => yields >= 2), JSON.stringify(runs));
    assert.ok(runs[3] >= 2 * 4, `the report yields per statement of the lint and of its own loops: ${runs[3]}`);
    assert.deepEqual(stepped.statements, atOnce.statements);
    assert.deepEqual(stepped.relations, atOnce.relations);
    assert.equal(stepped.statements.length, 4);
  });

  it('a runner that abandons the work ends the estimate as cancelled', async () => {
    let started = 0;
    const abandoning: StepRunner = async (steps) => {
      started++;
      steps.return(undefined as never);
      return undefined;
    };
    await assert.rejects(estimateMigration(session, input, { run: abandoning }), (error: unknown) => error instanceof DatabaseError && error.kind === 'cancelled');
    assert.equal(started, 1, 'nothing runs after the abandoned step');
  });
});
