/** "Split into phases": classification, deploy points, file names per runner, and lint-clean phase files. */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { parseChunk } from '../../../server/src/parse/pgParser';
import { classify } from '../../../server/src/split/classify';
import { splitMigration, worthSplitting, type SplitResult } from '../../../server/src/split/plan';
import type { AstNode } from '../../../server/src/parse/ast';

const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';
/** The rename done the wrong way: add, copy, require, drop, all at once. */
const RENAME = [
  'ALTER TABLE users ADD COLUMN email_address text;',
  'UPDATE users SET email_address = email;',
  'ALTER TABLE users ALTER COLUMN email_address SET NOT NULL;',
  'CREATE INDEX users_email_address_idx ON users (email_address);',
  'ALTER TABLE users DROP COLUMN email;',
].join('\n');

function split(text: string, path: string, siblings: string[] = [], setup = USERS): Extract<SplitResult, { ok: true }> {
  const config = { ...DEFAULT_CONFIG };
  const result = splitMigration({ text, path, config, schema: catalogFromSql(setup, config), folder: { siblings, now: NOW } });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function ast(sql: string): AstNode {
  const parsed = parseChunk({ kind: 'sql', span: { start: 0, end: sql.length }, text: sql });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.statements[0].ast as AstNode;
}

describe('split into phases', () => {
  before(() => initEngine());

  it('classifies statements as expand, backfill or contract, and knows which break the old code', () => {
    const phase = (sql: string) => [classify(ast(sql)).phase, classify(ast(sql)).breaksOldCode];
    assert.deepEqual(phase('CREATE TABLE t (id bigint)'), ['expand', false]);
    assert.deepEqual(phase('ALTER TABLE t ADD COLUMN c text'), ['expand', false]);
    assert.deepEqual(phase('ALTER TABLE t ADD COLUMN c text NOT NULL'), ['contract', true]);
    assert.deepEqual(phase("ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT 'x'"), ['expand', false]);
    assert.deepEqual(phase('ALTER TABLE t ALTER COLUMN c DROP NOT NULL'), ['expand', false]);
    assert.deepEqual(phase('UPDATE t SET c = 1'), ['backfill', false]);
    assert.deepEqual(phase('ALTER TABLE t VALIDATE CONSTRAINT k'), ['backfill', false]);
    assert.deepEqual(phase('ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID'), ['contract', false]);
    assert.deepEqual(phase('ALTER TABLE t RENAME COLUMN a TO b'), ['contract', true]);
    assert.deepEqual(phase('ALTER TABLE t DROP COLUMN a'), ['contract', true]);
    assert.deepEqual(phase('ALTER TABLE t ALTER COLUMN c DROP DEFAULT'), ['contract', true]);
    assert.deepEqual(phase('DROP INDEX i'), ['contract', false]);
    assert.deepEqual(phase('ALTER TABLE t ADD COLUMN x int, DROP COLUMN y'), ['contract', true], 'a multi-part ALTER takes its latest part');
  });

  it('splits the rename done the wrong way (goose): correctly named phase files, each lint-clean in order, with the deploys between', () => {
    const text = `-- +goose Up\n-- Rename users.email.\n${RENAME}\n\n-- +goose Down\nALTER TABLE users ADD COLUMN email text;\n`;
    const result = split(text, '/m/20240101120000_rename_email.sql', ['20240101000000_users.sql', '20240101120000_rename_email.sql']);
    assert.deepEqual(
      result.files.map((f) => [basename(f.path), f.phase, f.transactional]),
      [
        ['20240101120000_rename_email.sql', 'expand', true],
        ['20240601120000_rename_email_expand_2.sql', 'expand', false],
        ['20240601120001_rename_email_backfill.sql', 'backfill', false],
        ['20240601120002_rename_email_contract.sql', 'contract', true],
        ['20240601120003_rename_email_contract_2.sql', 'contract', true],
      ],
    );
    assert.deepEqual(result.remaining, [], 'every phase file lints clean, each against the schema the earlier ones leave');
    assert.deepEqual(result.deploys.map((d) => d.before), ['backfill', 'contract']);
    assert.match(result.deploys[0].reasons[0], /writes email_address/);
    assert.ok(result.deploys[1].reasons.some((r) => /drops column email/.test(r)));

    const [first, index, backfill, check, contract] = result.files.map((f) => f.text);
    assert.match(first, /^-- Rename users\.email\.\n-- Phase 1 of a split migration: see 20240101120000_rename_email\.plan\.md/);
    assert.match(first, /-- \+goose Up\nSET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '60s';\nALTER TABLE users ADD COLUMN email_address text;\n/);
    assert.match(index, /^-- \+goose NO TRANSACTION\n-- \+goose Up\nDROP INDEX CONCURRENTLY IF EXISTS users_email_address_idx;\nCREATE INDEX CONCURRENTLY users_email_address_idx/);
    assert.match(backfill, /-- \+goose StatementBegin\nDO \$backfill\$[\s\S]*UPDATE users SET email_address = email\n      WHERE id BETWEEN batch_start AND batch_end;[\s\S]*-- \+goose StatementEnd/);
    assert.match(check, /ADD CONSTRAINT users_email_address_not_null_check CHECK \(email_address IS NOT NULL\) NOT VALID;/);
    assert.match(contract, /VALIDATE CONSTRAINT users_email_address_not_null_check;\nALTER TABLE users ALTER COLUMN email_address SET NOT NULL;/);
    assert.match(contract, /-- lockstep-ignore drop-column: runs after the deploy that 20240101120000_rename_email\.plan\.md calls for[^\n]*\nALTER TABLE users DROP COLUMN email;/);

    assert.equal(result.note.path, '/m/20240101120000_rename_email.plan.md');
    assert.match(result.note.text, /## 1\. Expand[\s\S]*\*\*Deploy\*\* before the backfill phase[\s\S]*## 2\. Backfill[\s\S]*\*\*Deploy\*\* before the contract phase[\s\S]*## 3\. Contract/);
  });

  it('golang-migrate: next numbers with their padding, up/down pairs, one statement per file outside a transaction', () => {
    const result = split(RENAME, '/m/000003_rename_email.up.sql', ['000003_rename_email.up.sql', '000003_rename_email.down.sql', '000002_users.up.sql']);
    const names = result.files.map((f) => basename(f.path));
    assert.deepEqual(names, [
      '000003_rename_email.up.sql',
      '000004_rename_email_expand_2.up.sql',
      '000005_rename_email_backfill.up.sql',
      '000006_rename_email_contract.up.sql',
      '000007_rename_email_contract_2.up.sql',
    ]);
    for (const f of result.files.slice(1)) assert.deepEqual(f.companions.map((c) => basename(c.path)), [basename(f.path).replace('.up.sql', '.down.sql')]);
    assert.deepEqual(result.files[0].companions, [], 'the original keeps its own down file');
    for (const f of result.files.filter((f) => !f.transactional)) assert.equal(lintText(f.text, { config: DEFAULT_CONFIG }).document.statements.length, 1);
    // The DROP guard cannot share the build's file here (two statements run as one implicit transaction),
    // so missing-if-exists (info) still asks for it in the build's own file; a failed golang-migrate run is marked dirty anyway.
    assert.deepEqual(result.remaining.flatMap((r) => r.findings.map((f) => [basename(r.path), f.ruleId])), [['000004_rename_email_expand_2.up.sql', 'missing-if-exists']]);
  });

  it('Flyway: V<n>__ names, and the batched backfill gets executeInTransaction=false', () => {
    const result = split(RENAME, '/m/V3__rename_email.sql', ['V1__users.sql', 'V3__rename_email.sql']);
    assert.deepEqual(result.files.map((f) => basename(f.path)), ['V3__rename_email.sql', 'V4__rename_email_expand_2.sql', 'V5__rename_email_backfill.sql', 'V6__rename_email_contract.sql', 'V7__rename_email_contract_2.sql']);
    assert.deepEqual(result.files[2].companions.map((c) => [basename(c.path), c.text]), [['V5__rename_email_backfill.sql.conf', 'executeInTransaction=false\n']]);
    assert.deepEqual(result.remaining, []);
  });

  it('Prisma: each phase a new <timestamp>_<name>/migration.sql folder, a statement that must run alone alone in its folder; Drizzle is refused with the reason', () => {
    const dir = '/p/prisma/migrations';
    const result = split(RENAME, `${dir}/20240101120000_rename_email/migration.sql`, ['20240101000000_users', '20240101120000_rename_email', 'migration_lock.toml']);
    assert.deepEqual(result.files.map((f) => f.path.slice(dir.length + 1)), [
      '20240101120000_rename_email/migration.sql',
      '20240601120000_rename_email_expand_2/migration.sql',
      '20240601120001_rename_email_backfill/migration.sql',
      '20240601120002_rename_email_contract/migration.sql',
      '20240601120003_rename_email_contract_2/migration.sql',
    ]);
    for (const f of result.files.filter((x) => !x.transactional)) assert.equal(lintText(f.text, { config: DEFAULT_CONFIG }).document.statements.length, 1, f.path);
    const drizzle = splitMigration({ text: `${RENAME.split('\n').join('\n--> statement-breakpoint\n')}\n`, path: '/p/drizzle/0003_rename.sql', config: DEFAULT_CONFIG, schema: catalogFromSql(USERS, DEFAULT_CONFIG), folder: { siblings: [], now: NOW } });
    assert.equal(drizzle.ok, false);
    assert.match(JSON.stringify(drizzle), /Drizzle's migrator runs every pending migration in one transaction/);
  });

  it('drops the source\'s own BEGIN/COMMIT and timeout SETs, and regenerates them per file', () => {
    const text = "SET lock_timeout = '10s';\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users RENAME COLUMN email TO mail;\nCOMMIT;\n";
    const result = split(text, '/m/0007_nick.sql');
    assert.deepEqual(result.files.map((f) => [basename(f.path), f.phase]), [['0007_nick.sql', 'expand'], ['0008_nick_contract.sql', 'contract']]);
    assert.doesNotMatch(result.files.map((f) => f.text).join('\n'), /BEGIN|COMMIT|'10s'/);
    assert.match(result.files[1].text, /lockstep-ignore rename-column: runs after the deploy/);
  });

  it('keeps a DROP … IF EXISTS guard with the statement it guards', () => {
    const text = 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nALTER TABLE users DROP COLUMN id;';
    const result = split(text, '/m/0007_idx.sql');
    assert.match(result.files[0].text, /DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY users_email_idx/);
  });

  it('says why when it cannot split: Sqitch, unnumbered names, syntax errors, a single phase', () => {
    const config = { ...DEFAULT_CONFIG };
    const attempt = (text: string, path: string) => splitMigration({ text, path, config, folder: { siblings: [], now: NOW } });
    assert.match(JSON.stringify(attempt(RENAME, '/p/deploy/rename.sql')), /sqitch add/);
    assert.match(JSON.stringify(attempt(RENAME, '/p/rename.sql')), /numbered naming/);
    assert.match(JSON.stringify(attempt('ALTER TABLE (;', '/p/0001_x.sql')), /syntax errors/);
    assert.match(JSON.stringify(attempt('CREATE TABLE a (id bigint);\nCREATE TABLE b (id bigint);', '/p/0001_x.sql')), /nothing to split: it is all one expand migration/);
  });

  it('a lone rename: explains why it cannot be split and points to the scaffold that does the job', () => {
    const config = { ...DEFAULT_CONFIG };
    const attempt = (text: string) => splitMigration({ text, path: '/p/0002_x.sql', config, folder: { siblings: [], now: NOW } });
    const column = attempt('ALTER TABLE users RENAME COLUMN email TO email_address;');
    assert.equal(column.ok, false);
    assert.match(JSON.stringify(column), /no order of phases makes it safe/);
    assert.match(JSON.stringify(column), /lockstep scaffold rename-column --table users --column email --to email_address/);
    assert.match(JSON.stringify(attempt('ALTER TABLE users RENAME TO accounts;')), /lockstep scaffold rename-table --table users --to accounts/);
  });

  it('is offered only where it can help: several phases, or a flagged statement, in a file it can name after', () => {
    const config = { ...DEFAULT_CONFIG };
    const worth = (text: string, path: string) => worthSplitting(lintText(text, { path, config, schema: catalogFromSql(USERS, config) }), path);
    assert.equal(worth(RENAME, '/m/0002_rename.sql'), true);
    assert.equal(worth('CREATE TABLE a (id bigint);\nCREATE TABLE b (id bigint);', '/m/0002_tables.sql'), false);
    assert.equal(worth('ALTER TABLE users ALTER COLUMN email SET NOT NULL;', '/m/0002_nn.sql'), true);
    assert.equal(worth(RENAME, '/m/rename.sql'), false);
    assert.equal(worth(RENAME, '/p/deploy/rename.sql'), false);
  });
});
