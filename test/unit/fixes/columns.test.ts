/** Column fixes: volatile defaults, required columns, unbatched UPDATE/DELETE, type best practices. */
import assert from 'node:assert/strict';
import { NOW, fixed, fixesOf, rulesIn } from './support';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';

describe('fixes: columns and data', () => {
  it('volatile-default: the column without its default, SET DEFAULT in the same ALTER, a keyset backfill, then the NOT NULL path', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();';
    const { fix, text, left } = await fixed('volatile-default', sql, { setup: USERS });
    assert.equal(fix.safe, false, 'a backfill needs review');
    const [add, ...rest] = text.split('\n');
    assert.equal(add, 'ALTER TABLE users ADD COLUMN token uuid, ALTER COLUMN token SET DEFAULT gen_random_uuid();');
    const body = rest.join('\n');
    assert.match(body, /^DO \$backfill\$\nDECLARE\n  batch_start users\.id%TYPE;/);
    assert.match(body, /UPDATE users SET token = gen_random_uuid\(\)\n      WHERE id BETWEEN batch_start AND batch_end AND token IS NULL;\n    COMMIT;/);
    assert.match(body, /\$backfill\$;\nALTER TABLE users ADD CONSTRAINT users_token_not_null_check CHECK \(token IS NOT NULL\) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_token_not_null_check;\nALTER TABLE users ALTER COLUMN token SET NOT NULL;/);
    assert.ok(!rulesIn(left).includes('volatile-default'));
  });

  it('volatile-default: without a known primary key the backfill walks block ranges, then sweeps what moved', async () => {
    const { text } = await fixed('volatile-default', 'ALTER TABLE logs ADD COLUMN at timestamptz DEFAULT clock_timestamp();', { setup: 'CREATE TABLE logs (line text);' });
    assert.match(text, /pg_relation_size\('logs'::regclass\)/);
    assert.match(text, /AND ctid < format\('\(%s,0\)', first_block \+ 1000\)::tid\n        AND "at" IS NULL;|AND at IS NULL;/);
    assert.match(text, /UPDATE logs SET (at|"at") = clock_timestamp\(\) WHERE (at|"at") IS NULL;\nEND/);
  });

  it('required-column: nullable now; the NOT NULL path waits in later migrations, after a deploy and a backfill only the user can write', async () => {
    const folder = { siblings: ['0001_users.sql', '0002_plan.sql'], now: NOW };
    const [fix] = await fixesOf('required-column', 'ALTER TABLE users ADD COLUMN plan text NOT NULL;', { setup: USERS, path: '/m/0002_plan.sql', folder });
    assert.equal(fix.safe, false);
    assert.deepEqual(fix.edits.map((e) => e.newText), ['']);
    assert.deepEqual(fix.files.map((f) => f.path), ['/m/0003_plan_not_null_check.sql', '/m/0004_validate_plan_not_null.sql']);
    assert.match(fix.files[0].text, /^-- Run this only after: code that writes plan is deployed, and existing rows of users are backfilled\.\n/);
    assert.match(fix.files[1].text, /VALIDATE CONSTRAINT users_plan_not_null_check;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;/);
    assert.deepEqual(await fixesOf('required-column', 'ALTER TABLE users ADD COLUMN plan text NOT NULL;', { setup: USERS }), [], 'no folder: no file to defer to');
  });

  it('unbounded-dml: the UPDATE runs in committed batches by primary key, with its SET list as written', async () => {
    const { text, left } = await fixed('unbounded-dml', "UPDATE users SET email = lower(email);", { setup: USERS });
    assert.match(text, /^DO \$backfill\$\n/);
    assert.match(text, /    UPDATE users SET email = lower\(email\)\n      WHERE id BETWEEN batch_start AND batch_end;\n    COMMIT;/);
    assert.ok(!rulesIn(left).includes('unbounded-dml'));
    const del = await fixed('unbounded-dml', 'DELETE FROM users;', { setup: USERS });
    assert.match(del.text, /DELETE FROM users\n      WHERE id BETWEEN/);
  });

  it('prefer-text: text, or text with a named length CHECK at the end of the column', async () => {
    const sql = 'CREATE TABLE t (id bigint PRIMARY KEY, email character varying(255) NOT NULL);';
    const [withCheck, plain] = await fixesOf('prefer-text', sql);
    assert.equal(plain.title, 'Use text');
    const apply = (f: typeof plain) => f.edits.slice().sort((a, b) => b.start - a.start).reduce((s, e) => s.slice(0, e.start) + e.newText + s.slice(e.end), sql);
    assert.equal(apply(plain), 'CREATE TABLE t (id bigint PRIMARY KEY, email text NOT NULL);');
    assert.equal(apply(withCheck), 'CREATE TABLE t (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT t_email_length CHECK (length(email) <= 255));');
  });

  it('prefer-bigint, prefer-timestamptz, prefer-jsonb, prefer-identity: the type as spelled is replaced, the rest kept', async () => {
    assert.equal((await fixed('prefer-bigint', 'CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);')).text, 'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);');
    assert.equal((await fixed('prefer-bigint', 'CREATE TABLE t (id serial PRIMARY KEY);')).text, 'CREATE TABLE t (id bigserial PRIMARY KEY);');
    assert.equal(
      (await fixed('prefer-timestamptz', 'CREATE TABLE t (id bigint PRIMARY KEY, at timestamp(3) without time zone DEFAULT now());')).text,
      'CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz(3) DEFAULT now());',
    );
    assert.equal((await fixed('prefer-jsonb', 'CREATE TABLE t (id bigint PRIMARY KEY, doc json[]);')).text, 'CREATE TABLE t (id bigint PRIMARY KEY, doc jsonb[]);');
    assert.equal((await fixed('prefer-identity', 'CREATE TABLE t (id bigserial PRIMARY KEY);')).text, 'CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);');
    const retype = await fixed('prefer-timestamptz', 'ALTER TABLE users ALTER COLUMN email TYPE timestamp USING now();', { setup: USERS });
    assert.equal(retype.text, 'ALTER TABLE users ALTER COLUMN email TYPE timestamptz USING now();');
  });
});
