/** Moving statements out of a transaction the way each runner needs, and naming new migrations. */
import assert from 'node:assert/strict';
import { nextVersion, packSteps } from '../../../server/src/fixes/migrationFiles';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import type { Step } from '../../../server/src/fixes/types';
import { NOW, fixesOf } from './support';

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);';
const INDEX = 'CREATE INDEX orders_user_idx ON orders (user_id);';
const folder = (...siblings: string[]) => ({ siblings, now: NOW });

describe('fixes: placement by runner', () => {
  it('goose: a migration holding only the build gets -- +goose NO TRANSACTION (safe); one with more statements gets a new migration', async () => {
    const alone = `-- +goose Up\n${INDEX}\n\n-- +goose Down\nDROP INDEX orders_user_idx;\n`;
    const [marker] = await fixesOf('require-concurrent-index', alone, { setup: ORDERS, path: '/m/00003_idx.sql', folder: folder('00003_idx.sql') });
    assert.equal(marker.safe, true);
    assert.match(applyEdits(alone, marker.edits), /^-- \+goose NO TRANSACTION\n-- \+goose Up\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\nCREATE INDEX CONCURRENTLY/);

    const mixed = `-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n${INDEX}\n`;
    const [moved] = await fixesOf('require-concurrent-index', mixed, { setup: ORDERS, path: '/m/00003_idx.sql', folder: folder('00001_a.sql', '00003_idx.sql', 'README.md') });
    // Same end state once the new migration ran: lint --fix applies it (with the folder); the editor's fix-all does not create files.
    assert.equal(moved.safe, true);
    assert.equal(applyEdits(mixed, moved.edits), '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n');
    assert.deepEqual(moved.files.map((f) => f.path), ['/m/00004_orders_user_idx_concurrently.sql']);
    assert.equal(
      moved.files[0].text,
      '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\n',
    );
  });

  it('dbmate: transaction:false on the section\'s migrate:up line, replacing transaction:true', async () => {
    const sql = `-- migrate:up transaction:true\nCREATE INDEX CONCURRENTLY i ON orders (user_id);\n\n-- migrate:down\nDROP INDEX i;\n`;
    const [fix] = await fixesOf('concurrent-in-transaction', sql, { setup: ORDERS, path: '/m/20240101000000_i.sql', folder: folder() });
    assert.equal(applyEdits(sql, fix.edits).split('\n')[0], '-- migrate:up transaction:false');
  });

  it('explicit BEGIN … COMMIT: the build moves after the COMMIT', async () => {
    const sql = `BEGIN;\n${INDEX}\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n`;
    const [fix] = await fixesOf('require-concurrent-index', sql, { setup: ORDERS });
    assert.equal(fix.title, 'Build the index CONCURRENTLY, after the COMMIT');
    assert.equal(fix.safe, true, 'same end state, in the file: fix-all applies it');
    assert.equal(
      applyEdits(sql, fix.edits),
      'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n',
    );
  });

  it('golang-migrate: in place when the build is the only statement; otherwise a new up/down pair holding it alone', async () => {
    const [inPlace] = await fixesOf('require-concurrent-index', INDEX, { setup: ORDERS, path: '/m/000004_idx.up.sql', folder: folder() });
    assert.equal(inPlace.files.length, 0);
    const sql = `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`;
    const [moved] = await fixesOf('require-concurrent-index', sql, { setup: ORDERS, path: '/m/000004_idx.up.sql', folder: folder('000004_idx.up.sql', '000004_idx.down.sql') });
    // No DROP guard: alone in a migration of its own it would protect nothing (the build's file is what reruns).
    assert.deepEqual(moved.files.map((f) => [f.path, f.text]), [
      ['/m/000005_orders_user_idx_concurrently.up.sql', 'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n'],
      ['/m/000005_orders_user_idx_concurrently.down.sql', 'DROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\n'],
    ]);
  });

  it('Flyway: V<newest+1>__…; a DO block that COMMITs gets executeInTransaction=false in its script config', async () => {
    const sql = `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`;
    const [moved] = await fixesOf('require-concurrent-index', sql, { setup: ORDERS, path: '/m/V3__idx.sql', folder: folder('V1__a.sql', 'V3__idx.sql', 'V10__b.sql') });
    assert.deepEqual(moved.files.map((f) => f.path), ['/m/V11__orders_user_idx_concurrently.sql']);
    const [batched] = await fixesOf('volatile-default', 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();', { setup: ORDERS, path: '/m/V3__t.sql', folder: folder('V3__t.sql') });
    assert.deepEqual(batched.files.map((f) => [f.path, f.path.endsWith('.conf') ? f.text : '…']), [
      ['/m/V4__backfill_token.sql', '…'],
      ['/m/V4__backfill_token.sql.conf', 'executeInTransaction=false\n'],
    ]);
  });

  it('Diesel: a new migration folder with up.sql, down.sql and metadata.toml (run_in_transaction = false)', async () => {
    const sql = `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`;
    const fixes = await fixesOf('require-concurrent-index', sql, { setup: ORDERS, path: '/m/2024-01-01-000000_idx/up.sql', folder: folder('2024-01-01-000000_idx') });
    assert.deepEqual(fixes[0].files.map((f) => f.path), [
      '/m/2024-06-01-120000_orders_user_idx_concurrently/up.sql',
      '/m/2024-06-01-120000_orders_user_idx_concurrently/down.sql',
      '/m/2024-06-01-120000_orders_user_idx_concurrently/metadata.toml',
    ]);
    assert.equal(fixes[0].files.find((f) => f.path.endsWith('metadata.toml'))!.text, 'run_in_transaction = false\n');
  });

  it('VALIDATE in the transaction of its NOT VALID add moves to the next goose migration', async () => {
    const sql = '-- +goose Up\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\n';
    const [fix] = await fixesOf('validate-in-same-transaction', sql, { setup: ORDERS, path: '/m/20240101000000_c.sql', folder: folder() });
    assert.equal(applyEdits(sql, fix.edits), '-- +goose Up\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\n');
    assert.deepEqual(fix.files.map((f) => [f.path, f.text]), [['/m/20240601120000_validate_constraint_c.sql', '-- +goose Up\nALTER TABLE orders VALIDATE CONSTRAINT c;\n']]);
  });

  it('golang-migrate: a one-statement file stays one statement; VALIDATE goes to a new up/down pair', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount > 0);';
    const [fix] = await fixesOf('require-not-valid', sql, { setup: ORDERS, path: '/m/000004_check.up.sql', folder: folder('000004_check.up.sql') });
    assert.equal(applyEdits(sql, fix.edits), 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount > 0) NOT VALID;');
    assert.deepEqual(fix.files.map((f) => [f.path, f.text]), [
      ['/m/000005_validate_orders_amount_check.up.sql', 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;\n'],
      ['/m/000005_validate_orders_amount_check.down.sql', '-- Nothing to undo.\n'],
    ]);
  });

  it('without the folder (no file system) file-creating fixes are not offered', async () => {
    const sql = `-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n${INDEX}\n`;
    assert.deepEqual(await fixesOf('require-concurrent-index', sql, { setup: ORDERS, path: '/m/00003_idx.sql' }), []);
  });
});

