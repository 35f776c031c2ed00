/**
 * A column-only edit whose table a statement far later reads (the bench file's last lines `ANALYZE`
 * its first tables): the schema before that statement is the kept checkpoint nearest before it, with
 * the table's columns carried over (document/columnPatch.ts jumpAhead), not a replay of every schema
 * change in between. `stats.replayed` counts the statements the patch applied; each relint must equal
 * a lint from scratch, also when a statement in between does look the table up.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { catalogFromSql, explain, initEngine, type LintResult } from '../../server/src/engine';
import type { Catalog } from '../../server/src/catalog/catalog';
import { catalogDigest } from '../../server/src/fixes/window';
import { CHECKPOINT_EVERY } from '../../server/src/document/lazyCatalog';
import { relint as relintWith, warmLinter } from './relintPair';

const path = '/nonexistent/lockstep-columnjump/V2__edit.sql';
const relint = (before: string, after: string, schema?: Catalog) => relintWith(path, before, after, schema);

/** The findings, the lock facts hovers show, and the schema after the file. */
function fingerprint(result: LintResult): string {
  const schema = JSON.stringify(JSON.parse(catalogDigest(result.document.catalog)), (key, value) => (key === 'location' ? undefined : value));
  return JSON.stringify({ findings: result.findings, impacts: explain(result), schema });
}

/** `count` schema changes on tables of their own (several checkpoints' worth). */
const fillers = (count: number, prefix = 'filler') => Array.from({ length: count }, (_, i) => `CREATE TABLE ${prefix}_${i} (id int);`).join('\n');

const schema = () => catalogFromSql('CREATE TABLE t (id bigint PRIMARY KEY);\nCREATE TABLE u (id bigint PRIMARY KEY);\n', DEFAULT_CONFIG);

