/**
 * History detects each file's runner from the markers of its first 4 KB without splitting the SQL
 * (runnerMarkers): they must be exactly the splitter's markers, for every SQL file in the repository,
 * cut at 4 KB as history cuts it, and for marker lines inside strings, comments and odd line endings.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runnerMarkers } from '../../../server/src/history/schemaHistory';
import { splitSql } from '../../../server/src/parse/split';

const ROOT = resolve(__dirname, '../../..');

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sqlFiles(path, out);
    else if (name.endsWith('.sql')) out.push(path);
  }
  return out;
}

const EDGE_CASES = [
  '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n',
  '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\n',
  '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n\n-- migrate:down\nDROP INDEX i;\n',
  "\uFEFF-- +goose NO TRANSACTION\r\n-- +goose Up\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n",
  "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n",
  "SELECT 'x\n-- +goose Down\n';\n/* -- migrate:down\n-- +goose Up */\nSELECT $$\n-- atlas:txmode none\n$$;\n",
  '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (c);\n',
  '--liquibase formatted sql\n--changeset alice:1\nCREATE TABLE a (id int);\n--changeset bob:2 runInTransaction:false\nCREATE INDEX CONCURRENTLY i ON a (id);\n',
  '--! no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n',
  '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n',
  '--> statement-breakpoint\nCREATE TABLE a (id int);\n--> statement-breakpoint\nCREATE TABLE b (id int);\n',
  `-- ${'x'.repeat(300)} +goose Up\nSELECT 1;\n`,
  '-- +goose Up',
  '',
];

describe('runner markers without a split (schema history)', () => {
  it('equal the splitter\'s markers for every .sql file in the repository, whole and cut at 4 KB', () => {
    const files = sqlFiles(ROOT);
    assert.ok(files.length > 50, `only ${files.length} .sql files found`);
    let marked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const cut of [text, text.slice(0, 4096)]) {
        const expected = splitSql(cut).markers;
        if (expected.length) marked++;
        assert.deepEqual(runnerMarkers(cut), expected, file);
      }
    }
    assert.ok(marked > 10, `only ${marked} files with markers: the comparison would be vacuous`);
  });

  it('equal them for marker lines in strings, comments, CRLF, a byte-order mark, long lines and every runner', () => {
    for (const text of EDGE_CASES) {
      assert.deepEqual(runnerMarkers(text), splitSql(text).markers, JSON.stringify(text.slice(0, 80)));
      // Cut anywhere, as history cuts a file at 4 KB.
      for (let cut = 0; cut < text.length; cut += 7) assert.deepEqual(runnerMarkers(text.slice(0, cut)), splitSql(text.slice(0, cut)).markers, `${JSON.stringify(text.slice(0, 40))} cut at ${cut}`);
    }
    assert.ok(EDGE_CASES.filter((t) => splitSql(t).markers.length > 0).length >= 9, 'the edge cases hold markers');
  });
});
