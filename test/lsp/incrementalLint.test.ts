/**
 * The language server lints an edited document incrementally (parse cache, analyses reused by
 * forward state, rule hits reused, the previous lint's statements reused). Whatever it reuses, the
 * result must be exactly that of a lint from scratch: after every one of a sequence of random edits
 * on real-looking migrations, the diagnostics (and the lock facts hovers show) are compared, as
 * JSON, with `lintText` of the same text without any cache; so is the schema after the file.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../server/src/config/types';
import { EngineCache, explain, initEngine, lintText, type LintResult } from '../../server/src/engine';
import { referencesOf, type Lookup, type ReferenceLookup } from '../../server/src/coderefs/index';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
import { PIECE_DOCUMENTS, type PieceDocument } from '../../server/src/lsp/pieceDocument';
import { editBetween } from '../../server/src/parse/textEdit';
import { catalogDigest } from '../../server/src/fixes/window';
import { ownFields } from '../../server/src/document/movedStatement';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { generateMigration } from '../../bench/migration.mjs';
import { random } from '../support/random';

/** Text an edit inserts: tokens that change statements, transactions, settings, comments and directives. */
const INSERTS = [
  ' ',
  'x',
  ';',
  '\n',
  "'",
  '"',
  '$$',
  '$a$',
  '-- note\n',
  '--',
  '/* c */',
  '/*',
  '*/',
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
  // Code that runs: the schema counts it (what a function may have created), the lock model does not.
  'SELECT touch();\n',
  'DO $$ BEGIN PERFORM 1; END $$;\n',
  "DO $$ BEGIN EXECUTE 'CREATE TRIGGER t AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION touch()'; END $$;\n",
  "SELECT set_config('lock_timeout', '1s', false);\n",
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
  if (choice < 0.7) return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 12));
  // Edits that change no statement's effect (the engine's patch path): a string, a comment, spacing.
  if (choice < 0.8) {
    const inPlace = [/'[^'\n]*'/g, /--[^\n]*/g, /\/\*[^*]*\*\//g, / /g][Math.floor(next() * 4)];
    inPlace.lastIndex = at;
    const m = inPlace.exec(text);
    if (m) {
      const changed = m[0].startsWith("'") ? `${m[0].slice(0, -1)}${next() < 0.5 ? ' edited' : ''}'` : m[0] === ' ' ? '  ' : `${m[0]}${m[0].startsWith('/*') ? '' : ' x'}`;
      return text.slice(0, m.index) + changed.replace(/\*\/$/, ' x */') + text.slice(m.index + m[0].length);
    }
  }
  // A column an ADD COLUMN or ALTER COLUMN names, renamed (a column-only edit: the engine's column patch),
  // to a new name or one the tables have.
  if (choice < 0.88) {
    const column = /(ADD|ALTER) COLUMN (IF NOT EXISTS )?([a-z_]+)/g;
    column.lastIndex = at;
    const m = column.exec(text) ?? ((column.lastIndex = 0), column.exec(text));
    if (m) {
      const name = [`${m[3]}_r`, 'status', 'email', 'total'][Math.floor(next() * 4)];
      const replaced = m[0].slice(0, m[0].length - m[3].length) + name;
      return text.slice(0, m.index) + replaced + text.slice(m.index + m[0].length);
    }
  }
  // A word changed in place (a rename: the length changes too).
  const word = /[a-z_]+/g;
  word.lastIndex = at;
  const m = word.exec(text);
  if (!m) return text + 'x';
  return text.slice(0, m.index) + m[0] + (next() < 0.5 ? '_e' : '') + text.slice(m.index + m[0].length);
}

/**
 * The diagnostics, the lock facts hovers show, and the schema after the file (rules and fixes read
 * it). AST locations the schema keeps (a CHECK's expression) are left out: a whole-file parse and a
 * per-statement parse count them from different starts.
 */
