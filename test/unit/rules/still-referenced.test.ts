/**
 * still-referenced on the fixture apps (test/fixtures/coderefs/): every contract statement is
 * flagged with exactly the expected code locations, and names that appear only in comments,
 * unrelated identifiers, non-SQL strings or migration folders do not count.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeIndex } from '../../../server/src/coderefs/index';
import type { Finding } from '../../../server/src/findings';
import { lint, underlined } from '../../support/lint';

const FIXTURES = join(__dirname, '../../fixtures/coderefs');
const RULE = 'still-referenced';

async function check(app: string, setup: string, migration: string): Promise<{ sql: string; findings: Finding[]; all: Finding[]; index: CodeIndex; statements: string[] }> {
  const index = await CodeIndex.build([join(FIXTURES, app)]);
  const sql = readFileSync(join(FIXTURES, app, migration), 'utf8');
  const result = await lint(sql, { setup, code: index });
  const statements = result.document.statements.map((s) => s.text);
  return { sql, findings: result.findings.filter((f) => f.ruleId === RULE), all: result.findings, index, statements };
}

/** `path:line:column why` of each related location, for exact comparisons. */
const where = (f: Finding) => (f.related ?? []).map((r) => `${r.path}:${r.line}:${r.column} ${r.message}`);
/** The finding's statement, and the name it underlines. */
const statementOf = (statements: string[], f: Finding) => statements[f.statementIndex!];

