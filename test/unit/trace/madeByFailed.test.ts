/**
 * madeByFailedLookup (trace/plan.ts): "did a failed statement create this object?", asked for
 * every difference of every traced statement while the list of failures grows. Same answers as
 * testing every failed statement each time; each failed statement is tested once per object.
 */
import { strict as assert } from 'node:assert';
import { madeByFailedLookup } from '../../../server/src/trace/plan';
import type { FailedStatement } from '../../../server/src/trace/failureReasons';

const fail = (sql: string): FailedStatement => ({ sql, error: 'failed' });

describe('trace: objects made by failed statements', () => {
  it('answers as a walk over the failures, seeing failures added after a first answer', () => {
    const failed: FailedStatement[] = [fail('CREATE TABLE a (id int)'), fail('ALTER TABLE b ADD CONSTRAINT b_fk FOREIGN KEY (x) REFERENCES a (id)')];
    const made = madeByFailedLookup(failed);
    assert.equal(made('a'), true);
    assert.equal(made('b_fk'), true);
    assert.equal(made('"a"'), false);
    assert.equal(made('c_idx'), false);
    failed.push(fail('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS public.c_idx ON c (x)'));
    assert.equal(made('c_idx'), true, 'a failure added after the first question is seen');
    assert.equal(made('d'), false);
  });

  it('tests each failed statement once per object, however often it is asked', () => {
    const failed = Array.from({ length: 50 }, (_, i) => fail(`CREATE INDEX idx_${i} ON t (c${i})`));
    const made = madeByFailedLookup(failed);
    for (let round = 0; round < 20; round++) {
      assert.equal(made('missing'), false);
      assert.equal(made('idx_0'), true);
    }
    // 'missing': all 50 once; 'idx_0': the first one, found.
    assert.equal(made.tested, 51);
    failed.push(fail('CREATE TABLE missing (id int)'));
    assert.equal(made('missing'), true);
    assert.equal(made.tested, 52, 'only the new failure was tested');
  });
});