function fingerprint(result: LintResult): string {
  const schema = JSON.stringify(JSON.parse(catalogDigest(result.document.catalog)), (key, value) => (key === 'location' ? undefined : value));
  return JSON.stringify({ findings: result.findings, impacts: explain(result), schema });
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

  const cases: Array<{ name: string; file: string; text: () => string; seed: number; edits?: number; config?: Partial<LockstepConfig>; code?: boolean }> = [
    { name: 'a generated migration (tables, indexes, constraints, functions)', file: 'V3__bench.sql', text: () => generateMigration(200).text, seed: 1 },
    // Over 256 schema-changing statements: the lazy schema replay restores from kept checkpoints.
    { name: 'a longer generated migration (schema checkpoints)', file: 'V6__long.sql', text: () => generateMigration(1_300).text, seed: 6, edits: 20 },
    { name: 'explicit transactions, settings and ignores', file: 'V4__tx.sql', text: () => TRANSACTIONS, seed: 2 },
    // Code that uses the columns the migration changes, updated in place now and then (the server's index).
    { name: 'explicit transactions, with application code that changes', file: 'V9__code.sql', text: () => `${TRANSACTIONS.replace(/^CREATE TABLE[^\n]*\n/, '')}ALTER TABLE accounts DROP COLUMN email;\nALTER TABLE accounts RENAME COLUMN status TO state;\n`, seed: 7, code: true },
    { name: 'goose up/down sections', file: '20240101000000_goose.sql', text: () => exampleSql('goose'), seed: 3 },
    { name: 'Flyway examples, in a transaction', file: 'V5__flyway.sql', text: () => exampleSql('flyway') + TRANSACTIONS, seed: 4 },
    { name: 'dbmate examples', file: '20240301000001_dbmate.sql', text: () => exampleSql('dbmate'), seed: 5, config: { runner: 'dbmate' } as Partial<LockstepConfig> },
    { name: 'dbmate examples, an unterminated dollar quote above an inserted DO block', file: '20240301000002_dbmate.sql', text: () => exampleSql('dbmate'), seed: 305, edits: 80, config: { runner: 'dbmate' } as Partial<LockstepConfig> },
  ];

  it('re-splits only around the edit: the statements before it are the previous split\'s own objects', () => {
    const path = join(root, 'V8__split.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    const text = generateMigration(400).text;
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    linter.lint(doc, path, DEFAULT_CONFIG);
    const before = linter.cacheFor(doc.uri).lastSplit!.split;
    const at = text.lastIndexOf('COMMENT ON TABLE');
    const edited = `${text.slice(0, at)}${text.slice(at).replace(/'[^']*'/, "'edited'")}`;
    TextDocument.update(doc, [{ text: edited }], 2);
    const incremental = linter.lint(doc, path, DEFAULT_CONFIG);
    const after = linter.cacheFor(doc.uri).lastSplit!.split;
    assert.notEqual(after, before);
    assert.equal(after.chunks[0], before.chunks[0], 'the first statement was not split again');
    assert.equal(fingerprint(incremental.result!), fingerprint(lintText(edited, { path, config: DEFAULT_CONFIG })));
  });

  it('edits that change only the schema (code run by DO/SELECT), or nothing downstream, in a long file', () => {
    const path = join(root, 'V7__code.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    const base = generateMigration(1_300).text;
    const routine = "CREATE FUNCTION mk() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'CREATE TRIGGER t AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION x()'; END $$;\n";
    const texts = [
      base,
      `${routine}${base}`,
      `${routine}${base}SELECT mk();\n`,
      `${routine}${base}SELECT mk();\nDO $$ BEGIN EXECUTE 'CREATE TABLE dyn (id int)'; END $$;\n`,
      `${routine}SELECT mk();\n${base}`,
      // Same place, other code: the same statements change the schema, differently.
      `${routine}SELECT now();\n${base}`,
      `${routine}SELECT mk();\n${base}`,
      `${routine}SELECT mk();\n${base.replace("IS 'benchmark table 7'", "IS 'edited'")}`,
      `${routine}SELECT mk();\n${base.replace('ADD COLUMN note_30 text', 'ADD COLUMN note_30_e text')}`,
      base,
    ];
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, base);
    texts.forEach((text, n) => {
      TextDocument.update(doc, [{ text }], doc.version + 1);
      const incremental = linter.lint(doc, path, DEFAULT_CONFIG);
      assert.equal(fingerprint(incremental.result!), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), `text ${n}`);
    });
  });

  // The server's documents keep their text in pieces and get range edits (lsp/pieceDocument.ts); the library's get whole texts.
  for (const c of cases) for (const pieces of [false, true]) {
    const edits = c.edits ?? 60;
    it(`${c.name}: ${edits} random edits, byte-identical diagnostics after each${pieces ? ' (a document in pieces, range edits)' : ''}`, () => {
      const config = { ...DEFAULT_CONFIG, ...c.config } as LockstepConfig;
      const path = join(root, c.file);
      const uri = pathToFileURL(path).href;
      const linter = new DocumentLinter((message) => assert.fail(message));
      let text = c.text();
      const doc = pieces ? PIECE_DOCUMENTS.create(uri, 'sql', 1, text) : TextDocument.create(uri, 'sql', 1, text);
      const update = (from: string, to: string) => (pieces ? rangeUpdate(doc as PieceDocument, from, to) : TextDocument.update(doc, [{ text: to }], doc.version + 1));
      const next = random(c.seed);
      const sets = [
        referencesOf([{ path: 'src/a.ts', text: "db.query('SELECT email, status FROM accounts WHERE id = $1', [id]);\n" }]),
        referencesOf([{ path: 'src/b.ts', text: "db.query('UPDATE accounts SET status = $1', [s]);\n" }]),
      ];
      const live = { set: sets[0], version: 0, lookup: (table: string, column?: string): Lookup => live.set.lookup(table, column) };
      if (c.code) linter.code = live;
      let compared = 0;
      let patched = 0;
      let codeFindings = 0;
      for (let n = 0; n <= edits; n++) {
        if (c.code && n % 7 === 0) {
          // Only the code changed (the server relints every open migration then).
          live.set = sets[(n / 7) % 2];
          live.version++;
        } else if (n > 0) {
          const before = text;
          text = edit(text, next);
          update(before, text);
          // Undo now and then: the previous text comes back, and with it entries the cache still holds.
          if (n % 17 === 0) update(text, (text = before));
        }
        const incremental = linter.lint(doc, path, config);
        if (linter.cacheFor(uri).stats.patched) patched++;
        codeFindings += incremental.result?.findings.filter((f) => f.ruleId === 'still-referenced').length ?? 0;
        const scratch = lintText(text, { path, config, code: c.code ? live : undefined });
        assert.ok(incremental.result, `edit ${n}: the incremental lint failed`);
        assert.equal(fingerprint(incremental.result), fingerprint(scratch), `edit ${n} (seed ${c.seed}): incremental lint differs from a lint from scratch\n${text}`);
        compared++;
      }
      assert.equal(compared, edits + 1);
      if (c.code) assert.ok(codeFindings > 0, 'the code-reading rules never flagged anything');
      console.log(`      ${patched} of ${edits} relints patched`);
    });
  }
});

