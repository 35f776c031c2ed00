/**
 * Dependent views re-created by rename-column and drop-column plans: the SQL the contract and the
 * expand rollback run, from history definitions (CREATE VIEW …) and database ones (pg_get_viewdef).
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import type { DependentObject } from '../../../server/src/scaffold/dependencies';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { statementsOf } from '../../../server/src/scaffold/plan';
import { rewriteDependentViews } from '../../../server/src/scaffold/viewRewrite';

const rename = { action: 'rename-column' as const, table: 'users', column: 'username', to: 'handle' };
const drop = { action: 'drop-column' as const, table: 'users', column: 'username', archive: 'users_archive', key: 'id' };
const view = (definition: string, name = 'v'): DependentObject => ({ kind: 'view', name, definition });

describe('scaffold: dependent views rewritten by the plan', () => {
  before(() => initEngine());

  it('rename: the column is read under its new name and keeps its output name, wherever it appears', () => {
    const [r] = rewriteDependentViews([view('CREATE VIEW v AS SELECT u.id, u.username, upper(username) AS shout FROM users u WHERE u.username <> \'\' ORDER BY "username";')], rename);
    assert.deepEqual(r.forward, [`CREATE OR REPLACE VIEW v AS SELECT u.id, u.handle AS username, upper(handle) AS shout FROM users u WHERE u.handle <> '' ORDER BY handle`]);
    assert.deepEqual(r.back, [`CREATE OR REPLACE VIEW v AS SELECT u.id, u.username, upper(username) AS shout FROM users u WHERE u.username <> '' ORDER BY "username"`]);
  });

  it('rename: a pg_get_viewdef definition (a connected database), joined to another table with a column of the same name', () => {
    const def = ' SELECT users.id,\n    users.username,\n    teams.username AS team_user\n   FROM (users\n     JOIN teams ON ((teams.id = users.id)));';
    const [r] = rewriteDependentViews([view(def, 'User View')], rename);
    assert.deepEqual(r.forward, [`CREATE OR REPLACE VIEW "User View" AS SELECT users.id,\n    users.handle AS username,\n    teams.username AS team_user\n   FROM (users\n     JOIN teams ON ((teams.id = users.id)))`]);
  });

  it('drop: the view reads the archived value by key, under the same output name', () => {
    const [r] = rewriteDependentViews([view('CREATE VIEW v AS SELECT id, username FROM users WHERE username IS NOT NULL')], drop);
    const sub = '(SELECT lockstep_archive.username FROM users_archive lockstep_archive WHERE lockstep_archive.id = users.id)';
    assert.deepEqual(r.forward, [`CREATE OR REPLACE VIEW v AS SELECT id, ${sub} AS username FROM users WHERE ${sub} IS NOT NULL`]);
  });

  it('materialized views are dropped and re-created; the rollback only re-creates one the contract changed', () => {
    const [r] = rewriteDependentViews([{ kind: 'materialized view', name: 'm', definition: 'CREATE MATERIALIZED VIEW m AS SELECT lower(username) AS u FROM users WITH NO DATA' }], rename);
    assert.deepEqual(r.forward, ['DROP MATERIALIZED VIEW IF EXISTS m', 'CREATE MATERIALIZED VIEW m AS SELECT lower(handle) AS u FROM users WITH DATA']);
    assert.equal(r.back.length, 1);
    assert.match(r.back[0], /^DO \$body\$\nBEGIN\n {2}IF EXISTS \(SELECT 1 FROM pg_depend .* r\.ev_class = 'm'::regclass AND d\.refobjid = 'users'::regclass AND d\.refobjsubid = \(SELECT attnum FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'handle'\)\) THEN\n {4}DROP MATERIALIZED VIEW IF EXISTS m;\n {4}CREATE MATERIALIZED VIEW m AS SELECT lower\(username\) AS u FROM users WITH DATA;\n {2}END IF;\nEND\n\$body\$$/);
  });

  it('leaves what it cannot rewrite with certainty to the user (PLAN.md blocker)', () => {
    for (const def of [
      'CREATE VIEW v AS SELECT * FROM users',
      'CREATE VIEW v AS SELECT id FROM users JOIN teams USING (username)',
      'CREATE VIEW v AS SELECT a.id FROM users a JOIN users b ON username = b.username',
      'CREATE VIEW v (a, b) AS SELECT id, username FROM users',
      'CREATE VIEW v AS SELECT id, username FROM users WITH CHECK OPTION',
    ]) {
      assert.deepEqual(rewriteDependentViews([view(def)], rename), [], def);
    }
    // Another table's column of the same name is not this plan's business.
    assert.deepEqual(rewriteDependentViews([view('CREATE VIEW v AS SELECT t.username FROM teams t, users')], rename), []);
  });

  it('the plans run the rewrite in the contract (before the DROP COLUMN) and the original in the expand rollback', () => {
    const schema = schemaFromSql(`CREATE TABLE users (id bigserial PRIMARY KEY, username text);\nCREATE VIEW names AS SELECT id, username FROM users;`, DEFAULT_CONFIG);
    for (const [kind, args] of [['rename-column', { table: 'users', column: 'username', to: 'handle' }], ['drop-column', { table: 'users', column: 'username' }]] as const) {
      const r = scaffold({ kind, args, schema, runner: 'plain', migrationsDir: 'm', existing: [] });
      const step = (name: string, dir: 'up' | 'down') => statementsOf(r.plan.phases.flatMap((p) => p.migrations).find((m) => m.name === name)![dir]);
      const contract = step('contract', 'up');
      const replace = contract.findIndex((s) => s.startsWith('CREATE OR REPLACE VIEW names AS SELECT id, '));
      const dropColumn = contract.findIndex((s) => /DROP COLUMN username\b/.test(s));
      assert.ok(replace >= 0 && dropColumn > replace, `${kind}: ${contract.join('\n')}`);
      assert.deepEqual(step('expand', 'down').filter((s) => s.includes('VIEW')), ['CREATE OR REPLACE VIEW names AS SELECT id, username FROM users'], kind);
      assert.ok(!step('contract', 'down').some((s) => s.includes('VIEW')), kind);
    }
  });
});
