/** Templated SQL: placeholders get typed stand-ins of their own length; template branches are not analysed. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { holdsNoCandidate, prepareTemplates, prepareTemplatesAfterEdit } from '../../../server/src/parse/templates';
import { editBetween } from '../../../server/src/parse/textEdit';
import { random } from '../../support/random';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { EngineCache, initEngine, lintText } from '../../../server/src/engine';
import { SchemaHistory } from '../../../server/src/history/schemaHistory';
import { fixesFor } from '../../../server/src/fixes';
import { lint } from '../../support/lint';

const NS = '{{ index .Options "Namespace" }}';

describe('templated SQL', () => {
  it('keeps every offset: the prepared text is as long as the original, line breaks where they were', () => {
    const sql = `CREATE TABLE ${NS}.t (id int);\nSELECT :'v', :"col", \${flyway:defaultSchema}, {{- /* note */ -}}\n1;`;
    const prepared = prepareTemplates(sql, { Namespace: 'app' });
    assert.equal(prepared.text.length, sql.length);
    assert.deepEqual([...prepared.text].flatMap((c, i) => (c === '\n' ? [i] : [])), [...sql].flatMap((c, i) => (c === '\n' ? [i] : [])));
  });

  it('a name where SQL expects a name (the configured value when it fits), a literal where it expects a value', () => {
    const p = (sql: string, values = {}) => prepareTemplates(sql, values).text;
    assert.equal(p(`CREATE TABLE ${NS}.t (id int);`, { Namespace: 'app' }), `CREATE TABLE ${' '.repeat(NS.length - 3)}app.t (id int);`);
    assert.equal(p('ALTER TABLE t ADD COLUMN c text DEFAULT {{ .Status }};'), `ALTER TABLE t ADD COLUMN c text DEFAULT ''${' '.repeat('{{ .Status }}'.length - 2)};`);
    assert.equal(p('ALTER TABLE t ADD COLUMN n int DEFAULT ${n};', { n: '5' }), 'ALTER TABLE t ADD COLUMN n int DEFAULT 5   ;');
    assert.equal(p('CREATE INDEX idx_{{ .Name }}_email ON t (email);'), 'CREATE INDEX idx_Name________email ON t (email);');
    assert.equal(p("SELECT * FROM :\"tbl\" WHERE id = :id AND name = :'who';"), "SELECT * FROM tbl    WHERE id = ''  AND name = ''    ;");
    // Casts, slices and named arguments are not psql variables; $1 stays a parameter where a value goes.
    const plain = 'SELECT x::int, arr[1:n], f(a := 1) FROM t WHERE y = $1;';
    assert.equal(p(plain), plain);
    assert.equal(p('CREATE TABLE $1 (id int);'), 'CREATE TABLE _1 (id int);');
  });

  it('placeholders inside strings and comments never end them', () => {
    const sql = "COMMENT ON TABLE t IS 'owned by {{ .Team }}'; -- {{ .Note }}\nSELECT '${x}';";
    const prepared = prepareTemplates(sql);
    const blank = (placeholder: string) => ' '.repeat(placeholder.length);
    assert.equal(prepared.text, `COMMENT ON TABLE t IS 'owned by ${blank('{{ .Team }}')}'; -- ${blank('{{ .Note }}')}\nSELECT '${blank('${x}')}';`);
  });

  it('a Go-templated set lints with no syntax error, real findings at the original positions, and branches not analysed', async () => {
    await initEngine();
    const dir = resolve(__dirname, '../../fixtures/frameworks/go-template');
    const config = { ...DEFAULT_CONFIG, placeholders: JSON.parse(readFileSync(join(dir, 'lockstep.config.json'), 'utf8')).placeholders };
    const path = join(dir, 'migrations/000002_orders_user_index.up.sql');
    const text = readFileSync(path, 'utf8');
    const schema = new SchemaHistory().schemaBefore(path, text, config);
    assert.ok(schema?.column('app.orders', 'user_id'), 'the templated history was replayed with the configured namespace');
    const result = lintText(text, { path, config, schema });
    const seen = result.findings.map((f) => [f.ruleId, f.span.start, f.span.end]);
    const index = text.indexOf('CREATE INDEX');
    const branch = text.indexOf('ALTER TABLE', text.indexOf('{{ if'));
    assert.deepEqual(seen.filter(([id]) => id !== 'require-lock-timeout'), [
      ['require-concurrent-index', index, text.indexOf(';', index) + 1],
      ['not-analysed', branch, text.indexOf(';', branch) + 1],
    ]);
    assert.equal(result.findings.filter((f) => f.ruleId === 'syntax-error').length, 0);
    assert.equal(result.document.statements.length, 2);
    // The statement keeps its original text, and no rewrite is offered over its placeholders.
    const stmt = result.document.statements[0];
    assert.ok(stmt.text.includes(NS));
    const finding = result.findings.find((f) => f.ruleId === 'require-concurrent-index')!;
    assert.deepEqual(fixesFor({ text, result, finding, stmt, config, path }, { withoutIgnores: true }), []);
  });

  it('a placeholder in a name position parses; a branch inside a statement makes the statement not analysed', async () => {
    const { findings } = await lint(`CREATE INDEX i ON ${NS}.orders (user_id);`);
    assert.deepEqual(findings.map((f) => f.ruleId).filter((r) => r === 'syntax-error'), []);
    const raw = await lint(`CREATE INDEX i ON {{ .X }}.orders (user_id) {{ if .Y }};`);
    assert.deepEqual(raw.findings.map((f) => f.ruleId), ['not-analysed']);
  });

  it('an unterminated branch makes the rest of the file not analysed', async () => {
    const { findings, document } = await lint('SELECT 1;\n{{ range .Tables }}\nALTER TABLE {{ . }} ADD COLUMN c int;\nALTER TABLE x DROP COLUMN y;');
    assert.deepEqual(findings.map((f) => f.ruleId), ['not-analysed', 'not-analysed']);
    assert.equal(document.statements.length, 1);
    const ignored = await lint('-- lockstep-ignore-file not-analysed\n{{ if .X }}\nALTER TABLE t DROP COLUMN c;\n{{ end }}');
    assert.deepEqual(ignored.findings.map((f) => f.ruleId), []);
  });
});

describe('templated SQL with the editor cache', () => {
  it('a new placeholder value is seen at once, though the text did not change', async () => {
    await initEngine();
    const cache = new EngineCache();
    const sql = 'CREATE TABLE fresh (c int);\nCREATE INDEX i ON ${table} (c);';
    const schema = (await lint('CREATE TABLE orders (c int);')).document.catalog;
    const run = (table: string) =>
      lintText(sql, { config: { ...DEFAULT_CONFIG, placeholders: { table } }, cache, schema }).findings.map((f) => f.ruleId).filter((r) => r !== 'require-lock-timeout');
    assert.deepEqual(run('fresh'), [], 'an index on a table created in the same migration');
    assert.deepEqual(run('orders'), ['require-concurrent-index']);
  });

  it('an edit of a text without candidates: looking only around the edit finds what preparing the whole text finds', () => {
    // Deletions that join a `:` to a name, `$` to a digit, `{` to `{`; a cut-off character before a `:`.
    const cases: Array<[string, string]> = [
      ['SELECT ( : a);', 'SELECT ( :a);'],
      ['SELECT $ 1;', 'SELECT $1;'],
      ['SELECT { {x}};', 'SELECT {{x}};'],
      ['SELECT $ {x};', 'SELECT ${x};'],
      ['SELECT a::int, x:= 1;', 'SELECT a::int, x:=1, :b;'],
      ["COMMENT ON TABLE t IS 'a';", "COMMENT ON TABLE t IS ':a';"],
    ];
    for (const [before, after] of cases) {
      assert.ok(holdsNoCandidate(prepareTemplates(before)), before);
      assert.deepEqual(prepareTemplatesAfterEdit(after, editBetween(before, after)), prepareTemplates(after), after);
    }
    const next = random(7);
    const pieces = [':', ' :', '(:', '$', '$', '{', '{', '1', 'a', ' ', '=', "'", '\n', '::', 'x'];
    let text = 'SELECT a::int, b FROM t WHERE x = 1;\nCOMMENT ON TABLE t IS \'note\';\n';
    let found = 0;
    for (let n = 0; n < 3000; n++) {
      const at = Math.floor(next() * (text.length + 1));
      const cut = next() < 0.5 ? Math.floor(next() * 3) : 0;
      const edited = text.slice(0, at) + (next() < 0.6 ? pieces[Math.floor(next() * pieces.length)] : '') + text.slice(at + cut);
      const whole = prepareTemplates(edited);
      assert.deepEqual(prepareTemplatesAfterEdit(edited, editBetween(text, edited)), whole, JSON.stringify([text, edited]));
      if (!holdsNoCandidate(whole)) found++;
      // Every step starts from a text without candidates.
      if (holdsNoCandidate(whole)) text = edited;
    }
    assert.ok(found > 50, `${found} edits made a candidate`);
  });
});
