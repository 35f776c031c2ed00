/**
 * The statements a PostgreSQL cluster started with `log_statement = 'all'` received, per database,
 * read from its log (settings: `LOG_SETTINGS`), with whether a transaction block was open for each.
 * The framework migrator tests compare them with what Lockstep says the framework sends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import type { PgCluster } from './pgCluster';

export const LOG_SETTINGS = { log_statement: 'all', logging_collector: 'on', log_directory: 'log', log_filename: 'pg.log', log_line_prefix: '@@%d@@ ' };

/** Whitespace only: frameworks differ in spaces and line breaks (Sequelize writes `NOT NULL ,`). */
export const normSql = (sql: string) => sql.replace(/\s+/g, ' ').replace(/ ,/g, ',').replace(/\s*;\s*$/, '').trim();

export interface Received {
  sql: string;
  inTransaction: boolean;
}

/**
 * Statements the server logged for one database, with whether a transaction block was open.
 * The logging collector writes through a pipe, so the log can trail the last query a migrator
 * sent: a marker query is sent on the same database and the log read until the marker is in it.
 */
export async function receivedStatements(cluster: PgCluster, db: string): Promise<Received[]> {
  const marker = `lockstep log mark ${process.pid} ${++marks}`;
  const client = await cluster.client(db);
  try {
    await client.query(`SELECT '${marker}'`);
  } finally {
    await client.end();
  }
  for (let tries = 0; ; tries++) {
    const all = parseLog(readLog(cluster), db);
    const at = all.findIndex((r) => r.sql.includes(marker));
    if (at >= 0) return all.slice(0, at);
    assert.ok(tries < 1500, `the server log never showed the marker query for ${db}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
let marks = 0;

/** The whole server log as it is on disk now (the collector may not have written the latest lines yet). */
export function readLog(cluster: PgCluster): string {
  const logDir = join(cluster.dataDir, 'log');
  return readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8')).join('');
}

function parseLog(text: string, db: string): Received[] {
  const out: Received[] = [];
  let open = false;
  // log_line_prefix '@@%d@@ ': one entry per statement; continuation lines have no prefix.
  for (const entry of text.split(/^(?=@@)/m)) {
    const m = /^@@([^@]*)@@ LOG:\s+(?:statement|execute [^:]*): ([\s\S]*)$/.exec(entry);
    if (!m || m[1] !== db) continue;
    const sql = normSql(m[2].replace(/\nDETAIL:[\s\S]*$/, ''));
    if (/^(BEGIN|START TRANSACTION)\b/i.test(sql)) open = true;
    out.push({ sql, inTransaction: open });
    if (/^(COMMIT|ROLLBACK|END)\b/i.test(sql)) open = false;
  }
  return out;
}

/** Every wanted statement reached the server, in order, inside BEGIN … COMMIT exactly when wanted. */
export function assertSent(want: Received[], got: Received[]): void {
  assert.ok(want.length >= 5, 'the plan yields statements');
  let at = 0;
  for (const w of want) {
    const i = got.findIndex((g, k) => k >= at && g.sql === w.sql);
    assert.ok(i >= 0, `the server never received (in order): ${w.sql}\nreceived:\n${got.map((g) => g.sql).join('\n')}`);
    assert.equal(got[i].inTransaction, w.inTransaction, `${w.sql.slice(0, 80)} ${w.inTransaction ? 'should' : 'should not'} run inside BEGIN … COMMIT`);
    at = i + 1;
  }
}