describe('a column-only edit read far later: the schema from the nearest checkpoint, the table carried over', function () {
  this.timeout(120_000);
  before(() => initEngine());

  it('a reader at the end of the file: patched, fewer statements replayed than a checkpoint spans, its new verdict as from scratch', () => {
    const before = `ALTER TABLE t ADD COLUMN note text;
${fillers(5 * CHECKPOINT_EVERY)}
ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;
ANALYZE t;
`;
    const { first, second, stats, fresh } = relint(before, before.replace('ADD COLUMN note', 'ADD COLUMN other'), schema());
    assert.equal(stats.patched, true);
    // The edit, the IF NOT EXISTS (no longer skipped: another verdict) and the ANALYZE.
    assert.equal(stats.analyzed, 3);
    assert.equal(stats.changedLater, 1);
    assert.ok(stats.replayed < CHECKPOINT_EVERY, `replayed ${stats.replayed} of ${5 * CHECKPOINT_EVERY} schema changes`);
    assert.notEqual(JSON.stringify(explain(second).at(-2)), JSON.stringify(explain(first).at(-2)), 'the IF NOT EXISTS no longer skips');
    assert.equal(fingerprint(second), fingerprint(fresh));
  });

  it('statements in between that look the table up are replayed, those after them skipped: as from scratch', () => {
    const cases = {
      'a column added on the way': `ALTER TABLE t ADD COLUMN note text;
${fillers(2 * CHECKPOINT_EVERY, 'a')}
ALTER TABLE t ADD COLUMN extra text;
${fillers(3 * CHECKPOINT_EVERY, 'b')}
ALTER TABLE t ADD COLUMN IF NOT EXISTS extra text;
ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;
`,
      'the table dropped and made again': `ALTER TABLE t ADD COLUMN note text;
${fillers(2 * CHECKPOINT_EVERY, 'a')}
DROP TABLE t;
CREATE TABLE t (id bigint PRIMARY KEY, other text);
${fillers(3 * CHECKPOINT_EVERY, 'b')}
ALTER TABLE t ADD COLUMN IF NOT EXISTS other text;
ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;
`,
      'a schema dropped (its effect walks every relation)': `ALTER TABLE t ADD COLUMN note text;
${fillers(2 * CHECKPOINT_EVERY, 'a')}
DROP SCHEMA IF EXISTS old_things CASCADE;
${fillers(3 * CHECKPOINT_EVERY, 'b')}
ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;
`,
    };
    for (const [name, before] of Object.entries(cases)) {
      const { second, stats, fresh } = relint(before, before.replace('ADD COLUMN note text', 'ADD COLUMN other text'), schema());
      assert.equal(fingerprint(second), fingerprint(fresh), name);
      assert.equal(stats.patched, true, name);
      assert.ok(stats.replayed < 2 * CHECKPOINT_EVERY, `${name}: replayed ${stats.replayed}`);
    }
  });

  it('after a whole relint the recorded lookups come from the lint that kept them: the next rename still jumps', () => {
    const v0 = `ALTER TABLE t ADD COLUMN note text;
${fillers(5 * CHECKPOINT_EVERY)}
CREATE TABLE last_one (id int);
ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;
`;
    // One schema object: the lint's key names it (another object, another key: a whole relint).
    const { cache, lint, fresh } = warmLinter(path, schema());
    lint(v0);
    // Not a column-only edit: a whole relint, the schema before it restored from the checkpoints (not applied again).
    const v1 = v0.replace('CREATE TABLE last_one (id int)', 'CREATE TABLE last_one (id bigint)');
    lint(v1);
    assert.equal(cache.stats.patched, false);
    const v2 = v1.replace('ADD COLUMN note text', 'ADD COLUMN other text');
    const result = lint(v2);
    assert.equal(cache.stats.patched, true);
    assert.ok(cache.stats.replayed < CHECKPOINT_EVERY, `replayed ${cache.stats.replayed}`);
    assert.equal(fingerprint(result), fingerprint(fresh(v2)));
  });

  it('a reader that read a table patched after the edit: never analysed on a checkpoint with that table\'s old columns', () => {
    const v0 = `ALTER TABLE t ADD COLUMN a text;
ALTER TABLE u ADD COLUMN b text;
${fillers(5 * CHECKPOINT_EVERY)}
ALTER TABLE u ADD COLUMN IF NOT EXISTS b text;
REINDEX DATABASE lockstep;
`;
    const { cache, lint, fresh } = warmLinter(path, schema());
    lint(v0);
    // u's column renamed: patched; from then on the checkpoints hold u's old columns.
    const v1 = v0.replace('ADD COLUMN b text', 'ADD COLUMN c text');
    lint(v1);
    assert.equal(cache.stats.patched, true);
    // t's column renamed: REINDEX DATABASE read every relation (u too), so no checkpoint serves it.
    const v2 = v1.replace('ADD COLUMN a text', 'ADD COLUMN d text');
    const result = lint(v2);
    assert.equal(fingerprint(result), fingerprint(fresh(v2)));
    if (cache.stats.patched) assert.ok(cache.stats.replayed >= 5 * CHECKPOINT_EVERY, `replayed ${cache.stats.replayed}`);
  });

  it('random renames of two tables read far later, with readers of both: each relint equals a lint from scratch', () => {
    const lines = [
      'ALTER TABLE t ADD COLUMN a text;',
      'ALTER TABLE u ADD COLUMN b text;',
      fillers(2 * CHECKPOINT_EVERY, 'x'),
      'ALTER TABLE t ADD COLUMN c text;',
      fillers(2 * CHECKPOINT_EVERY, 'y'),
      'ALTER TABLE u ADD COLUMN d text;',
      fillers(2 * CHECKPOINT_EVERY, 'z'),
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS a text;',
      'ALTER TABLE u ADD COLUMN IF NOT EXISTS b text;',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS c text;',
      "ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (a) REFERENCES u (b) NOT VALID;",
      'ANALYZE t;',
      'ANALYZE u;',
    ];
    const editable = [0, 1, 3, 5];
    const names = ['a', 'b', 'c', 'd', 'e', 'id'];
    let seed = 11;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const { cache, lint, fresh } = warmLinter(path, schema());
    lint(`${lines.join('\n')}\n`);
    let patched = 0;
    let fewReplayed = 0;
    for (let n = 0; n < 40; n++) {
      const line = editable[Math.floor(next() * editable.length)];
      lines[line] = lines[line].replace(/ADD COLUMN \w+/, `ADD COLUMN ${names[Math.floor(next() * names.length)]}`);
      const text = `${lines.join('\n')}\n`;
      const result = lint(text);
      if (cache.stats.patched) patched++;
      if (cache.stats.patched && cache.stats.replayed < 2 * CHECKPOINT_EVERY) fewReplayed++;
      assert.equal(fingerprint(result), fingerprint(fresh(text)), `edit ${n}: ${lines[line]}`);
    }
    assert.ok(patched >= 10, `patched: ${patched}`);
    assert.ok(fewReplayed >= 10, `patched with few statements replayed: ${fewReplayed}`);
  });
});
