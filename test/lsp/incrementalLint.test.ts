/**
 * The language server lints an edited document incrementally (parse cache, analyses reused by
 * forward state, rule hits reused, the previous lint's statements reused). Whatever it reuses, the
 * result must be exactly that of a lint from scratch: after every one of a sequence of random edits
 * on real-looking migrations, the diagnostics (and the lock facts hovers show) are compared, as
 * JSON, with `lintText` of the same text without any cache.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../server/src/config/types';
import { explain, initEngine, lintText, type LintResult } from '../../server/src/engine';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { generateMigration } from '../../bench/migration.mjs';

/** mulberry32: the same edits on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text an edit inserts: tokens that change statements, transactions, settings, comments and directives. */
const INSERTS = [
  ' ',
  'x',
  ';',
  '\n',
  "'",
  '$$',
  '-- note\n',
  '/* c */',
  ' CONCURRENTLY',
  ' NOT NULL',
  ' IF EXISTS',
  'BEGIN;\n',
  'COMMIT;\n',
  "SET lock_timeout = '2s';\n",
  "SET statement_timeout = '5min';\n",
  'RESET lock_timeout;\n',
  '-- lockstep-ignore: require-lock-timeout\n',
  '-- lockstep-ignore-file: require-concurrent-index\n',
  '-- lockstep-ignore: no-such-rule\n',
  'ALTER TABLE accounts ADD COLUMN extra text;\n',
  'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);\n',
  'CREATE INDEX accounts_email_idx ON accounts (email);\n',
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_e2 ON accounts (email);\n',
  'DROP TABLE accounts;\n',
  'ALTER TABLE accounts RENAME COLUMN email TO mail;\n',
  'ALTER TABLE bench_t1 ADD CONSTRAINT c1 CHECK (id > 0);\n',
  'ALTER TABLE bench_t2 DROP COLUMN name;\n',
  'VACUUM accounts;\n',
  "INSERT INTO accounts (email) VALUES ('a');\n",
];

/** One random edit: insert a token, delete a short range, or replace a word; at a random offset. */
function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.45) {
    // Tokens that start a statement go at a line start, the others anywhere.
    const token = INSERTS[Math.floor(next() * INSERTS.length)];
    const where = token.endsWith('\n') && token.length > 8 ? text.lastIndexOf('\n', at - 1) + 1 : at;
    return text.slice(0, where) + token + text.slice(where);
  }
  if (choice < 0.75) return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 12));
  // A word changed in place (a rename: the length changes too).
  const word = /[a-z_]+/g;
  word.lastIndex = at;
  const m = word.exec(text);
  if (!m) return text + 'x';
  return text.slice(0, m.index) + m[0] + (next() < 0.5 ? '_e' : '') + text.slice(m.index + m[0].length);
}

function fingerprint(result: LintResult): string {
  return JSON.stringify({ findings: result.findings, impacts: explain(result) });
}

const EXAMPLES = join(__dirname, '../../examples');

function exampleSql(dir: string): string {
  return readdirSync(join(EXAMPLES, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(EXAMPLES, dir, f), 'utf8'))
    .join('\n');
}

const TRANSACTIONS = `CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, email text);
BEGIN;
SET lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN status text DEFAULT 'new';
-- lockstep-ignore: require-concurrent-index
CREATE INDEX accounts_status_idx ON accounts (status);
UPDATE accounts SET status = 'old' WHERE id < 100;
ALTER TABLE accounts ALTER COLUMN status SET NOT NULL;
COMMIT;
ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status <> '') NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_check;
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.status := 'touched'; -- a ; inside the body
  RETURN NEW;
END
$$;
DROP INDEX IF EXISTS accounts_old_idx;
`;

describe('incremental lint in the language server equals a lint from scratch', function () {
  this.timeout(300_000);
  let root: string;
  before(() => initEngine());
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-incremental-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cases: Array<{ name: string; file: string; text: () => string; seed: number; config?: Partial<LockstepConfig> }> = [
    { name: 'a generated migration (tables, indexes, constraints, functions)', file: 'V3__bench.sql', text: () => generateMigration(200).text, seed: 1 },
    { name: 'explicit transactions, settings and ignores', file: 'V4__tx.sql', text: () => TRANSACTIONS, seed: 2 },
    { name: 'goose up/down sections', file: '20240101000000_goose.sql', text: () => exampleSql('goose'), seed: 3 },
    { name: 'Flyway examples, in a transaction', file: 'V5__flyway.sql', text: () => exampleSql('flyway') + TRANSACTIONS, seed: 4 },
    { name: 'dbmate examples', file: '20240301000001_dbmate.sql', text: () => exampleSql('dbmate'), seed: 5, config: { runner: 'dbmate' } as Partial<LockstepConfig> },
  ];

  for (const c of cases) {
    it(`${c.name}: 60 random edits, byte-identical diagnostics after each`, () => {
      const config = { ...DEFAULT_CONFIG, ...c.config } as LockstepConfig;
      const path = join(root, c.file);
      const uri = pathToFileURL(path).href;
      const linter = new DocumentLinter((message) => assert.fail(message));
      let text = c.text();
      const doc = TextDocument.create(uri, 'sql', 1, text);
      const next = random(c.seed);
      let compared = 0;
      for (let n = 0; n <= 60; n++) {
        if (n > 0) {
          const before = text;
          text = edit(text, next);
          TextDocument.update(doc, [{ text }], doc.version + 1);
          // Undo now and then: the previous text comes back, and with it entries the cache still holds.
          if (n % 17 === 0) TextDocument.update(doc, [{ text: (text = before) }], doc.version + 1);
        }
        const incremental = linter.lint(doc, path, config);
        const scratch = lintText(text, { path, config });
        assert.ok(incremental.result, `edit ${n}: the incremental lint failed`);
        assert.equal(fingerprint(incremental.result), fingerprint(scratch), `edit ${n} (seed ${c.seed}): incremental lint differs from a lint from scratch\n${text}`);
        compared++;
      }
      assert.equal(compared, 61);
    });
  }
});
