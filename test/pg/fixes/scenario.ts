/**
 * One fix, proven on real PostgreSQL: lint the migration, take the fix, apply its SQL to a fresh
 * database that holds the starting schema and rows, exactly as the runner would, then check the
 * end state and that Lockstep lints every resulting file clean of the rule.
 */
import { strict as assert } from 'node:assert';
import type pg from 'pg';
import { DEFAULT_CONFIG, type LockstepConfig, type RunnerId } from '../../../server/src/config/types';
import { catalogFromSql, lintText } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import type { Fix, NewFile } from '../../../server/src/fixes/types';
import type { PgCluster } from '../../support/pgCluster';
import { applyAll, type Migration } from './runners';

export const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));

export interface FixScenario {
  title: string;
  rule: string;
  runner: RunnerId;
  /** The migration's path: its name drives runner detection and new files' names (nothing is written to disk). */
  path: string;
  /** Earlier migrations: the schema the migration runs against. */
  setup: string;
  /** Rows to put in it first. */
  rows?: string;
  sql: string;
  siblings?: string[];
  /** Which fix (default: the preferred one). */
  fixTitle?: RegExp;
  minVersion?: number;
  /** What the user does between the fixed migration and the new ones (a backfill only they can write). */
  between?: string;
  /** The end state, checked with a client on the migrated database. */
  check(client: pg.Client): Promise<void>;
}

let databases = 0;

/** The fix the scenario means, computed for `version`. */
export function fixFor(s: FixScenario, version: number): { fix: Fix; config: LockstepConfig } {
  const config = { ...DEFAULT_CONFIG, pgVersion: version };
  const schema = catalogFromSql(s.setup, config);
  const result = lintText(s.sql, { path: s.path, config, schema });
  const finding = result.findings.find((f) => f.ruleId === s.rule);
  assert.ok(finding, `${s.rule} flags the migration on PG ${version}; got ${result.findings.map((f) => f.ruleId).join(', ')}`);
  const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
  const fixes = fixesFor({ text: s.sql, result, finding, stmt, config, path: s.path, schema, folder: { siblings: s.siblings ?? [], now: NOW } }, { withoutIgnores: true });
  const fix = s.fixTitle ? fixes.find((f) => s.fixTitle!.test(f.title)) : fixes[0];
  assert.ok(fix, `a fix for ${s.rule}${s.fixTitle ? ` matching ${s.fixTitle}` : ''}; offered: ${fixes.map((f) => f.title).join(' | ') || 'none'}`);
  return { fix, config };
}

/** New files grouped into migrations: each up file with the down/.conf/metadata files that belong to it. */
export function migrationsOf(files: readonly NewFile[]): Migration[] {
  const companion = (p: string) => /(\.down\.sql|\/down\.sql|\.sql\.conf|metadata\.toml)$/.test(p);
  const key = (p: string) => p.replace(/\/(up|down)\.sql$|\/metadata\.toml$/, '').replace(/(\.(up|down))?\.sql(\.conf)?$/, '');
  const ups = files.filter((f) => !companion(f.path));
  return ups.map((up) => ({ path: up.path, text: up.text, companions: files.filter((f) => companion(f.path) && key(f.path) === key(up.path)) }));
}

export async function freshDatabase(cluster: PgCluster): Promise<pg.Client> {
  const name = `fixes_${process.pid}_${++databases}`;
  const admin = await cluster.client();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.client(name);
}

/** Runs the scenario on `cluster`; returns the migrations it applied (for the test's messages). */
export async function prove(s: FixScenario, cluster: PgCluster): Promise<Migration[]> {
  const { fix, config } = fixFor(s, cluster.version);
  const migrations: Migration[] = [{ path: s.path, text: applyEdits(s.sql, fix.edits) }, ...migrationsOf(fix.files)];
  const client = await freshDatabase(cluster);
  try {
    await client.query(s.setup);
    if (s.rows) await client.query(s.rows);
    await applyAll(client, s.runner, migrations.slice(0, 1));
    if (s.between) await client.query(s.between);
    await applyAll(client, s.runner, migrations.slice(1));
    await s.check(client);
  } finally {
    await client.end();
  }
  // Lint every file in order, each against the schema the ones before it leave: clean of the rule.
  let schema = catalogFromSql(s.setup, config);
  for (const m of migrations) {
    const outside = (m.companions ?? []).some((c) => /executeInTransaction=false|run_in_transaction = false/.test(c.text));
    const linted = lintText(m.text, { path: m.path, config: outside ? { ...config, transaction: 'never' } : config, schema });
    const bad = linted.findings.filter((f) => [s.rule, 'syntax-error', 'concurrent-in-transaction'].includes(f.ruleId));
    assert.deepEqual(bad.map((f) => `${f.ruleId}: ${f.message}`), [], `${m.path} lints clean of ${s.rule}:\n${m.text}`);
    schema = linted.document.catalog;
  }
  return migrations;
}

/** Small queries for end-state checks. */
export async function one<T = Record<string, unknown>>(client: pg.Client, sql: string): Promise<T> {
  const { rows } = await client.query(sql);
  return rows[0] as T;
}

export async function indexValid(client: pg.Client, name: string): Promise<boolean | undefined> {
  const row = await one<{ indisvalid: boolean } | undefined>(client, `SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('${name}')`);
  return row?.indisvalid;
}

export async function constraint(client: pg.Client, name: string): Promise<{ convalidated: boolean; contype: string } | undefined> {
  return one(client, `SELECT convalidated, contype FROM pg_constraint WHERE conname = '${name}'`);
}

export async function notNull(client: pg.Client, table: string, column: string): Promise<boolean> {
  const row = await one<{ attnotnull: boolean }>(client, `SELECT attnotnull FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = '${column}'`);
  return row.attnotnull;
}
