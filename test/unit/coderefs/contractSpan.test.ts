/** contractSpan: the still-referenced finding underlines the name a contract removes or constrains. */
import assert from 'node:assert/strict';
import { contractsOf } from '../../../server/src/coderefs/contract';
import { contractSpan } from '../../../server/src/coderefs/contractSpan';
import { lint } from '../../support/lint';

/** For each statement, each contract's underlined text. */
async function underlinedNames(sql: string): Promise<string[]> {
  const { document } = await lint(sql);
  return document.statements.flatMap((stmt) => contractsOf(stmt.ast).map((c) => {
    const span = contractSpan(stmt, c);
    return `${c.kind} ${sql.slice(span.start, span.end)}`;
  }));
}

describe('contractSpan', () => {
  it('finds each dropped column of a multi-part ALTER TABLE, not a same-named word before it', async () => {
    assert.deepEqual(await underlinedNames('ALTER TABLE username ADD COLUMN x int, DROP COLUMN IF EXISTS Username, DROP name;'), ['drop-column Username', 'drop-column name']);
  });

  it('matches a quoted mixed-case name only quoted and with its case', async () => {
    assert.deepEqual(await underlinedNames('ALTER TABLE users DROP COLUMN displayname, DROP COLUMN "displayName";'), ['drop-column displayname', 'drop-column "displayName"']);
  });

  it('underlines the old name of a rename, the retyped and the newly required column', async () => {
    assert.deepEqual(
      await underlinedNames('ALTER TABLE users RENAME name TO full_name;\nALTER TABLE public.users RENAME TO members;\nALTER TABLE users ALTER COLUMN age SET DATA TYPE bigint, ALTER age SET NOT NULL;\nALTER TABLE users ADD COLUMN IF NOT EXISTS code text NOT NULL;'),
      ['rename-column name', 'rename-table users', 'type-change age', 'set-not-null age', 'required-column code'],
    );
  });

  it('finds each table of a DROP TABLE list, qualified or not', async () => {
    assert.deepEqual(await underlinedNames('DROP TABLE IF EXISTS public.sessions, "Audit", logs CASCADE;'), ['drop-table sessions', 'drop-table "Audit"', 'drop-table logs']);
  });

  it('underlines the constrained column of a CHECK or FOREIGN KEY', async () => {
    assert.deepEqual(
      await underlinedNames('ALTER TABLE orders ADD CONSTRAINT total_ok CHECK (subtotal + total > 0);\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id);\nALTER TABLE orders ADD COLUMN region text CHECK (region <> \'\');'),
      // one contract per constraint: its first column
      ['check subtotal', 'foreign-key shop_id', 'check region'],
    );
  });
});