describe('migration naming and packing', () => {
  it('next versions keep the style: zero padding, dotted Flyway versions, timestamps at or after now, unix seconds', () => {
    assert.equal(nextVersion('000009', '000004', NOW), '000010');
    assert.equal(nextVersion('1.9', '1.2', NOW), '1.10');
    assert.equal(nextVersion('20240101000000', '20240101000000', NOW), '20240601120000');
    assert.equal(nextVersion('20250101000000', '20240101000000', NOW), '20250101000001', 'never before the newest');
    assert.equal(nextVersion('20240101235959', '20240101000000', new Date(0)), '20240102000000');
    assert.equal(nextVersion('2024-01-01-000000', '2024-01-01-000000', NOW), '2024-06-01-120000');
    assert.equal(nextVersion('2025-10-08-084508-0000', '2025-10-08-084508-0000', NOW), '2025-10-08-084509-0000', 'Diesel 2.x keeps its -0000');
    assert.equal(nextVersion('1700000000', '1700000000', NOW), String(Math.floor(NOW.getTime() / 1000)));
    // Past what a double holds exactly (ory/kratos names migrations like this): exact, so never the same name twice.
    assert.equal(nextVersion('20230920171028000000', '20230920171028000000', NOW), '20230920171028000001');
  });

  it('packs steps: a new file per fresh or no transaction; builds share a file only where the runner runs statements one by one', () => {
    const step = (tx: Step['tx'], sql = 'SELECT 1;'): Step => ({ sql, tx, slug: 's' });
    const steps = [step('same'), step('separate'), step('same'), step('outside', 'CREATE INDEX CONCURRENTLY i ON t (c);'), step('outside', 'DROP INDEX CONCURRENTLY j;')];
    assert.deepEqual(packSteps('goose', steps, 16).map((f) => [f.steps.length, f.transactional]), [[1, true], [2, true], [2, false]]);
    assert.deepEqual(packSteps('golang-migrate', steps, 16).map((f) => [f.steps.length, f.transactional]), [[1, true], [2, true], [1, false], [1, false]]);
    assert.deepEqual(packSteps('flyway', [step('outside', 'CREATE INDEX CONCURRENTLY i ON t (c);'), step('same', 'ALTER TABLE t ADD COLUMN x int;')], 16).length, 2);
  });
});
