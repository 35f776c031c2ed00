/**
 * A long migration set through `lockstep lint --format json` (one pass, schema history on a snapshot
 * of the file system, the catalog forked per file through ForkableMap's persistent tries, the report written a
 * file at a time) gives, for every file, the findings the engine gives that file when the schema
 * before it is replayed from scratch: all earlier files as one script, no fork and no history cache.
 * The two paths share nothing that the speed work of issue 14 changed.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { runInProcess } from './inProcessCli';

/** File i of the set: creates, widens (a rewrite only if the old type is known), drops and renames earlier objects. */
function migration(i: number): string {
  return [
    `CREATE TABLE t${i} (id bigint PRIMARY KEY, name varchar(20));`,
    `CREATE INDEX t${i}_name_idx ON t${i} (name);`,
    i > 1 ? `ALTER TABLE t${i - 1} ALTER COLUMN name TYPE varchar(${i % 3 === 0 ? 10 : 40});` : '',
    i > 3 && i % 5 === 0 ? `DROP INDEX t${i - 3}_name_idx;` : '',
    i > 2 && i % 7 === 0 ? `ALTER TABLE t${i - 2} RENAME TO r${i - 2};` : '',
    i > 9 && i % 11 === 0 ? `DROP TABLE t${i - 9};\nCREATE TABLE t${i - 9} (id int);` : '',
    '',
  ].join('\n');
}

const FILES = 120;

describe('lockstep lint over a long set: each file as the engine sees it after a replay from scratch', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initEngine({ hostGrammars: false });
    dir = mkdtempSync(join(tmpdir(), 'lockstep-long-set-'));
    for (let i = 1; i <= FILES; i++) writeFileSync(join(dir, `V${i}__step.sql`), migration(i));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same findings, file by file', async () => {
    const run = await runInProcess(dir, ['lint', '--format', 'json', '--no-code', '.']);
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as { files: { path: string; findings: { ruleId: string; message: string; start: { offset: number }; end: { offset: number } }[] }[] };
    assert.equal(report.files.length, FILES);
    let earlier = '';
    let compared = 0;
    for (let i = 1; i <= FILES; i++) {
      const path = join(dir, `V${i}__step.sql`);
      const file = report.files.find((f) => f.path === `V${i}__step.sql`);
      assert.ok(file, `V${i}__step.sql is in the report`);
      const schema = i > 1 ? catalogFromSql(earlier, DEFAULT_CONFIG) : undefined;
      const expected = lintText(migration(i), { path, config: DEFAULT_CONFIG, schema }).findings;
      assert.deepEqual(
        file.findings.map((f) => [f.ruleId, f.message, f.start.offset, f.end.offset]),
        expected.map((f) => [f.ruleId, f.message, f.span.start, f.span.end]),
        `findings of V${i}__step.sql`,
      );
      compared += expected.length;
      earlier += migration(i);
    }
    // The history matters here: widening a column of known type is no rewrite, a narrowing is.
    assert.ok(compared > FILES * 2);
    assert.ok(report.files.some((f) => f.findings.some((x) => x.ruleId === 'type-change-rewrite')));
  });
});
