/**
 * postgres-migrations (npm): table `migrations (id, name, hash, executed_at)`. Its own first
 * migration, id 0 `create-migrations-table`, creates that table and is recorded like any other;
 * each file `<id>_<name>.sql` is recorded with hash = sha1(file name + contents), which the
 * runner checks on every later run ("Hashes don't match"). Matches postgres-migrations 5.x.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { HistoryFactory } from './types';

/** The runner's bundled `0_create-migrations-table.sql`, byte for byte: its hash is recorded as id 0. */
const CREATE_TABLE_FILE = '0_create-migrations-table.sql';
const CREATE_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS migrations (\n  id integer PRIMARY KEY,\n  name varchar(100) UNIQUE NOT NULL,\n' +
  "  hash varchar(40) NOT NULL, -- sha1 hex encoded hash of the file name and contents, to ensure it hasn't been altered since applying the migration\n" +
  '  executed_at timestamp DEFAULT current_timestamp\n);\n';

/** The runner's own file-name rule (file-name-parser.js). */
const FILE_NAME = /^(-?\d+)[-_]?(.*)\.(sql)$/i;

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

export const postgresMigrationsHistory: HistoryFactory = (path, text) => {
  const fileName = basename(path);
  const m = FILE_NAME.exec(fileName);
  if (!m) return { problem: `postgres-migrations names files <id>_<name>.sql; ${fileName} does not fit, so its history row cannot be written` };
  const id = Number.parseInt(m[1], 10);
  if (id === 0) return { problem: 'id 0 is postgres-migrations\' own create-migrations-table migration' };
  const name = m[2] === '' ? fileName : m[2];
  if (name.length > 100) return { problem: `postgres-migrations keeps names of up to 100 characters; ${name} is longer` };
  return {
    label: 'postgres-migrations',
    table: 'migrations',
    async ensure(client) {
      if ((await client.query("SELECT to_regclass('migrations') IS NOT NULL AS found")).rows[0].found) return;
      // As the runner's migration 0 does: create the table and record that migration, in one transaction.
      await client.query('BEGIN');
      try {
        await client.query(CREATE_TABLE_SQL);
        await client.query('INSERT INTO migrations (id, name, hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [0, 'create-migrations-table', sha1(CREATE_TABLE_FILE + CREATE_TABLE_SQL)]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async applied(client) {
      const { rows } = await client.query('SELECT hash FROM migrations WHERE id = $1', [id]);
      if (!rows.length) return false;
      if (rows[0].hash !== sha1(fileName + text)) {
        throw new Error(`postgres-migrations already records migration ${id} with another hash: this file changed since it was applied (the runner would refuse it too)`);
      }
      return true;
    },
    record: () => [{ text: 'INSERT INTO migrations (id, name, hash) VALUES ($1, $2, $3)', values: [id, name, sha1(fileName + text)] }],
  };
};