describe(`rule ${RULE}`, () => {
  describe('TypeScript app (Prisma, raw SQL, a .sql report)', () => {
    const setup = readFileSync(join(FIXTURES, 'ts-app/migrations/001_init.sql'), 'utf8');

    it('flags each contract statement with exactly the code that uses its names', async () => {
      const { findings, statements } = await check('ts-app', setup, 'migrations/002_contract.sql');
      const byStatement = Object.fromEntries(findings.map((f) => [statementOf(statements, f), { severity: f.severity, at: where(f) }]));
      assert.deepEqual(byStatement, {
        'ALTER TABLE users DROP COLUMN username;': {
          severity: 'error',
          at: [
            'prisma/schema.prisma:4:3 Prisma model maps users.username',
            // the aliased column (u.username AS login), twice in one query
            'src/queries.ts:5:29 reads users.username',
            'src/queries.ts:5:77 reads users.username',
          ],
        },
        'ALTER TABLE users RENAME COLUMN "displayName" TO display_name;': {
          severity: 'error',
          // the quoted identifier
          at: ['src/queries.ts:9:27 reads users.displayName'],
        },
        'ALTER TABLE users ALTER COLUMN email_address TYPE varchar(320);': {
          severity: 'warning',
          // Prisma's @map: the column name, not the field name
          at: ['prisma/schema.prisma:5:25 Prisma model maps users.email_address'],
        },
        'ALTER TABLE posts ADD COLUMN slug text NOT NULL;': {
          severity: 'warning',
          at: [
            'prisma/schema.prisma:17:10 Prisma model of posts: writes rows without slug',
            'src/queries.ts:17:32 writes posts: writes rows without slug',
          ],
        },
        'DROP TABLE audit_log;': {
          severity: 'error',
          at: [
            'src/queries.ts:21:27 reads every column of audit_log (SELECT *)',
            'src/queries.ts:21:34 uses audit_log',
            'src/queries.ts:21:53 reads audit_log.id',
          ],
        },
      });
    });

    it('underlines the name each statement removes or constrains, not the whole statement', async () => {
      const { sql, findings } = await check('ts-app', setup, 'migrations/002_contract.sql');
      assert.deepEqual(
        findings.map((f) => underlined(sql, f)),
        ['username', '"displayName"', 'email_address', 'slug', 'audit_log'],
      );
    });

    it('leaves drop-column and rename-column to it where it reports the name, and keeps them where no code uses it', async () => {
      const { all, statements } = await check('ts-app', setup, 'migrations/002_contract.sql');
      const generic = all.filter((f) => f.ruleId === 'drop-column' || f.ruleId === 'rename-column').map((f) => `${f.ruleId}: ${statementOf(statements, f)}`);
      // username and displayName are used by the code (still-referenced reports them); nickname is not.
      assert.deepEqual(generic, ['drop-column: ALTER TABLE users DROP COLUMN nickname;']);
      // DROP TABLE also loses data: drop-table stays next to still-referenced.
      assert.equal(all.filter((f) => f.ruleId === 'drop-table').length, 1);
    });

    it('keeps drop-column and rename-column when still-referenced is off', async () => {
      const index = await CodeIndex.build([join(FIXTURES, 'ts-app')]);
      const sql = readFileSync(join(FIXTURES, 'ts-app/migrations/002_contract.sql'), 'utf8');
      const result = await lint(sql, { setup, code: index, config: { rules: { [RULE]: 'off' } } });
      assert.deepEqual(result.findings.filter((f) => f.ruleId === 'drop-column' || f.ruleId === 'rename-column').map((f) => f.ruleId), ['drop-column', 'drop-column', 'rename-column']);
    });

    it('does not count a name found only in a comment, an unrelated identifier, a non-SQL string or a migration', async () => {
      const { findings, index } = await check('ts-app', setup, 'migrations/002_contract.sql');
      assert.deepEqual(index.lookup('users', 'nickname').references, []);
      assert.equal(findings.some((f) => f.message.includes('nickname')), false);
    });

    it('says nothing without a code index', async () => {
      const sql = readFileSync(join(FIXTURES, 'ts-app/migrations/002_contract.sql'), 'utf8');
      assert.deepEqual((await lint(sql, { setup })).findings.filter((f) => f.ruleId === RULE), []);
    });
  });

  describe('Django app', () => {
    const setup = 'CREATE TABLE customers (id bigint PRIMARY KEY, name text, email text, legacy_code text);\nCREATE TABLE shop_order (id bigint PRIMARY KEY, customer_id bigint, total numeric);';

    it('follows db_column and the default <app>_<model> table, and ignores the migrations folder', async () => {
      const { findings, statements } = await check('django-app', setup, 'migrations/0002_contract.sql');
      const byStatement = Object.fromEntries(findings.map((f) => [statementOf(statements, f), where(f)]));
      assert.deepEqual(byStatement, {
        'ALTER TABLE customers DROP COLUMN name;': [
          'shop/models.py:5:61 Django model maps customers.name',
          'shop/reports.py:4:18 reads customers.name',
        ],
        'ALTER TABLE shop_order ADD CONSTRAINT total_positive CHECK (total > 0);': [
          'shop/models.py:15:5 Django model maps shop_order.total: a value it writes must pass the new CHECK',
        ],
      });
    });
  });

  describe('Rails app', () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY, last_login_at timestamptz, legacy_token text);\nCREATE TABLE billing_accounts (id bigint PRIMARY KEY);';

    it('counts a model as using every column except ignored_columns, and finds SQL in heredocs', async () => {
      const { findings, statements } = await check('rails-app', setup, 'db/migrate/20240202000000_contract.sql');
      const byStatement = Object.fromEntries(findings.map((f) => [statementOf(statements, f), where(f)]));
      assert.deepEqual(byStatement, {
        'ALTER TABLE users DROP COLUMN last_login_at;': [
          'app/models/user.rb:1:7 ActiveRecord model loads and writes every column of users',
          'app/queries/stats.rb:4:18 reads users.last_login_at',
          'app/queries/stats.rb:4:49 reads users.last_login_at',
        ],
        'ALTER TABLE billing_accounts RENAME TO accounts;': ['app/models/account.rb:2:22 ActiveRecord model loads and writes every column of billing_accounts'],
      });
    });
  });
});
