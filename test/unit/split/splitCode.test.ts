/**
 * "Split into phases" with the application code's references: a step whose names the code still
 * uses goes to the contract phase, behind a deploy that lists the code sites to change.
 */
import assert from 'node:assert/strict';
import { referencesOf, type ReferenceLookup } from '../../../server/src/coderefs/index';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine } from '../../../server/src/engine';
import { splitMigration, type SplitResult } from '../../../server/src/split/plan';

const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);';
const PATH = '/m/20240101120000_change_users.sql';

function split(text: string, code?: ReferenceLookup): SplitResult {
  const config = { ...DEFAULT_CONFIG };
  return splitMigration({ text, path: PATH, config, schema: catalogFromSql(SETUP, config), folder: { siblings: [], now: NOW }, code });
}

function ok(result: SplitResult): Extract<SplitResult, { ok: true }> {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** Built after initEngine(): the SQL in the strings needs the parser. */
const code = () => referencesOf([
  { path: 'src/users.ts', text: "// users\nexport const find = (db, id) => db.query('SELECT email FROM users WHERE id = $1', [id]);\n" },
  { path: 'src/signup.ts', text: "export const add = (db, e, a) =>\n  db.query('INSERT INTO users (email, age) VALUES ($1, $2)', [e, a]);\n" },
]);

describe('split into phases, with the code references', () => {
  before(() => initEngine());

  const MOVE_EMAIL = 'ALTER TABLE users ADD COLUMN login text;\nUPDATE users SET login = email;\nALTER TABLE users DROP COLUMN email;\n';

  it('lists the code sites the deploy before the contract phase must change, and says why on the step', () => {
    const result = ok(split(MOVE_EMAIL, code()));
    const contract = result.deploys.find((d) => d.before === 'contract');
    assert.deepEqual(contract?.codeSites, [
      { path: 'src/signup.ts', line: 2, why: 'writes users.email', target: 'users.email' },
      { path: 'src/users.ts', line: 2, why: 'reads users.email', target: 'users.email' },
    ]);
    const drop = result.files.flatMap((f) => f.steps).find((s) => /DROP COLUMN email/.test(s.step.sql))!;
    assert.equal(drop.phase, 'contract');
    assert.match(drop.why, /the code still uses users\.email \(src\/signup\.ts:2, src\/users\.ts:2\)$/);
    assert.ok(
      result.note.text.includes('The code that deploy must change (it still uses what the contract phase removes or constrains):\n\n- `src/signup.ts:2`: writes users.email\n- `src/users.ts:2`: reads users.email\n'),
      result.note.text,
    );
  });

  it('lists no code sites without the index, or when no code uses the names', () => {
    for (const refs of [undefined, referencesOf([{ path: 'src/other.ts', text: "db.query('SELECT id FROM users')\n" }])]) {
      const result = ok(split(MOVE_EMAIL, refs));
      assert.equal(result.deploys.find((d) => d.before === 'contract')?.codeSites, undefined);
      assert.ok(!result.note.text.includes('The code that deploy must change'));
    }
  });

  it('moves a statement that would stay in expand to the contract phase when the code writes what it constrains', () => {
    const text = 'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users ADD COLUMN IF NOT EXISTS age int CHECK (age >= 0);\n';
    // Without the code both are additions: one expand migration, nothing to split.
    const alone = split(text);
    assert.equal(alone.ok, false);
    const result = ok(split(text, code()));
    assert.deepEqual(result.files.map((f) => [f.phase, f.steps.map((s) => s.step.sql.replace(/\s+/g, ' '))]), [
      ['expand', ['ALTER TABLE users ADD COLUMN nick text;']],
      ['contract', ['ALTER TABLE users ADD COLUMN IF NOT EXISTS age int CHECK (age >= 0);']],
    ]);
    assert.deepEqual(result.deploys, [
      {
        before: 'contract',
        reasons: ['the code still uses users.age (src/signup.ts:2)'],
        codeSites: [{ path: 'src/signup.ts', line: 2, why: 'writes users.age: a value it writes must pass the new CHECK', target: 'users.age' }],
      },
    ]);
  });

  it('does not count code against a table the same migration creates', () => {
    const text = 'CREATE TABLE logins (id bigint, email text);\nALTER TABLE logins DROP COLUMN email;\nALTER TABLE users ADD COLUMN nick text;\n';
    const refs = referencesOf([{ path: 'src/l.ts', text: "db.query('SELECT email FROM logins')\n" }]);
    assert.equal(refs.lookup('logins', 'email').references.length, 1);
    const result = split(text, refs);
    const steps = result.ok ? result.files.flatMap((f) => f.steps) : [];
    assert.ok(steps.every((s) => !s.codeSites), JSON.stringify(steps.map((s) => s.why)));
  });
});
