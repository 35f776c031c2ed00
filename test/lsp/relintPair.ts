/**
 * What the read-set tests (readVersions.test.ts, columnPatch.test.ts, columnJump.test.ts) share: a relint with a warm cache
 * beside a lint from scratch, and a file with two tables whose later statements read one or the other.
 */
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { EngineCache, lintText } from '../../server/src/engine';
import type { Catalog } from '../../server/src/catalog/catalog';

/** Lints of one file with one cache (each a relint of the one before), and a lint from scratch to compare with. */
export function warmLinter(path: string, schema?: Catalog, patching = true) {
  const cache = new EngineCache();
  cache.patching = patching;
  return {
    cache,
    lint: (text: string) => lintText(text, { path, config: DEFAULT_CONFIG, cache, schema }),
    fresh: (text: string) => lintText(text, { path, config: DEFAULT_CONFIG, schema }),
  };
}

/** Lint `before` with a fresh cache, then `after` with the same cache: the relint, its counters, and a lint of `after` from scratch. */
export function relint(path: string, before: string, after: string, schema?: Catalog, patching = true) {
  const { cache, lint, fresh } = warmLinter(path, schema, patching);
  const first = lint(before);
  const second = lint(after);
  return { first, second, stats: cache.stats, fresh: fresh(after) };
}

export const TWO_TABLES = `CREATE TABLE a (id bigint PRIMARY KEY, x text);
CREATE TABLE b (id bigint PRIMARY KEY, y varchar(10));
ALTER TABLE a ADD COLUMN note varchar(10);
ALTER TABLE b ALTER COLUMN y TYPE varchar(20);
CREATE INDEX b_y_idx ON b (y);
ALTER TABLE b ADD CONSTRAINT b_y_check CHECK (y <> '') NOT VALID;
ALTER TABLE b VALIDATE CONSTRAINT b_y_check;
UPDATE b SET y = 'z' WHERE id < 10;
`;
