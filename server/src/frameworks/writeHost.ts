/**
 * Whole migrations written as Rails, Ecto, Django and Alembic migrations (FixIdioms.writeMigrations,
 * the interface writeJs.ts implements for the JS/TS frameworks): each statement through the
 * framework's raw-SQL call (`execute` heredoc, `execute """…"""`, `migrations.RunSQL`, `op.execute`),
 * named so the framework runs them after the existing migrations and in plan order, and a step that
 * must run outside a transaction written with the framework's opt-out: Rails `disable_ddl_transaction!`,
 * Ecto `@disable_ddl_transaction`/`@disable_migration_lock`, Django `atomic = False`, Alembic
 * `with op.get_context().autocommit_block():` around that statement alone. In an opted-out file, a
 * direction of several statements keeps its atomicity with an explicit transaction.
 */
import { createHash } from 'node:crypto';
import { pascal, timestamp14 } from './sqlText';
import type { MigrationToWrite, WriteOptions, WriteStep, WrittenMigrations } from './types';
import { needsTx, outside, stamps, statements } from './writeJs';

type File = { name: string; text: string };
const trimSql = (sql: string) => sql.trim().replace(/;\s*$/, '');
const indent = (text: string, by: string) => text.split('\n').map((l) => (l ? by + l : l)).join('\n');
const hashComment = (lines: readonly string[]) => lines.map((l) => `# ${l}`).join('\n');

/** A Ruby class or Elixir module body: the opt-out lines, then `up` and `down` (`def up` / `def up do` … `end`). */
function upAndDown(head: string[], def: (dir: string) => string, up: string, down: string): string {
  const method = (dir: string, body: string) => [def(dir), indent(body, '  '), 'end'];
  return [...head, ...(head.length ? [''] : []), ...method('up', up), '', ...method('down', down)].join('\n');
}

// ---- Rails ------------------------------------------------------------------------------------

/** `execute <<~SQL … SQL`: a squiggly heredoc keeps the SQL verbatim (only `#{` would interpolate). */
const rubyHeredoc = (sql: string) => `execute <<~'SQL'\n${indent(trimSql(sql), '  ')}\nSQL`;

function railsMigration(m: MigrationToWrite, at: Date, superclass: string): File {
  const noTx = outside(m);
  const body = (step: WriteStep) => {
    const calls = statements(step).map(rubyHeredoc).join('\n');
    // Without Rails' transaction, `transaction do … end` keeps several statements atomic.
    return noTx && needsTx(step) ? `transaction do\n${indent(calls, '  ')}\nend` : calls;
  };
  const members = upAndDown(noTx ? ['disable_ddl_transaction!'] : [], (dir) => `def ${dir}`, body(m.up), body(m.down));
  return {
    name: `${timestamp14(at)}_${m.slug}.rb`,
    text: `${hashComment(m.header)}\nclass ${pascal(m.slug)} < ${superclass}\n${indent(members, '  ')}\nend\n`,
  };
}