/** The edit from `from` to `to` sent as an editor sends it: one replaced range (positions in `from`). */
function rangeUpdate(doc: PieceDocument, from: string, to: string): void {
  const e = editBetween(from, to);
  const range = { start: doc.positionAt(e.start), end: doc.positionAt(e.oldEnd) };
  PIECE_DOCUMENTS.update(doc, [{ range, text: to.slice(e.start, e.newEnd) }], doc.version + 1);
}

const GOOSE = `-- +goose Up
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
BEGIN;
SET lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN status text DEFAULT 'new';
-- lockstep-ignore: require-concurrent-index
CREATE INDEX accounts_status_idx ON accounts (status);
ALTER TABLE orders ADD COLUMN total numeric;
UPDATE accounts SET status = 'old' WHERE id < 100;
UPDATE orders SET total = 0;
COMMIT;
ALTER TABLE accounts ADD CONSTRAINT c CHECK (status <> '') NOT VALID;
COMMENT ON TABLE accounts IS 'first';
ALTER TABLE accounts VALIDATE CONSTRAINT c;
-- +goose Down
ALTER TABLE accounts DROP COLUMN status;
COMMENT ON TABLE accounts IS 'down';
`;

describe('the engine patches a relint when the edit hands nothing different on', function () {
  this.timeout(120_000);
  let root: string;
  before(() => initEngine());
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-patch-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a string edited in a long migration: one statement analysed, a few linted again, the rest carried over', () => {
    const path = join(root, 'V9__patch.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    const text = generateMigration(2_000).text;
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    const first = linter.lint(doc, path, DEFAULT_CONFIG).result!;
    const at = text.lastIndexOf("IS 'benchmark table");
    const edited = `${text.slice(0, at)}IS 'edited, longer than before${text.slice(at + 4)}`;
    TextDocument.update(doc, [{ text: edited }], 2);
    const patched = linter.lint(doc, path, DEFAULT_CONFIG).result!;
    const stats = linter.cacheFor(doc.uri).stats;
    assert.equal(stats.patched, true);
    assert.equal(stats.parsed, 1);
    assert.ok(stats.analyzed <= 1, `${stats.analyzed} statements analysed`);
    assert.ok(stats.rerunStatements <= 3, `${stats.rerunStatements} statements linted again`);
    // The statements before the edit are the previous lint's records; those after it moved.
    const index = patched.document.statements.findIndex((s) => s.text.includes('edited, longer'));
    assert.equal(patched.document.statements[index - 1], first.document.statements[index - 1]);
    assert.equal(patched.document.statements[index + 1].span.start, first.document.statements[index + 1].span.start + 'edited, longer than before'.length);
    assert.equal(fingerprint(patched), fingerprint(lintText(edited, { path, config: DEFAULT_CONFIG })));
    // The previous lint's document is left as it was (hovers answer from it until the new one is in).
    assert.equal(first.document.text, text);
    assert.equal(fingerprint(first), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })));
    // A second edit shifts records shifted by the first: spans and AST offsets (fixes map them) still right.
    const again = `${edited.slice(0, 200)}${edited.slice(200).replace("IS 'benchmark table 1'", "IS 'x'")}`;
    TextDocument.update(doc, [{ text: again }], 3);
    const twice = linter.lint(doc, path, DEFAULT_CONFIG).result!;
    assert.equal(linter.cacheFor(doc.uri).stats.patched, true);
    const fresh = new DocumentLinter((message) => assert.fail(message)).lint(TextDocument.create(doc.uri, 'sql', 1, again), path, DEFAULT_CONFIG).result!;
    assert.equal(twice.document.statements.length, fresh.document.statements.length);
    twice.document.statements.forEach((s, i) => {
      const t = fresh.document.statements[i];
      assert.deepEqual([s.span, s.text, s.toDocOffset(0), s.toDocOffset(7)], [t.span, t.text, t.toDocOffset(0), t.toDocOffset(7)], `statement ${i}`);
    });
    // Typing on in the same statement: the schema before it is the one the last patch kept.
    for (const word of ['y', 'yz', 'yz!']) {
      const typed = again.replace("IS 'x'", `IS '${word}'`);
      TextDocument.update(doc, [{ text: typed }], doc.version + 1);
      const result = linter.lint(doc, path, DEFAULT_CONFIG).result!;
      assert.equal(linter.cacheFor(doc.uri).stats.patched, true);
      assert.equal(fingerprint(result), fingerprint(lintText(typed, { path, config: DEFAULT_CONFIG })), word);
    }
  });

  it('edits that make or unmake a placeholder or a marker line in a long file without any: each relint equals a lint from scratch', () => {
    const path = join(root, 'V9__made.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    let text = generateMigration(600).text;
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    linter.lint(doc, path, DEFAULT_CONFIG);
    const edits: Array<(t: string) => string> = [
      (t) => t.replace("IS 'benchmark table 3'", "IS 'benchmark table 33'"),
      (t) => t.replace("IS 'benchmark table 33'", "IS ${comment}"),
      (t) => t.replace("IS ${comment}", "IS 'benchmark table 3'"),
      (t) => t.replace("IS 'benchmark table 4';", "IS 'benchmark table 4'; SELECT $ 1;"),
      (t) => t.replace('SELECT $ 1;', 'SELECT $1;'),
      (t) => t.replace('SELECT $1;', 'SELECT ( : a);'),
      (t) => t.replace('SELECT ( : a);', 'SELECT ( :a);'),
      (t) => t.replace('SELECT ( :a);', ''),
      (t) => t.replace("IS 'benchmark table 5';", "IS 'benchmark table 5';\n- +goose Down"),
      (t) => t.replace('\n- +goose Down', '\n-- +goose Down'),
      (t) => t.replace('\n-- +goose Down', '\n- +goose Down'),
      (t) => t.replace("IS 'benchmark table 6'", "IS 'benchmark table six'"),
    ];
    for (const [n, edit] of edits.entries()) {
      const edited = edit(text);
      assert.notEqual(edited, text, `edit ${n}`);
      text = edited;
      TextDocument.update(doc, [{ text }], doc.version + 1);
      const result = linter.lint(doc, path, DEFAULT_CONFIG).result!;
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), `edit ${n}`);
    }
  });

  it('many edits of different lengths: every shifted record maps spans and AST offsets as a fresh lint does, all through one shared function', () => {
    const path = join(root, 'V9__many.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    const { text, lines, editable } = generateMigration(600);
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    linter.lint(doc, path, DEFAULT_CONFIG);
    const next = random(14);
    let result: LintResult | undefined;
    for (let n = 0; n < 40; n++) {
      const line = editable['comment-text'][Math.floor(next() * editable['comment-text'].length)];
      lines[line] = lines[line].replace(/'[^']*'/, `'${'é'.repeat(Math.floor(next() * 9))}edit ${n}'`);
      const before = doc.getText().length;
      TextDocument.update(doc, [{ text: `${lines.join('\n')}\n` }], doc.version + 1);
      result = linter.lint(doc, path, DEFAULT_CONFIG).result!;
      assert.equal(linter.cacheFor(doc.uri).stats.patched, true, `edit ${n}`);
      // The records this patch moved share one offset function: no closure per record.
      const edited = result.document.statements.findIndex((s) => s.text.includes(`edit ${n}'`));
      const moved = new Set(result.document.statements.slice(edited + 1).map((s) => s.toDocOffset));
      if (doc.getText().length !== before) assert.equal(moved.size, 1, `edit ${n} at ${edited} of ${result.document.statements.length}`);
    }
    assert.equal(fingerprint(result!), fingerprint(lintText(doc.getText(), { path, config: DEFAULT_CONFIG })));
    // AST locations are the chunk's own bytes when statements are parsed one chunk at a time (the cache's way).
    const fresh = new DocumentLinter((message) => assert.fail(message)).lint(TextDocument.create(doc.uri, 'sql', 1, doc.getText()), path, DEFAULT_CONFIG).result!;
    result!.document.statements.forEach((s, i) => {
      const t = fresh.document.statements[i];
      const at = [0, 3, 7, 20].map((b) => Math.min(b, Buffer.byteLength(s.text) - 1));
      assert.deepEqual([s.span, s.text, ...at.map((b) => s.toDocOffset(b))], [t.span, t.text, ...at.map((b) => t.toDocOffset(b))], `statement ${i}`);
      // A copy with another index (fixes/window.ts renumbers the statements after a fix) maps the same.
      const copy = { ...ownFields(s), index: s.index + 1 };
      assert.deepEqual(at.map((b) => copy.toDocOffset(b)), at.map((b) => t.toDocOffset(b)), `copy of statement ${i}`);
    });
  });

  it('code-reading verdicts carry over only while the code index is the same and unchanged (its version); else they are rerun', () => {
    const sql = "CREATE TABLE notes (id bigint);\nCOMMENT ON TABLE notes IS 'a';\nALTER TABLE users DROP COLUMN username;\n";
    const uses = referencesOf([{ path: 'src/users.ts', text: "db.query('SELECT id FROM users WHERE username = $1', [name]);\n" }]);
    const none = referencesOf([]);
    // An index updated in place, like the language server's (LiveReferences).
    const live = { set: uses, version: 1, lookup: (table: string, column?: string): Lookup => live.set.lookup(table, column) } satisfies ReferenceLookup & { set: unknown };
    const cache = new EngineCache();
    const lint = (text: string) => lintText(text, { path: join(root, 'V1__code.sql'), config: DEFAULT_CONFIG, cache, code: live });
    const referenced = (r: LintResult) => r.findings.filter((f) => f.ruleId === 'still-referenced').length;
    assert.equal(referenced(lint(sql)), 1);
    const edited = sql.replace("IS 'a'", "IS 'b'");
    assert.equal(referenced(lint(edited)), 1);
    assert.equal(cache.stats.patched, true);
    live.set = none;
    live.version++;
    assert.equal(referenced(lint(edited)), 0);
    assert.equal(cache.stats.patched, true);
    live.set = uses;
    live.version++;
    const again = lint(edited.replace("IS 'b'", "IS 'c'"));
    assert.equal(referenced(again), 1);
    assert.equal(cache.stats.patched, true);
    assert.equal(fingerprint(again), fingerprint(lintText(edited.replace("IS 'b'", "IS 'c'"), { path: join(root, 'V1__code.sql'), config: DEFAULT_CONFIG, code: live })));
    // No index at all: the code-reading rules say nothing, patched or not.
    assert.equal(referenced(lintText(edited, { path: join(root, 'V1__code.sql'), config: DEFAULT_CONFIG, cache })), 0);
    assert.equal(cache.stats.patched, true);
  });

  it('with patching off the same edit builds the whole document again (what the counters above tell apart)', () => {
    const path = join(root, 'V9__whole.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    const text = generateMigration(400).text;
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    linter.lint(doc, path, DEFAULT_CONFIG);
    linter.cacheFor(doc.uri).patching = false;
    TextDocument.update(doc, [{ text: text.replace("IS 'benchmark table 3'", "IS 'edited'") }], 2);
    linter.lint(doc, path, DEFAULT_CONFIG);
    const stats = linter.cacheFor(doc.uri).stats;
    assert.equal(stats.patched, false);
    assert.ok(stats.reusedAnalyses > 100);
  });

  // Each text is an edit of the one before; `patched`: whether the patch path must (true) or must not (false) take it.
  const steps: Array<{ name: string; edit: (text: string) => string; patched?: boolean }> = [
    { name: 'a COMMENT string', edit: (t) => t.replace("IS 'first'", "IS 'second, longer'"), patched: true },
    { name: 'a backfill condition', edit: (t) => t.replace('id < 100', 'id < 2000') },
    { name: 'an ignore directive gains an unknown rule', edit: (t) => t.replace('ignore: require-concurrent-index', 'ignore: require-concurrent-index, no-such-rule'), patched: true },
    { name: 'the ignore directive removed', edit: (t) => t.replace(/-- lockstep-ignore[^\n]*\n/, ''), patched: true },
    { name: 'the ignore directive back', edit: (t) => t.replace('CREATE INDEX accounts_status_idx', '-- lockstep-ignore: require-concurrent-index\nCREATE INDEX accounts_status_idx'), patched: true },
    { name: 'spacing inside a statement that holds a lock', edit: (t) => t.replace('ALTER TABLE accounts ADD CONSTRAINT c', 'ALTER TABLE  accounts ADD CONSTRAINT c'), patched: true },
    // The last UPDATE's long-lock-window finding quotes the ALTER TABLE two statements up: its text changed, so no patch.
    { name: 'a comment inside a statement the lock indexes quote', edit: (t) => t.replace('ALTER TABLE orders ADD', 'ALTER TABLE orders /* why */ ADD'), patched: false },
    { name: 'SET lock_timeout changed', edit: (t) => t.replace("'3s'", "'4s'"), patched: false },
    { name: 'COMMIT removed', edit: (t) => t.replace('COMMIT;\n', ''), patched: false },
    { name: 'COMMIT back', edit: (t) => t.replace('UPDATE orders SET total = 0;\n', 'UPDATE orders SET total = 0;\nCOMMIT;\n'), patched: false },
    { name: 'BEGIN turned into a comment', edit: (t) => t.replace('BEGIN;', '-- BEGIN;'), patched: false },
    { name: 'BEGIN back', edit: (t) => t.replace('-- BEGIN;', 'BEGIN;'), patched: false },
    { name: 'a syntax error', edit: (t) => t.replace('VALIDATE CONSTRAINT', 'VALIDAT CONSTRAINT'), patched: false },
    { name: 'the syntax error fixed', edit: (t) => t.replace('VALIDAT CONSTRAINT', 'VALIDATE CONSTRAINT'), patched: false },
    // A column-only edit: only the later statements that read accounts are analysed again (columnPatch.ts).
    { name: 'a column renamed', edit: (t) => t.replace('ADD COLUMN status', 'ADD COLUMN state'), patched: true },
    { name: 'a statement added', edit: (t) => t.replace("COMMENT ON TABLE accounts IS 'second", "SELECT 1;\nCOMMENT ON TABLE accounts IS 'second"), patched: false },
    { name: 'the statement removed', edit: (t) => t.replace('SELECT 1;\n', ''), patched: false },
    { name: 'a string in the down section', edit: (t) => t.replace("IS 'down'", "IS 'down, edited'") },
    { name: 'the down marker moved', edit: (t) => t.replace('-- +goose Down\nALTER TABLE accounts DROP COLUMN status;\n', 'ALTER TABLE accounts DROP COLUMN status;\n-- +goose Down\n'), patched: false },
    { name: 'the up marker written differently', edit: (t) => t.replace('-- +goose Up', '-- +goose  Up'), patched: false },
    { name: 'a string again', edit: (t) => t.replace("IS 'second, longer'", "IS 'third'"), patched: true },
  ];

  it('what rules read of other statements a patch keeps (enum values added, replica identities, loaded tables): still right', () => {
    const path = join(root, 'V10__indexes.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    let text = [
      'CREATE TABLE accounts (id bigint PRIMARY KEY, mood text);',
      'CREATE PUBLICATION pub FOR TABLE accounts;',
      'BEGIN;',
      "ALTER TYPE mood ADD VALUE 'ecstatic';",
      "UPDATE people SET mood = 'ecstatic' WHERE id = 1 AND note <> 'past the seventy characters a message quotes';",
      "COMMENT ON TABLE people IS 'a';",
      'COMMIT;',
      'ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;',
      "COMMENT ON TABLE accounts IS 'b';",
      'CREATE TABLE events_2024 (LIKE events);',
      "INSERT INTO events_2024 SELECT * FROM events_archive WHERE at >= '2024-01-01' AND at < '2025-01-01';",
      "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      '',
    ].join('\n');
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    const rules = (r: LintResult) => new Set(r.findings.map((f) => f.ruleId));
    const first = linter.lint(doc, path, DEFAULT_CONFIG).result!;
    assert.ok(['enum-add-value-in-transaction', 'replica-identity-drop', 'attach-new-partition'].every((id) => rules(first).has(id)), [...rules(first)].join());
    const edits: Array<(t: string) => string> = [
      (t) => t.replace("IS 'a'", "IS 'a, edited'"),
      // Past what a message quotes of it: the UPDATE is relinted against the enum index the patch kept.
      (t) => t.replace('the seventy characters', 'the 70 characters'),
      (t) => t.replace('ALTER TABLE accounts DROP', 'ALTER TABLE  accounts  DROP'),
      (t) => t.replace("IS 'b'", "IS 'b, edited'"),
      // The rows an ATTACH PARTITION finding says were loaded: other rows, the same table.
      (t) => t.replace("at < '2025-01-01';", "at < '2024-07-01';"),
    ];
    for (const [n, edit] of edits.entries()) {
      text = edit(text);
      TextDocument.update(doc, [{ text }], doc.version + 1);
      const result = linter.lint(doc, path, DEFAULT_CONFIG).result!;
      assert.equal(linter.cacheFor(doc.uri).stats.patched, true, `edit ${n}`);
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), `edit ${n}`);
    }
  });

  it('transactions, settings, ignores, markers, renames, added statements, syntax errors: each relint equals a lint from scratch', () => {
    const path = join(root, '20240101000000_patch.sql');
    const linter = new DocumentLinter((message) => assert.fail(message));
    let text = GOOSE;
    const doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    linter.lint(doc, path, DEFAULT_CONFIG);
    for (const step of steps) {
      const edited = step.edit(text);
      assert.notEqual(edited, text, `${step.name}: the edit changed nothing`);
      text = edited;
      TextDocument.update(doc, [{ text }], doc.version + 1);
      const result = linter.lint(doc, path, DEFAULT_CONFIG).result!;
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), step.name);
      if (step.patched !== undefined) assert.equal(linter.cacheFor(doc.uri).stats.patched, step.patched, `${step.name}: patched`);
    }
  });
});

