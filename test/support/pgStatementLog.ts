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

/** Statements the server logged for one database, with whether a transaction block was open. */
export function receivedStatements(cluster: PgCluster, db: string): Received[] {
  const logDir = join(cluster.dataDir, 'log');
  const text = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8')).join('');
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
