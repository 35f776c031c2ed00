/**
 * Drizzle Kit's migrator (drizzle-orm): table `drizzle.__drizzle_migrations (id, hash, created_at)`.
 * A migration is its journal entry (`meta/_journal.json`: tag, when) and its file; the row holds
 * sha256(file) and the entry's `when`. The migrator applies only entries whose `when` is later than
 * the latest recorded `created_at`, so that high-water mark is what "applied" means to it, and a
 * file is recorded only when every earlier entry is: otherwise the migrator would skip those forever.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HistoryFactory } from './types';

const SETUP = `CREATE SCHEMA IF NOT EXISTS drizzle;
  CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`;

interface JournalEntry {
  tag: string;
  when: number;
}

function journalEntries(path: string): JournalEntry[] | string {
  const journal = join(dirname(path), 'meta', '_journal.json');
  try {
    const entries = (JSON.parse(readFileSync(journal, 'utf8')) as { entries?: unknown }).entries;
    if (!Array.isArray(entries)) return `${journal} has no entries`;
    return entries.filter((e): e is JournalEntry => typeof e?.tag === 'string' && typeof e?.when === 'number');
  } catch (error) {
    return `cannot read Drizzle's journal ${journal}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export const drizzleHistory: HistoryFactory = (path, text) => {
  const entries = journalEntries(path);
  if (typeof entries === 'string') return { problem: entries };
  const tag = basename(path).replace(/\.sql$/i, '');
  const index = entries.findIndex((e) => e.tag === tag);
  if (index < 0) return { problem: `Drizzle's journal (meta/_journal.json) has no entry ${tag}, so the migrator would never apply this file` };
  const { when } = entries[index];
  const previous = entries.slice(0, index).reduce((max, e) => Math.max(max, e.when), -Infinity);
  const latest = async (client: import('pg').Client) => {
    const { rows } = await client.query('SELECT max(created_at) AS latest FROM drizzle.__drizzle_migrations');
    return rows[0].latest === null ? -Infinity : Number(rows[0].latest);
  };
  return {
    label: 'Drizzle',
    table: 'drizzle.__drizzle_migrations',
    async ensure(client) {
      await client.query(SETUP);
    },
    async applied(client) {
      const recorded = await latest(client);
      if (recorded >= when) return true;
      if (previous > recorded) {
        throw new Error(
          `an earlier migration of Drizzle's journal is not recorded as applied; recording ${tag} would make the migrator skip it forever. Apply the earlier ones first`,
        );
      }
      return false;
    },
    record: () => [{ text: 'INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', values: [createHash('sha256').update(text).digest('hex'), when] }],
  };
};
