/**
 * Whole migrations written in a JS/TS framework's own form (FixIdioms.writeMigrations): "Split into
 * phases" on a framework migration and `lockstep scaffold --format <framework>`. Each file runs its
 * SQL through the framework's raw-SQL call, opts out of the framework's transaction the framework's
 * way when a step must run outside one, and is named so the framework runs it after the existing
 * migrations and in plan order. The language and module style (TypeScript or JavaScript, ESM or
 * CommonJS) follow an existing migration of the project.
 */
import { pascal, timestamp14 } from './sqlText';
import type { FrameworkId, MigrationToWrite, WriteOptions, WriteStep, WrittenMigrations } from './types';

type JsFramework = Extract<FrameworkId, 'typeorm' | 'knex' | 'sequelize' | 'kysely' | 'node-pg-migrate'>;

interface Style {
  /** `.ts`, `.js`, `.mjs`, `.cjs`, … */
  ext: string;
  typescript: boolean;
  esm: boolean;
}

const TS_FIRST: Record<JsFramework, boolean> = { typeorm: true, kysely: true, knex: false, sequelize: false, 'node-pg-migrate': false };

function styleOf(framework: JsFramework, sample: WriteOptions['sample']): Style {
  const ext = sample ? (/\.[cm]?[jt]s$/i.exec(sample.name)?.[0].toLowerCase() ?? '') : '';
  const typescript = ext ? /ts$/.test(ext) : TS_FIRST[framework];
  const esm = ext === '.mjs' || ext === '.mts' || (ext !== '.cjs' && ext !== '.cts' && (typescript || /^\s*(?:export|import)\s/m.test(sample?.text ?? '')));
  return { ext: ext || (typescript ? '.ts' : '.js'), typescript, esm };
}