export function writeRailsMigrations(migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations {
  const superclass = /<\s*(ActiveRecord::Migration(?:\[[\d.]+\])?)/.exec(options.sample?.text ?? '')?.[1] ?? 'ActiveRecord::Migration[7.1]';
  const at = stamps(migrations.length, options);
  return { ok: true, files: migrations.map((m, i) => railsMigration(m, at[i], superclass)) };
}

// ---- Ecto -------------------------------------------------------------------------------------

/** `execute """…"""`: a heredoc string; `#{` and a closing `"""` are escaped. */
const elixirExecute = (sql: string) => `execute """\n${trimSql(sql).replace(/\\/g, '\\\\').replace(/#\{/g, '\\#{').replace(/"""/g, '\\"\\"\\"')}\n"""`;

function ectoMigration(m: MigrationToWrite, at: Date, prefix: string): File {
  const noTx = outside(m);
  const body = (step: WriteStep) => {
    const calls = statements(step).map(elixirExecute);
    // Ecto runs a migration's commands on one connection: BEGIN/COMMIT hold around them.
    return (noTx && needsTx(step) ? [elixirExecute('BEGIN'), ...calls, elixirExecute('COMMIT')] : calls).join('\n');
  };
  const head = ['use Ecto.Migration', ...(noTx ? ['', '@disable_ddl_transaction true', '@disable_migration_lock true'] : [])];
  const members = upAndDown(head, (dir) => `def ${dir} do`, body(m.up), body(m.down));
  return {
    name: `${timestamp14(at)}_${m.slug}.exs`,
    text: `${hashComment(m.header)}\ndefmodule ${prefix}.Migrations.${pascal(m.slug)} do\n${indent(members, '  ')}\nend\n`,
  };
}

export function writeEctoMigrations(migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations {
  const prefix = /defmodule\s+([\w.]+)\.Migrations\./.exec(options.sample?.text ?? '')?.[1] ?? 'MyApp.Repo';
  const at = stamps(migrations.length, options);
  return { ok: true, files: migrations.map((m, i) => ectoMigration(m, at[i], prefix)) };
}

// ---- Python (Django, Alembic) -----------------------------------------------------------------

/** A Python string for SQL: a raw triple-quoted string unless the SQL itself stops one. */
function pyString(sql: string): string {
  const s = trimSql(sql);
  if (!s.includes("'''") && !s.endsWith('\\')) return `r'''${s}'''`;
  return JSON.stringify(s);
}

function djangoMigration(m: MigrationToWrite, number: number, app: string | undefined, previous: string | undefined): File {
  const noTx = outside(m);
  const sqlList = (step: WriteStep) => {
    const list = statements(step);
    // Without Django's transaction (atomic = False) each string autocommits: BEGIN/COMMIT keep several atomic.
    return noTx && needsTx(step) ? ['BEGIN', ...list, 'COMMIT'] : list;
  };
  const arg = (step: WriteStep) => `[\n${sqlList(step).map((s) => `                ${pyString(s)},`).join('\n')}\n            ]`;
  const deps = app && previous ? `[\n        ('${app}', '${previous}'),\n    ]` : '[]';
  const lines = [
    hashComment(m.header),
    ...(app ? [] : ['# Set `dependencies` to this app\'s previous migration: Lockstep could not tell the app label.']),
    'from django.db import migrations',
    '',
    '',
    'class Migration(migrations.Migration):',
    ...(noTx ? ['', '    atomic = False'] : []),
    '',
    `    dependencies = ${deps}`,
    '',
    '    operations = [',
    '        migrations.RunSQL(',
    `            sql=${arg(m.up)},`,
    `            reverse_sql=${arg(m.down)},`,
    '        ),',
    '    ]',
    '',
  ];
  return { name: `${String(number).padStart(4, '0')}_${m.slug}.py`, text: lines.join('\n') };
}

export function writeDjangoMigrations(migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations {
  const stems = options.siblings.map((s) => s.replace(/^.*\//, '').replace(/\.py$/, '')).filter((s) => /^\d{4}_/.test(s)).sort();
  // The app label: the sample's dependency on one of this folder's migrations names it.
  const deps = [...(options.sample?.text ?? '').matchAll(/\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)/g)];
  const app = deps.find((d) => stems.includes(d[2]))?.[1];
  let number = Math.max(0, ...stems.map((s) => Number(s.slice(0, 4))));
  let previous = stems.at(-1);
  const files = migrations.map((m) => {
    const file = djangoMigration(m, ++number, app, previous);
    previous = file.name.replace(/\.py$/, '');
    return file;
  });
  return { ok: true, files };
}

function alembicRevisionFile(m: MigrationToWrite, revision: string, down: string | undefined): File {
  const body = (step: WriteStep) => {
    if (step.kind === 'single') return `    with op.get_context().autocommit_block():\n        op.execute(${pyString(step.statement)})`;
    return step.statements.map((s) => `    op.execute(${pyString(s)})`).join('\n');
  };
  const text = [
    `"""${m.header.join('\n').replace(/"""/g, "'''")}`,
    '',
    `Revision ID: ${revision}`,
    `Revises: ${down ?? ''}`,
    '"""',
    'from alembic import op',
    '',
    `revision = '${revision}'`,
    `down_revision = ${down ? `'${down}'` : 'None'}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    body(m.up),
    '',
    '',
    'def downgrade():',
    body(m.down),
    '',
  ];
  return { name: `${revision}_${m.slug}.py`, text: text.join('\n') };
}

export function writeAlembicMigrations(migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations {
  // The revision the first one follows: the sample's (Alembic's own `revision -m` asks for the head the same way).
  let down = /^revision\s*(?::[^=]+)?=\s*['"]([^'"]+)['"]/m.exec(options.sample?.text ?? '')?.[1];
  const files = migrations.map((m, i) => {
    const revision = createHash('sha256').update(`${options.now.toISOString()}|${i}|${m.slug}`).digest('hex').slice(0, 12);
    const file = alembicRevisionFile(m, revision, down);
    down = revision;
    return file;
  });
  return { ok: true, files };
}
