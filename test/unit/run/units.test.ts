import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import { backoffMs } from '../../../server/src/run/execute';
import { looksLikeMigration, queueBehind, type SessionRow } from '../../../server/src/run/lockQueue';
import { unitsOf, type RunUnit } from '../../../server/src/run/units';

function units(text: string, path = 'migrations/0001_change.sql'): RunUnit[] {
  const result = unitsOf(lintText(text, { path, config: DEFAULT_CONFIG }).document);
  if (!result.ok) throw new Error(result.problem);
  return result.units;
}

function refusal(text: string, path = 'migrations/0001_change.sql'): string {
  const result = unitsOf(lintText(text, { path, config: DEFAULT_CONFIG }).document);
  assert.equal(result.ok, false);
  return (result as { problem: string }).problem;
}

describe('run: a migration as units', () => {
  before(() => initEngine());

  it('plain SQL: one autocommit unit per statement, explicit BEGIN … COMMIT as one unit without the BEGIN and COMMIT', () => {
    const u = units('CREATE TABLE t (id int);\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 1 WHERE id = 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_a ON users (a);\n');
    assert.deepEqual(u.map((x) => [x.transactional, x.statements.map((s) => s.line)]), [[false, [1]], [true, [3, 4]], [false, [6]]]);
    assert.deepEqual(u[2].concurrentIndex, { name: 'users_a', table: 'users' });
  });

  it('a runner that wraps the file (goose) gives one transactional unit', () => {
    const u = units('-- +goose Up\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\n-- +goose Down\nALTER TABLE users DROP COLUMN a;\n', 'db/migrations/20240101_add.sql');
    assert.equal(u.length, 1);
    assert.equal(u[0].transactional, true);
    assert.deepEqual(u[0].statements.map((s) => s.line), [2, 3], 'the down section is not run');
  });

  it('marks units whose locks block reads or writes of an existing table, and not those on a table the unit creates', () => {
    const [create, alter, index] = units('CREATE TABLE fresh (id int);\nALTER TABLE users ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY users_a ON users (a);\n');
    assert.equal(create.blocking, false);
    assert.equal(alter.blocking, true);
    assert.deepEqual(alter.locks, [{ relation: 'users', mode: 'AccessExclusiveLock' }]);
    assert.equal(index.blocking, false, 'SHARE UPDATE EXCLUSIVE blocks neither reads nor writes');
  });

  it('refuses what it cannot run faithfully, with the line', () => {
    assert.match(refusal('BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (a);\nCOMMIT;\n'), /^line 2: IndexStmt cannot run inside a transaction/);
    assert.match(refusal('ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN;\n'), /^line 2: /);
    assert.match(refusal('\\set ON_ERROR_STOP on\nSELECT 1;\n'), /^line 1: psql meta-commands/);
    assert.match(refusal('BEGIN;\nDELETE FROM users;\nROLLBACK;\n'), /^line 3: the file rolls its own transaction back/);
  });
});

describe('run: retries and the lock queue', () => {
  it('backs off exponentially, capped, with jitter between half and all of the step', () => {
    assert.equal(backoffMs(1, 1000, 30_000, () => 0), 500);
    assert.equal(backoffMs(1, 1000, 30_000, () => 1), 1000);
    assert.equal(backoffMs(3, 1000, 30_000, () => 1), 4000);
    assert.equal(backoffMs(10, 1000, 30_000, () => 1), 30_000);
    assert.equal(backoffMs(10, 1000, 30_000, () => 0), 15_000);
  });

  const row = (pid: number, blockedBy: number[], lockWaitMs = 0, query = 'SELECT 1'): SessionRow => ({
    pid, blockedBy, lockWaitMs, query, applicationName: '', state: 'active', transactionMs: 0,
  });

  it('counts everyone queued behind the migration, through chains of waiters, and their longest wait', () => {
    const sessions = [row(10, [5], 900), row(11, [10], 300), row(12, [11], 1200), row(13, [99], 5000), row(5, [])];
    const q = queueBehind(10, sessions);
    assert.deepEqual(q.waiting.map((s) => s.pid).sort(), [11, 12]);
    assert.equal(q.oldestWaitMs, 1200);
  });

  it('guards DDL and LOCK statements by default, never application queries', () => {
    assert.equal(looksLikeMigration(row(1, [], 0, '/* rails */ -- x\n  ALTER TABLE users ADD COLUMN a int')), true);
    assert.equal(looksLikeMigration(row(1, [], 0, 'lock table users in access exclusive mode')), true);
    assert.equal(looksLikeMigration(row(1, [], 0, 'UPDATE users SET altered = true')), false);
    assert.equal(looksLikeMigration({ ...row(1, [], 0, 'ALTER TABLE users ADD COLUMN a int'), state: 'idle' }), false);
  });
});
