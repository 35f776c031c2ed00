import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../cli/inProcessCli';
import { parseDuration, parseSize } from '../../../server/src/cli/guardArgs';

const cli = (cwd: string, ...argv: string[]) => runInProcess(cwd, argv);

describe('lockstep run / watch (CLI, no database)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-run-cli-'));
    writeFileSync(join(dir, 'change.sql'), 'ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY users_a ON users (a);\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--dry-run prints each unit with its guard and changes nothing', async () => {
    const r = await cli(dir, 'run', '--dry-run', '--lock-timeout', '3s', '--retries', '2', 'change.sql');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /unit 0 \(autocommit; lock_timeout 3000 ms, up to 3 tries\)\n {4}line 1: ALTER TABLE users ADD COLUMN a int;/);
    assert.match(r.stdout, /unit 1 \(autocommit; no blocking lock\)\n {4}line 2: CREATE INDEX CONCURRENTLY/);
    assert.match(r.stdout, /Dry run: nothing was applied/);
  });

  it('refuses a runner that keeps its own history, naming it and the way out', async () => {
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'db/migrations/V2__add.sql'), 'ALTER TABLE users ADD COLUMN a int;\n');
    const r = await cli(dir, 'run', '--dry-run', 'db/migrations/V2__add.sql');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /this is a Flyway migration, and Flyway records what it applied in its own history table.*lockstep watch --db <url> -- <command>.*--ignore-runner-history/s);
    assert.equal((await cli(dir, 'run', '--dry-run', '--ignore-runner-history', 'db/migrations/V2__add.sql')).status, 0);
  });

  it('refuses a framework host file, and a file it cannot run faithfully, with the line', async () => {
    writeFileSync(join(dir, 'bad.sql'), 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (a);\nCOMMIT;\n');
    const r = await cli(dir, 'run', '--dry-run', 'bad.sql');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.sql: line 2: IndexStmt cannot run inside a transaction/);
    writeFileSync(join(dir, '20240101_add.ts'), 'export async function up(knex) { await knex.raw("SELECT 1"); }\n');
    assert.match((await cli(dir, 'run', '--dry-run', '20240101_add.ts')).stderr, /run applies SQL files/);
  });

  it('asks for --yes before touching a server that is not local', async () => {
    const r = await cli(dir, 'run', '--db', 'postgres://app@db.example.com/prod', 'change.sql');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /db\.example\.com is not a local server: this applies 1 file\(s\) to it\. Pass --yes to confirm\./);
  });

  it('says clearly when no database answers, for run and watch', async () => {
    const run = await cli(dir, 'run', '--db', 'postgres://app@127.0.0.1:1/x', 'change.sql');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /Connection refused by 127\.0\.0\.1:1/);
    const watch = await cli(dir, 'watch', '--db', 'postgres://app@127.0.0.1:1/x', '--', 'true');
    assert.equal(watch.status, 2);
    assert.match(watch.stderr, /Connection refused by 127\.0\.0\.1:1/);
  });

  it('rejects bad values with the option named', async () => {
    assert.match((await cli(dir, 'run', '--lock-timeout', 'soon', 'change.sql')).stderr, /--lock-timeout must be a duration such as 2s or 500ms, got "soon"/);
    assert.match((await cli(dir, 'run', '--retries', '-1', 'change.sql')).stderr, /--retries must be a whole number/);
    assert.match((await cli(dir, 'watch', '--max-queue', 'x')).stderr, /--max-queue must be a whole number, got "x"/);
    assert.match((await cli(dir, 'watch', 'flyway', 'migrate')).stderr, /put the command to run after --/);
    assert.match((await cli(dir, 'run', '--max-lag-bytes', '16 MiB', 'change.sql')).stderr, /--max-lag-bytes must be a size such as 16MB, 512kB or 65536, got "16 MiB"/);
    assert.deepEqual([parseSize('16MB'), parseSize('512kB'), parseSize('1GB'), parseSize('4096'), parseSize('0.5MB'), parseSize('16mb')], [16 * 1024 ** 2, 512 * 1024, 1024 ** 3, 4096, undefined, undefined]);
    assert.deepEqual([parseDuration('2s'), parseDuration('1.5s'), parseDuration('250ms'), parseDuration('40'), parseDuration('2 min')], [2000, 1500, 250, 40, undefined]);
  });
});
