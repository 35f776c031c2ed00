/**
 * Scaffold plans written for the SQL-file frameworks, Prisma Migrate and Drizzle Kit: their layouts,
 * their transaction handling, read back through Lockstep's own detection and naming, found in a
 * workspace by `--format auto`, and Drizzle's release script run for real.
 * (The real Drizzle migrator and PostgreSQL run them in test/pg/sqlFrameworkScaffold.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, type CliIO } from '../../../server/src/cli/run';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { detectRunner } from '../../../server/src/document/runner';
import { initEngine } from '../../../server/src/engine';
import { migrationSlot } from '../../../server/src/fixes/migrationFiles';
import { splitSql } from '../../../server/src/parse/split';
import { ScaffoldError } from '../../../server/src/scaffold/plan';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { loadWorkspace } from '../../../server/src/scaffold/workspace';
import { SCHEMA } from './cases';

const NOW = new Date('2024-05-01T10:00:00Z');
const RENAME = { table: 'accounts', column: 'email', to: 'email_address' };

const plan = (runner: 'prisma' | 'drizzle', opts: { existing?: string[]; drizzleJournal?: string; kind?: string; args?: Record<string, string> } = {}) =>
  scaffold({
    kind: opts.kind ?? 'rename-column', args: opts.args ?? RENAME, schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG), runner,
    migrationsDir: runner === 'prisma' ? 'prisma/migrations' : 'drizzle', existing: opts.existing ?? [], drizzleJournal: opts.drizzleJournal, now: NOW,
  });

/** The statements of a file, as Lockstep's splitter sees them (comments dropped). */
const statements = (text: string) => splitSql(text).chunks.filter((c) => c.kind === 'sql' && c.text.replace(/--.*$/gm, '').trim()).map((c) => c.text.trim());

