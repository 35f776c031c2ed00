/** The plan a one-step statement asks for, with its answers, for the editor's prefilled picks. */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { suggestFromStatement } from '../../../server/src/scaffold/suggest';
import { SCHEMA } from './cases';

async function suggest(sql: string) {
  await initEngine();
  const stmt = lintText(sql, { config: DEFAULT_CONFIG }).document.statements[0];
  const s = suggestFromStatement(stmt.ast as never, stmt.text, schemaFromSql(SCHEMA, DEFAULT_CONFIG));
  return s && { kind: s.kind, args: s.args };
}

describe('scaffold: suggestions from the statement under the cursor', () => {
  const cases: Array<[string, ReturnType<typeof suggest> extends Promise<infer T> ? T : never]> = [
    ['ALTER TABLE accounts RENAME COLUMN email TO email_address;', { kind: 'rename-column', args: { table: 'accounts', column: 'email', to: 'email_address' } }],
    ['ALTER TABLE accounts RENAME TO members;', { kind: 'rename-table', args: { table: 'accounts', to: 'members' } }],
    ['ALTER TABLE accounts ALTER COLUMN created_at TYPE timestamptz;', { kind: 'change-type', args: { table: 'accounts', column: 'created_at', type: 'timestamptz' } }],
    ['ALTER TABLE users ALTER COLUMN id TYPE bigint;', { kind: 'change-primary-key', args: { table: 'users', to: 'bigint' } }],
    ['ALTER TABLE accounts ADD COLUMN region text NOT NULL;', { kind: 'add-not-null-column', args: { table: 'accounts', column: 'region', type: 'text' } }],
    ['ALTER TABLE carts ADD CONSTRAINT carts_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id);', { kind: 'add-foreign-key', args: { table: 'carts', column: 'owner_id', references: 'users', 'ref-column': 'id' } }],
    ['ALTER TABLE carts DROP COLUMN legacy_flags;', { kind: 'drop-column', args: { table: 'carts', column: 'legacy_flags' } }],
    ['DROP TABLE coupons;', { kind: 'drop-table', args: { table: 'coupons' } }],
    ['ALTER TABLE accounts ADD COLUMN region text;', undefined],
    ['SELECT 1;', undefined],
  ];
  for (const [sql, expected] of cases) it(sql, async () => assert.deepEqual(await suggest(sql), expected));
});
