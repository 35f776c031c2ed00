import assert from 'node:assert/strict';
import { blockedBy, conflicts, LOCK_MODES, sqlName, strongest } from '../../../server/src/locks/modes';

describe('lock modes and the conflict matrix', () => {
  it('is symmetric, as PostgreSQL documents it', () => {
    for (const a of LOCK_MODES) for (const b of LOCK_MODES) assert.equal(conflicts(a, b), conflicts(b, a), `${a} vs ${b}`);
  });

  it('has the documented number of conflicts per mode', () => {
    const counts = LOCK_MODES.map((m) => LOCK_MODES.filter((o) => conflicts(m, o)).length);
    assert.deepEqual(counts, [1, 2, 4, 5, 5, 6, 7, 8]);
  });

  it('says what each mode blocks in terms of ordinary traffic', () => {
    assert.deepEqual(pick(blockedBy('AccessExclusiveLock')), { reads: true, writes: true, ddl: true });
    assert.deepEqual(pick(blockedBy('ShareLock')), { reads: false, writes: true, ddl: true });
    assert.deepEqual(pick(blockedBy('ShareRowExclusiveLock')), { reads: false, writes: true, ddl: true });
    assert.deepEqual(pick(blockedBy('ShareUpdateExclusiveLock')), { reads: false, writes: false, ddl: true });
    assert.deepEqual(pick(blockedBy('RowExclusiveLock')), { reads: false, writes: false, ddl: true });
  });

  it('answers each mode once, frozen, with the labels of exactly the activities it conflicts with', () => {
    const activities: Array<[string, string]> = [
      ['AccessShareLock', 'reads (SELECT)'],
      ['RowShareLock', 'SELECT … FOR UPDATE/SHARE'],
      ['RowExclusiveLock', 'writes (INSERT/UPDATE/DELETE)'],
      ['ShareUpdateExclusiveLock', 'VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY and most DDL'],
      ['AccessExclusiveLock', 'other DDL'],
    ];
    for (const mode of LOCK_MODES) {
      const blocked = blockedBy(mode);
      assert.equal(blockedBy(mode), blocked, `${mode}: the same answer again`);
      assert.ok(Object.isFrozen(blocked) && Object.isFrozen(blocked.labels), `${mode}: frozen, so no caller can change it for the others`);
      assert.deepEqual(blocked.labels, activities.filter(([m]) => conflicts(mode, m as typeof mode)).map(([, label]) => label), mode);
    }
    assert.deepEqual(blockedBy('AccessExclusiveLock', 'type'), { reads: false, writes: false, ddl: true, labels: ['other changes to the type (ALTER TYPE, DROP TYPE)'] });
  });

  it('names modes the way SQL spells them and orders them by strength', () => {
    assert.equal(sqlName('ShareRowExclusiveLock'), 'SHARE ROW EXCLUSIVE');
    assert.equal(sqlName('AccessShareLock'), 'ACCESS SHARE');
    // Every mode, asked twice (the second answer is remembered).
    const spelled = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
    for (let round = 0; round < 2; round++) assert.deepEqual(LOCK_MODES.map(sqlName), spelled);
    assert.equal(strongest('ShareLock', 'RowExclusiveLock'), 'ShareLock');
    assert.equal(strongest('RowShareLock', 'AccessExclusiveLock'), 'AccessExclusiveLock');
  });
});

function pick(b: { reads: boolean; writes: boolean; ddl: boolean }) {
  return { reads: b.reads, writes: b.writes, ddl: b.ddl };
}
