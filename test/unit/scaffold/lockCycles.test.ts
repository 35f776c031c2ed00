/**
 * A DDL statement inside a plan's procedure that locks two existing tables against writes (a
 * foreign key locks both ends) can close a lock cycle with an application write that takes them in
 * the other order. Its lock_timeout must be below deadlock_timeout (1 s), so the plan gives up
 * first and the application never sees a deadlock. Which tables a statement locks, and how, is
 * the lock model's answer, not this test's.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { durationMs } from '../../../server/src/document/settings';
import { conflicts } from '../../../server/src/locks/modes';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { KIND_CASES, SCHEMA } from './cases';

/** Each `set_config('lock_timeout', '<literal>', true)` followed by the statement it governs. */
const IN_PROCEDURE = /PERFORM set_config\('lock_timeout', '([^']+)', true\);\s*EXECUTE (\$q\d*\$)([\s\S]*?)\2;/g;

describe('scaffold: procedure DDL that locks two tables gives up before deadlock_timeout', function () {
  this.timeout(60_000);
  before(() => initEngine());

  it('every kind', () => {
    const config = { ...DEFAULT_CONFIG };
    const catalog = catalogFromSql(SCHEMA, config);
    const slow: string[] = [];
    let acrossTables = 0;
    for (const c of KIND_CASES) {
      const result = scaffold({ kind: c.kind, args: c.args, schema: schemaFromSql(SCHEMA, config), runner: 'plain', migrationsDir: 'db/migrations', existing: [], now: new Date('2024-05-01T10:00:00Z') });
      for (const f of result.files) {
        for (const [, timeout, , sql] of f.content.matchAll(IN_PROCEDURE)) {
          const [stmt] = lintText(sql, { path: 'step.sql', config, schema: catalog }).document.statements;
          const blocksWrites = stmt.locks.effects.filter((e) => e.kind === 'table' && !e.created && conflicts(e.mode, 'RowExclusiveLock'));
          if (new Set(blocksWrites.map((e) => e.object)).size < 2) continue;
          acrossTables++;
          if (!(durationMs(timeout) > 0 && durationMs(timeout) < 1000)) slow.push(`${c.kind} ${f.path}: lock_timeout ${timeout}: ${sql}`);
        }
      }
    }
    // change-primary-key's restore gives back orders→users and reviews→users, per variant.
    assert.ok(acrossTables >= 6, `statements locking two tables found: ${acrossTables}`);
    assert.deepEqual(slow, []);
  });
});
