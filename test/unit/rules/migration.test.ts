/**
 * The rules' whole-document indexes (rules/migration.ts) are built a statement at a time before the
 * rules of a long document run, so a sliced lint never walks every statement in one slice (issue 18):
 * counted in steps, never timed. Built in steps or in one go, they are the same.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { lockWindows, timeoutGaps, warmDocumentIndexes } from '../../../server/src/rules/migration';
import { durationMs } from '../../../server/src/document/settings';

const config = { ...DEFAULT_CONFIG, transaction: 'always' as const };

function steps(generator: Generator<void, void>): number {
  let n = 0;
  while (!generator.next().done) n++;
  return n;
}

describe('rules/migration.ts: document indexes built in steps (issue 18)', function () {
  this.timeout(60_000);
  before(() => initEngine());

  function longDocument() {
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) lines.push(i % 3 === 0 ? `ALTER TABLE orders ADD COLUMN c${i} int;` : `ALTER TABLE orders ALTER COLUMN c${i - (i % 3)} TYPE bigint;`);
    const schema = catalogFromSql('CREATE TABLE orders (id bigint PRIMARY KEY);', config);
    return lintText(lines.join('\n') + '\n', { config, schema });
  }

  it('a long lint builds them before its rules run: the rules find them built', () => {
    const { document, findings } = longDocument();
    assert.ok(findings.some((f) => f.ruleId === 'require-lock-timeout'), 'the indexes were used');
    assert.equal(steps(warmDocumentIndexes(document, config)), 0, 'nothing left to build');
  });

  it('builds them one statement at a time, the same as in one go', () => {
    const { document } = longDocument();
    const stepped = { ...document };
    const atOnce = { ...document };
    assert.ok(steps(warmDocumentIndexes(stepped, config)) >= 2 * document.statements.length, 'at least a step per statement and index');
    const ceiling = durationMs(config.lockTimeout);
    const gapKeys = (d: typeof document) => [...timeoutGaps(d, ceiling).keys()];
    const windows = (d: typeof document) => [...lockWindows(d)].map(([i, w]) => [i, w.tables.length, w.slow.length]);
    assert.deepEqual(gapKeys(stepped), gapKeys(atOnce));
    assert.deepEqual(windows(stepped), windows(atOnce));
    assert.ok(windows(stepped).some(([, tables]) => tables > 0), 'a non-trivial lock window');
  });
});
