/** PLAN.md with the code index: each deploy lists the code sites (file:line) it must change before the next phase. */
import assert from 'node:assert/strict';
import { referencesOf, type ReferenceLookup } from '../../../server/src/coderefs/index';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';

const SCHEMA = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, age int);';

function planMd(kind: string, args: Record<string, string>, code?: ReferenceLookup): string {
  const r = scaffold({ kind, args, schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG), runner: 'plain', migrationsDir: 'm', existing: [], code });
  return r.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
}

/** The "Order of operations" list. */
const order = (md: string) => md.slice(md.indexOf('## Order of operations'), md.indexOf('## Phase 1'));

describe('scaffold: PLAN.md lists the code sites of each deploy', () => {
  let code: ReferenceLookup;
  before(async () => {
    await initEngine();
    // Built after initEngine(): the SQL in the strings needs the parser.
    code = referencesOf([
      { path: 'src/users.ts', text: "// users\nexport const find = (db, id) => db.query('SELECT email FROM users WHERE id = $1', [id]);\n" },
      { path: 'src/signup.ts', text: "export const add = (db, e) =>\n  db.query('INSERT INTO users (email) VALUES ($1)', [e]);\n" },
    ]);
  });

  it('rename-column: the deploy before the contract lists every line that still uses the old column', () => {
    assert.equal(
      order(planMd('rename-column', { table: 'users', column: 'email', to: 'email_address' }, code)),
      [
        '## Order of operations',
        '',
        '1. **Phase 1 — Expand** (below).',
        '2. **Phase 2 — Backfill** (below).',
        '3. **Deploy:** Deploy v2 (rolling: v1 and v2 run side by side; the triggers keep both shapes identical).',
        '4. **Deploy:** Wait until no v1 instance is left before the contract: v1 still uses the old columns.',
        '   Code to change in this deploy: it still uses what phase 3 removes or constrains:',
        // the contract drops email and makes email_address NOT NULL: the INSERT that omits it fails too
        '   - `src/signup.ts:2`: writes users: writes rows without email_address; writes users.email',
        '   - `src/users.ts:2`: reads users.email',
        '5. **Phase 3 — Contract** (below).',
        '',
        '',
      ].join('\n'),
    );
  });

  it('rename-table: nothing before the first phase (a view keeps the old name), the old name\'s users before the view is dropped', () => {
    const md = order(planMd('rename-table', { table: 'users', to: 'members' }, code));
    assert.ok(md.startsWith('## Order of operations\n\n1. **Phase 1 — Expand** (below).\n2. **Deploy:**'), md);
    assert.match(md, /the next phase drops the view users\.\n {3}Code to change in this deploy: it still uses what phase 2 removes or constrains:\n {3}- `src\/signup\.ts:2`: writes users; writes users\.email\n {3}- `src\/users\.ts:2`: reads users\.email; uses users; reads users\.id\n4\. \*\*Phase 2/);
  });

  it('says so when no code uses what the plan removes, and says nothing without the index', () => {
    const none = 'No code in the workspace uses what this plan removes or constrains (checked with the code-reference index).';
    const withIndex = planMd('drop-column', { table: 'users', column: 'age' }, code);
    assert.ok(withIndex.includes(none));
    assert.ok(!withIndex.includes('Code to change'));
    const without = planMd('drop-column', { table: 'users', column: 'age' });
    assert.ok(!without.includes(none) && !without.includes('Code to change'));
    assert.equal(without, withIndex.replace(`${none}\n\n`, ''));
  });
});
