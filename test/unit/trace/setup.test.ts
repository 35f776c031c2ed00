/**
 * The schema a trace builds first, from the earlier migrations of the traced file's set: the CLI's
 * in one go, the language server's a statement at a time between requests (lsp/trace.ts).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { traceSetup } from '../../../server/src/lsp/trace';
import { earlierSetup, earlierSetupSteps } from '../../../server/src/trace/setup';

const EXPECTED = [
  'CREATE TABLE a (id int PRIMARY KEY);',
  'CREATE INDEX a_id ON a (id);',
  'ALTER TABLE a ADD COLUMN n int;',
  'CREATE TABLE b (id int);',
];

describe('trace setup: the earlier migrations, in slices', function () {
  this.timeout(30_000);
  let dir: string;
  let traced: string;

  before(async () => {
    await initEngine({ hostGrammars: false });
    dir = mkdtempSync(join(tmpdir(), 'lockstep-trace-setup-'));
    writeFileSync(join(dir, 'V1__a.sql'), `${EXPECTED[0]}\n${EXPECTED[1]}\n`);
    writeFileSync(join(dir, 'V2__b.sql'), `BEGIN;\n${EXPECTED[2]}\n${EXPECTED[3]}\nCOMMIT;\n`);
    traced = join(dir, 'V3__c.sql');
    writeFileSync(traced, 'DROP TABLE b;\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('yields between statements and gives what the CLI\'s setup gives', () => {
    const steps = earlierSetupSteps(traced, 'flyway', DEFAULT_CONFIG);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    assert.deepEqual(step.value, EXPECTED, 'BEGIN/COMMIT left out, files in order');
    assert.deepEqual(earlierSetup(traced, 'flyway', DEFAULT_CONFIG), EXPECTED);
    assert.ok(yields >= 6, `${yields} yields for 6 statements in 2 files`);
  });

  it('the language server\'s trace lets the event loop run between statements, and stops when cancelled', async () => {
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    try {
      // A slice of 0 ms: a pause after every statement.
      assert.deepEqual(await traceSetup(traced, 'flyway', DEFAULT_CONFIG, () => true, 0), EXPECTED);
      assert.ok(turns >= 6, `${turns} turns of the event loop during the setup`);
      let asked = 0;
      assert.equal(await traceSetup(traced, 'flyway', DEFAULT_CONFIG, () => ++asked < 2, 0), undefined);
    } finally {
      counting = false;
    }
  });
});