/** SQL as a JS template literal: every character kept, only `\`, `` ` `` and `${` escaped. */
export function sqlLiteral(sql: string): string {
  return '`' + sql.trim().replace(/;\s*$/, '').replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

export const statements = (step: WriteStep) => (step.kind === 'tx' ? step.statements : [step.statement]);
export const outside = (m: MigrationToWrite) => m.up.kind === 'single' || m.down.kind === 'single';
/** A `tx` step that really needs a transaction: one statement is atomic on its own. */
export const needsTx = (step: WriteStep) => step.kind === 'tx' && step.statements.length > 1;

/** The timestamp part of an existing name (`20240102030405_x.js`, `1700000000000-X.ts`, `Migration20240102030405_x.ts`), as epoch ms. */
function stampOf(name: string): number | undefined {
  const digits = /^(?:Migration)?(\d{13,14})/.exec(name.replace(/^.*\//, ''))?.[1];
  if (!digits) return undefined;
  if (digits.length === 13) return Number(digits);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** One second apart, from now or just after the newest existing migration, so the framework orders them after it. */
export function stamps(count: number, options: WriteOptions): Date[] {
  const latest = options.siblings.map(stampOf).filter((v): v is number => v !== undefined);
  let t = Math.max(Math.floor(options.now.getTime() / 1000) * 1000, ...latest.map((v) => Math.floor(v / 1000) * 1000 + 1000));
  return Array.from({ length: count }, () => {
    const d = new Date(t);
    t += 1000;
    return d;
  });
}

/** What an empty direction says (a split phase has no rollback of its own). */
const NOTHING = '// No rollback: Lockstep wrote none for this step; write one by hand if you need it.';
const orNothing = (lines: string[]) => (lines.length ? lines : [NOTHING]);

const comment = (lines: readonly string[], indent = '') => lines.map((l) => `${indent}// ${l}`).join('\n');

/** Lines of a body, indented. */
const block = (lines: string[], indent: string) => lines.map((l) => (l ? indent + l : l)).join('\n');

function typeorm(m: MigrationToWrite, at: Date, style: Style): { name: string; text: string } {
  const cls = `${pascal(m.slug)}${at.getTime()}`;
  const noTx = outside(m);
  const body = (step: WriteStep) => {
    const q = (sql: string) => `await queryRunner.query(${sqlLiteral(sql)});`;
    // Outside TypeORM's transaction the query runner is still one connection: an explicit BEGIN/COMMIT holds.
    if (noTx && needsTx(step)) return [q('BEGIN'), ...statements(step).map(q), q('COMMIT')];
    return statements(step).map(q);
  };
  const sig = (dir: 'up' | 'down') => (style.typescript ? `public async ${dir}(queryRunner: QueryRunner): Promise<void> {` : `async ${dir}(queryRunner) {`);
  const members = [
    `name = '${cls}';`,
    ...(noTx ? ['', "// Runs outside TypeORM's transaction: run migrations with `migration:run -t each` (migrationsTransactionMode 'each').", 'transaction = false;'] : []),
    '',
    sig('up'),
    ...orNothing(body(m.up)).map((l) => `    ${l}`),
    '}',
    '',
    sig('down'),
    ...orNothing(body(m.down)).map((l) => `    ${l}`),
    '}',
  ];
  const head = style.typescript
    ? `import { MigrationInterface, QueryRunner } from 'typeorm';\n\n`
    : '';
  const open = style.typescript ? `export class ${cls} implements MigrationInterface {` : style.esm ? `export class ${cls} {` : `module.exports = class ${cls} {`;
  const close = style.typescript || style.esm ? '}' : '};';
  return { name: `${at.getTime()}-${pascal(m.slug)}${style.ext}`, text: `${head}${comment(m.header)}\n${open}\n${block(members, '    ')}\n${close}\n` };
}

function knex(m: MigrationToWrite, at: Date, style: Style): { name: string; text: string } {
  const noTx = outside(m);
  const body = (step: WriteStep) => {
    // Outside Knex's transaction every knex.raw may take another pooled connection: a transaction needs knex.transaction.
    if (noTx && needsTx(step)) return ['await knex.transaction(async (trx) => {', ...statements(step).map((s) => `  await trx.raw(${sqlLiteral(s)});`), '});'];
    return statements(step).map((s) => `await knex.raw(${sqlLiteral(s)});`);
  };
  const fn = (dir: 'up' | 'down', step: WriteStep) => {
    const sig = style.esm
      ? `export async function ${dir}(knex${style.typescript ? ': Knex' : ''})${style.typescript ? ': Promise<void>' : ''} {`
      : `exports.${dir} = async function (knex) {`;
    return [sig, block(orNothing(body(step)), '  '), style.esm ? '}' : '};'].join('\n');
  };
  const config = noTx ? `${style.esm ? 'export const config' : 'exports.config'} = { transaction: false };\n\n` : '';
  const head = style.typescript ? `import type { Knex } from 'knex';\n\n` : '';
  return {
    name: `${timestamp14(at)}_${m.slug}${style.ext}`,
    text: `${head}${comment(m.header)}\n${config}${fn('up', m.up)}\n\n${fn('down', m.down)}\n`,
  };
}

function sequelize(m: MigrationToWrite, at: Date, style: Style): { name: string; text: string } {
  // sequelize-cli and umzug run a migration without a transaction: a step that needs one opens it.
  const body = (step: WriteStep) => {
    const q = (s: string, tx = '') => `await queryInterface.sequelize.query(${sqlLiteral(s)}${tx});`;
    if (needsTx(step)) return ['await queryInterface.sequelize.transaction(async (transaction) => {', ...statements(step).map((s) => `  ${q(s, ', { transaction }')}`), '});'];
    return statements(step).map((s) => q(s));
  };
  const fn = (dir: 'up' | 'down', step: WriteStep) => [`async ${dir}(queryInterface, Sequelize) {`, block(orNothing(body(step)), '  '), '},'].join('\n');
  const open = style.esm ? 'export default {' : "'use strict';\n\n/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {";
  return {
    name: `${timestamp14(at)}-${m.slug.replace(/_/g, '-')}${style.ext}`,
    text: `${comment(m.header)}\n${open}\n${block([fn('up', m.up), fn('down', m.down)].join('\n').split('\n'), '  ')}\n};\n`,
  };
}

function nodePgMigrate(m: MigrationToWrite, at: Date, style: Style): { name: string; text: string } {
  // node-pg-migrate decides per direction: pgm.noTransaction() in up does not touch down.
  const body = (step: WriteStep) => [...(step.kind === 'single' ? ['pgm.noTransaction();'] : []), ...statements(step).map((s) => `pgm.sql(${sqlLiteral(s)});`)];
  const fn = (dir: 'up' | 'down', step: WriteStep) => {
    const sig = style.esm ? `export async function ${dir}(pgm${style.typescript ? ': MigrationBuilder' : ''})${style.typescript ? ': Promise<void>' : ''} {` : `exports.${dir} = (pgm) => {`;
    return [sig, block(orNothing(body(step)), '  '), style.esm ? '}' : '};'].join('\n');
  };
  const head = style.typescript ? `import type { MigrationBuilder } from 'node-pg-migrate';\n\n` : '';
  return { name: `${at.getTime()}_${m.slug}${style.ext}`, text: `${head}${comment(m.header)}\n${fn('up', m.up)}\n\n${fn('down', m.down)}\n` };
}

function kysely(m: MigrationToWrite, at: Date, style: Style): { name: string; text: string } {
  const fn = (dir: 'up' | 'down', step: WriteStep) =>
    [`export async function ${dir}(db${style.typescript ? ': Kysely<any>' : ''})${style.typescript ? ': Promise<void>' : ''} {`, block(orNothing(statements(step).map((s) => `await sql${sqlLiteral(s)}.execute(db);`)), '  '), '}'].join('\n');
  const head = style.typescript ? `import { type Kysely, sql } from 'kysely';\n\n` : `import { sql } from 'kysely';\n\n`;
  return { name: `${timestamp14(at)}_${m.slug}${style.ext}`, text: `${head}${comment(m.header)}\n${fn('up', m.up)}\n\n${fn('down', m.down)}\n` };
}

const RENDER: Record<JsFramework, (m: MigrationToWrite, at: Date, style: Style) => { name: string; text: string }> = { typeorm, knex, sequelize, kysely, 'node-pg-migrate': nodePgMigrate };

export function writeJsMigrations(framework: JsFramework, migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations {
  if (framework === 'kysely') {
    const single = migrations.find(outside);
    if (single) {
      return {
        ok: false,
        reason: `${single.slug} must run outside a transaction, and a Kysely migration cannot leave the Migrator's transaction (only \`disableTransactions: true\` on the whole Migrator does)`,
      };
    }
  }
  if (framework === 'knex') {
    // Knex's pg client turns every `?` of a knex.raw string into a $n binding.
    const q = migrations.find((m) => [...statements(m.up), ...statements(m.down)].some((sql) => sql.includes('?')));
    if (q) return { ok: false, reason: `${q.slug} has a \`?\` in its SQL, which knex.raw would read as a binding: write it as SQL files (--format sql)` };
  }
  const style = styleOf(framework, options.sample);
  const at = stamps(migrations.length, options);
  return { ok: true, files: migrations.map((m, i) => RENDER[framework](m, at[i], style)) };
}
