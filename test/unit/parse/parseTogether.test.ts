/**
 * Parsing a whole file with one parser call (parseChunksTogether) must give each chunk exactly what
 * parsing that chunk alone gives: statements, kinds, spans, texts, and AST positions as document
 * offsets. When the file does not parse as a whole, it gives nothing and the engine parses chunk by
 * chunk. Checked on every rule example and .sql file in the repository plus awkward cases.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { EngineCache, initEngine, lintText } from '../../../server/src/engine';
import { parseChunk, parseChunksTogether, parserCalls, type ParseOutcome, type ParsedStatement } from '../../../server/src/parse/pgParser';
import { splitSql } from '../../../server/src/parse/split';
import { RULES } from '../../../server/src/rules';

const ROOT = resolve(__dirname, '../../..');

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sqlFilesUnder(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  );
}

const AWKWARD: Record<string, string> = {
  'non-ASCII text and identifiers': "CREATE TABLE café (nom text DEFAULT 'été ☕ 😀');\nALTER TABLE café ADD COLUMN \"naïve\" int NOT NULL DEFAULT 0;\nCREATE INDEX ON café (nom);",
  'a lone surrogate in a string': "SELECT '\ud800x';\nALTER TABLE t ADD COLUMN c int DEFAULT 1;",
  'psql meta-commands between statements': 'CREATE TABLE a (x int);\n\\set ON_ERROR_STOP on\nALTER TABLE a ADD COLUMN y int;\n\\echo done\n',
  'COPY data between statements': 'CREATE TABLE a (x int, y text);\nCOPY a FROM stdin;\n1\tone; two\n2\tthree\n\\.\nALTER TABLE a ADD COLUMN z int;\n',
  'comments everywhere, no final semicolon': "/* head */ -- line\nCREATE TABLE a (x int); -- trailing ; in a comment\n/* ; */ SELECT 1 /* mid */ ; SELECT\n-- c\n2",
  'dollar quotes and BEGIN ATOMIC with semicolons inside':
    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nDO $$ BEGIN PERFORM 1; END $$;",
  'CREATE RULE with several actions': 'CREATE RULE r AS ON INSERT TO a DO ALSO (NOTIFY a; NOTIFY b);\nSELECT 1;',
  'two statements on one line, empty statements': 'SELECT 1; SELECT 2;;\n;\nSELECT 3;',
  'CRLF line ends': 'CREATE TABLE a (x int);\r\nALTER TABLE a ADD COLUMN y int;\r\n',
};

/** The AST with every position replaced by the document offset it stands for. */
function positioned(stmt: ParsedStatement): unknown {
  return JSON.parse(JSON.stringify(stmt.ast, (key, value) => (key === 'location' && typeof value === 'number' ? stmt.toDocOffset(value) : value)));
}

function comparable(outcome: ParseOutcome): unknown {
  if (!outcome.ok) return outcome;
  return outcome.statements.map((s) => ({
    kind: s.kind,
    span: s.span,
    text: s.text,
    ast: positioned(s),
    unknownPosition: s.toDocOffset(-1),
    pastTheEnd: s.toDocOffset(1e9),
  }));
}

describe('parsing a whole file at once (parseChunksTogether)', function () {
  // Every example and .sql file parsed and linted twice: minutes on a busy 2-core machine (a guard, not a measurement).
  this.timeout(600_000);
  before(() => initEngine());

  const texts: [string, string][] = [
    ...RULES.flatMap((r): [string, string][] => [
      [`${r.id} flagged example`, r.examples.flagged],
      [`${r.id} clean example`, r.examples.clean],
    ]),
    ...[...sqlFilesUnder(join(ROOT, 'examples')), ...sqlFilesUnder(join(ROOT, 'test'))].map((p): [string, string] => [p.slice(ROOT.length + 1), readFileSync(p, 'utf8')]),
    ...Object.entries(AWKWARD),
  ];

  it('gives every chunk what parsing it alone gives (rule examples, .sql files, awkward cases)', () => {
    let together = 0;
    for (const [name, text] of texts) {
      const chunks = splitSql(text).chunks.filter((c) => c.kind === 'sql');
      const outcomes = parseChunksTogether(chunks);
      assert.ok(outcomes || !(name in AWKWARD), `${name} parses as a whole`);
      if (!outcomes) continue;
      together++;
      assert.equal(outcomes.size, chunks.length, name);
      for (const chunk of chunks) {
        assert.deepEqual(comparable(outcomes.get(chunk)!), comparable(parseChunk(chunk)), `${name}: ${chunk.text}`);
      }
    }
    for (const name of Object.keys(AWKWARD)) assert.ok(texts.some(([n]) => n === name));
    assert.ok(together > texts.length * 0.8, `${together} of ${texts.length} texts parsed as a whole`);
  });

  it('gives nothing when the file does not parse as a whole, or a statement spans two chunks', () => {
    const broken = splitSql('CREATE TABLE a (x int);\nALTER TABLE a ADD COLUM y int;\nSELECT 1;').chunks;
    assert.equal(parseChunksTogether(broken), undefined);
    const nul = splitSql('SELECT 1;\nSELECT 2\0;').chunks;
    assert.equal(parseChunksTogether(nul), undefined);
    // A statement cut in two by a meta-command: the halves do not parse together as written.
    const cut = splitSql('SELECT\n\\echo x\n1;').chunks.filter((c) => c.kind === 'sql');
    assert.equal(parseChunksTogether(cut), undefined);
  });

  it('lints with one parser call per file, and one per statement more only when the file has a syntax error (counted)', async () => {
    await initEngine();
    const statements = Array.from({ length: 30 }, (_, i) => `ALTER TABLE t ADD COLUMN c${i} int;`);
    let before = parserCalls.count;
    lintText(`CREATE TABLE t (id int);\n${statements.join('\n')}\n`, { config: DEFAULT_CONFIG });
    assert.equal(parserCalls.count - before, 1);

    before = parserCalls.count;
    const result = lintText(`CREATE TABLE t (id int);\n${statements.join('\n')}\nALTER TABLE t ADD COLUM x int;\n`, { config: DEFAULT_CONFIG });
    assert.equal(parserCalls.count - before, 1 + 32);
    assert.equal(result.findings.filter((f) => f.ruleId === 'syntax-error').length, 1);
    assert.equal(result.document.statements.length, 31);
  });

  it('the engine finds the same, parsing whole files or statement by statement (the language server caches per statement)', () => {
    for (const [name, text] of texts) {
      const whole = lintText(text, { config: DEFAULT_CONFIG });
      const byStatement = lintText(text, { config: DEFAULT_CONFIG, cache: new EngineCache() });
      assert.deepEqual(whole.findings, byStatement.findings, name);
      assert.deepEqual(
        whole.document.statements.map((s) => [s.span, s.text, s.kind]),
        byStatement.document.statements.map((s) => [s.span, s.text, s.kind]),
        name,
      );
    }
  });
});