describe('scaffold: Prisma Migrate format', () => {
  before(() => initEngine());

  it('one <timestamp>_<name>/migration.sql folder per migration, after the newest existing folder, read back as Prisma', () => {
    const r = plan('prisma', { existing: ['20240601000000_init', 'migration_lock.toml'] });
    assert.deepEqual(
      r.migrations.map((m) => m.upPath),
      r.migrations.map((m, i) => `prisma/migrations/2024060100000${i + 1}_rename_accounts_email_${m.migration.name}/migration.sql`),
    );
    for (const m of r.migrations) {
      assert.equal(detectRunner(m.upPath, [], 'auto'), 'prisma', m.upPath);
      assert.deepEqual(migrationSlot('prisma', m.upPath), { folder: 'prisma/migrations', version: m.version.slice(0, 14), desc: m.version.slice(15) });
      assert.ok(m.downPath.startsWith('lockstep-plans/rename_accounts_email/rollback/'), 'rollbacks stay out of the folder `prisma migrate deploy` reads');
    }
    assert.equal(r.files.filter((f) => f.path.endsWith('migration_lock.toml')).length, 0, 'an existing lock file is left alone');
    assert.match(plan('prisma').files.find((f) => f.path === 'prisma/migrations/migration_lock.toml')!.content, /^provider = "postgresql"$/m);
  });

  it('a transactional step carries BEGIN/COMMIT (atomic whether Prisma sends the file as one query or statement by statement); a step that must run alone is alone', () => {
    const r = plan('prisma');
    for (const m of r.migrations) {
      const body = statements(r.files.find((f) => f.path === m.upPath)!.content);
      if (m.migration.up.kind === 'single') assert.equal(body.length, 1, m.upPath);
      else if (m.migration.up.statements.length > 1) {
        assert.equal(body[0], 'BEGIN;', m.upPath);
        assert.equal(body[body.length - 1], 'COMMIT;', m.upPath);
      }
    }
    assert.equal(statements(r.files.find((f) => f.path.endsWith('_index_accounts_email_address_key/migration.sql'))!.content).length, 1);
    assert.deepEqual(r.findings, []);
  });

  it('PLAN.md applies with `prisma migrate deploy` and rolls back with the rollback script, forgetting the migration', () => {
    const md = plan('prisma').files.find((f) => f.path.endsWith('PLAN.md'))!.content;
    assert.match(md, /for Prisma Migrate \(migrations in `prisma\/migrations`\)/);
    assert.match(md, /^npx prisma migrate deploy/m);
    assert.match(md, /DELETE FROM _prisma_migrations WHERE migration_name = '20240501100000_rename_accounts_email_expand'" && rm -r prisma\/migrations\/20240501100000_rename_accounts_email_expand/);
  });
});

describe('scaffold: Drizzle Kit format', () => {
  before(() => initEngine());
  const JOURNAL = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1893456000000, tag: '0000_init', breakpoints: true }] }, null, 2);

  it('the first release goes into the journal as drizzle-kit writes it; statements split by breakpoints', () => {
    const r = plan('drizzle', { existing: ['0000_init.sql', 'meta'], drizzleJournal: JOURNAL });
    const journalFile = r.files.find((f) => f.path === 'drizzle/meta/_journal.json')!;
    assert.ok(journalFile.appendsTo);
    const journal = JSON.parse(journalFile.content);
    const first = r.migrations.filter((m) => m.drizzleRelease === 1);
    assert.deepEqual(first.map((m) => m.migration.name), ['expand'], 'only the expand phase, up to the first step Drizzle cannot run');
    assert.deepEqual(journal.entries.map((e: { tag: string }) => e.tag), ['0000_init', '0001_rename_accounts_email_expand']);
    assert.deepEqual(journal.entries[1], { idx: 1, version: '7', when: 1893456000001, tag: '0001_rename_accounts_email_expand', breakpoints: true }, '`when` after the newest entry');
    const expand = r.files.find((f) => f.path === 'drizzle/0001_rename_accounts_email_expand.sql')!.content;
    const pieces = expand.split('--> statement-breakpoint');
    assert.equal(pieces.length, (first[0].migration.up as { statements: string[] }).statements.length);
    assert.equal(detectRunner('drizzle/0001_rename_accounts_email_expand.sql', splitSql(expand).markers, 'auto'), 'drizzle');
    assert.deepEqual(r.findings, []);
  });

  it('steps Drizzle cannot run are psql scripts outside its folder; the migrations after them wait for their release', () => {
    const r = plan('drizzle');
    for (const m of r.migrations) {
      if (m.migration.up.kind === 'single') {
        assert.equal(m.drizzleRelease, undefined);
        assert.match(m.upPath, /^lockstep-plans\/rename_accounts_email\/outside-drizzle\/\d\d_/);
      } else if (m.drizzleRelease! > 1) assert.match(m.upPath, /^lockstep-plans\/rename_accounts_email\/drizzle\/rename_accounts_email_\w+\.sql$/);
    }
    // Every release starts after a step outside the migrator or at a phase boundary, so no `drizzle-kit migrate` runs past either.
    const releases = r.migrations.filter((m) => m.drizzleRelease !== undefined).map((m) => `${m.drizzleRelease}:${m.phase}`);
    assert.deepEqual(releases, ['1:0', '2:1', '3:2']);
    const md = r.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
    assert.match(md, /psql "\$DATABASE_URL" -v ON_ERROR_STOP=1 -f lockstep-plans\/rename_accounts_email\/outside-drizzle\/02_rename_accounts_email_backfill\.sql\npsql .*03_rename_accounts_email_index_accounts_email_address_key\.sql\nnode lockstep-plans\/rename_accounts_email\/drizzle-release\.cjs 2 && npx drizzle-kit migrate/);
  });

  it('a plan whose phases are all transactional still gets one release per phase (a deploy sits between them)', () => {
    const r = plan('drizzle', { kind: 'rename-table', args: { table: 'accounts', to: 'members' } });
    assert.deepEqual(r.migrations.map((m) => m.drizzleRelease), [1, 2]);
  });

  it('refuses a journal it cannot read, naming it', () => {
    assert.throws(() => plan('drizzle', { drizzleJournal: '{"entries": 3' }), (e: Error) => e instanceof ScaffoldError && /meta\/_journal\.json is not a Drizzle journal/.test(e.message));
  });

  it('drizzle-release.cjs adds a release under the next index, `when` after the newest entry, and is idempotent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-drizzle-release-'));
    try {
      const r = plan('drizzle', { existing: ['0000_init.sql', 'meta'], drizzleJournal: JOURNAL });
      for (const f of r.files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      const script = join(dir, 'lockstep-plans/rename_accounts_email/drizzle-release.cjs');
      const run = (arg: string) => spawnSync(process.execPath, [script, arg], { cwd: tmpdir(), encoding: 'utf8' });
      assert.equal(run('9').status, 2, 'an unknown release is refused');
      assert.equal(run('2').status, 0);
      const again = run('2');
      assert.equal(again.status, 0);
      assert.match(again.stdout, /already in the journal/);
      const journal = JSON.parse(readFileSync(join(dir, 'drizzle/meta/_journal.json'), 'utf8'));
      const release2 = r.migrations.filter((m) => m.drizzleRelease === 2).map((m) => m.version);
      assert.deepEqual(journal.entries.slice(2).map((e: { tag: string }) => e.tag), release2.map((v, i) => `${String(i + 2).padStart(4, '0')}_${v}`));
      assert.ok(journal.entries[2].when > journal.entries[1].when);
      for (const e of journal.entries.slice(1)) assert.ok(readdirSync(join(dir, 'drizzle')).includes(`${e.tag}.sql`), e.tag);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scaffold: Prisma and Drizzle workspaces are found', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-sqlfw-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  async function cli(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIO = { cwd: dir, env: {}, stdoutIsTTY: false, writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t), readStdin: async () => Buffer.from('') };
    return { status: await runCli(['scaffold', ...argv], io), stdout, stderr };
  }

  it('Prisma: prisma/migrations folders, replayed in name order', () => {
    write('prisma/migrations/20240102000000_b/migration.sql', 'ALTER TABLE users ADD COLUMN email text;');
    write('prisma/migrations/20240101000000_a/migration.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);');
    const ws = loadWorkspace(dir, { runner: 'auto' });
    assert.deepEqual([ws.migrationsDir, ws.runner], ['prisma/migrations', 'prisma']);
    assert.deepEqual(ws.upFiles, ['prisma/migrations/20240101000000_a/migration.sql', 'prisma/migrations/20240102000000_b/migration.sql']);
  });

  it('Drizzle: the journal, replayed in journal order (a file not in the journal is not a migration)', () => {
    write('drizzle/meta/_journal.json', JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, when: 1, tag: '0000_a', breakpoints: true }] }));
    write('drizzle/0000_a.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);');
    write('drizzle/0001_stray.sql', 'DROP TABLE users;');
    const ws = loadWorkspace(dir, { runner: 'auto' });
    assert.deepEqual([ws.migrationsDir, ws.runner, ws.upFiles], ['drizzle', 'drizzle', ['drizzle/0000_a.sql']]);
    assert.ok(ws.drizzleJournal?.includes('0000_a'));
  });

  it('`--format auto` writes into the Drizzle journal or the Prisma folder it finds', async () => {
    write('drizzle/meta/_journal.json', JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_a', breakpoints: true }] }));
    write('drizzle/0000_a.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);');
    const d = await cli('rename-table', '--table', 'users', '--to', 'members');
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stderr, /drizzle \(meta\/_journal\.json\)/);
    const tags = JSON.parse(readFileSync(join(dir, 'drizzle/meta/_journal.json'), 'utf8')).entries.map((e: { tag: string }) => e.tag);
    assert.equal(tags[0], '0000_a');
    assert.match(tags[1], /^0001_rename_users_\w+$/);
    assert.ok(readdirSync(join(dir, 'drizzle')).includes(`${tags[1]}.sql`));

    rmSync(join(dir, 'drizzle'), { recursive: true });
    rmSync(join(dir, 'lockstep-plans'), { recursive: true });
    write('prisma/migrations/20240101000000_init/migration.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);');
    const p = await cli('rename-table', '--table', 'users', '--to', 'members', '--dry-run');
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^would write prisma\/migrations\/\d{14}_rename_users_\w+\/migration\.sql$/m);
    assert.match(p.stdout, /^would write prisma\/migrations\/migration_lock\.toml$/m);
    assert.match(p.stderr, /prisma \(folders with migration\.sql\), schema from 1 earlier migration/);
    assert.match((await cli('rename-table', '--table', 'users', '--to', 'members', '--format', 'prisma', '--runner', 'goose')).stderr, /--format prisma writes prisma migrations: drop --runner goose/);
  });
});
