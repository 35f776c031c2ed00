/**
 * A folder of `count` Flyway migrations where each file creates a table and alters the one before
 * (the shape of the bench's 20,000-file folder, bench/cli-targets.mjs): reports big enough to be
 * written in several pieces.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFlywayChain(dir: string, count: number): void {
  for (let i = 1; i <= count; i++) {
    const text = [`CREATE TABLE t${i} (id bigint PRIMARY KEY, name text);`, `CREATE INDEX t${i}_name_idx ON t${i} (name);`];
    if (i > 1) text.push(`ALTER TABLE t${i - 1} ADD COLUMN note text;`, `ALTER TABLE t${i - 1} ALTER COLUMN name SET NOT NULL;`);
    writeFileSync(join(dir, `V${i}__step.sql`), `${text.join('\n')}\n`);
  }
}
