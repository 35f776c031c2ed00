import { strict as assert } from 'node:assert';
import { splitSql, type SplitResult } from '../../../server/src/parse/split';
import { random } from '../../support/random';

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** Invariants every split must satisfy, whatever the input. */
function assertWellFormed(source: string, result: SplitResult): void {
  let previousEnd = 0;
  for (const chunk of result.chunks) {
    assert.equal(chunk.text, source.slice(chunk.span.start, chunk.span.end), 'chunk text is the source slice');
    assert.ok(chunk.span.start >= previousEnd, `chunks are ordered and disjoint at ${chunk.span.start}`);
    assert.ok(chunk.span.end > chunk.span.start, 'chunks are not empty');
    previousEnd = chunk.span.end;
    for (const marker of result.markers) {
      const crosses = chunk.span.start < marker.span.start && chunk.span.end > marker.span.end;
      assert.ok(!crosses, 'no chunk spans across a marker');
    }
  }
  for (const comment of result.comments) assert.equal(comment.text, source.slice(comment.span.start, comment.span.end));
}

describe('splitSql: recovery from unterminated constructs', () => {
  const rest = ['CREATE INDEX i ON t (c);', "ALTER TABLE t ADD CONSTRAINT c CHECK (x <> 'y');", "UPDATE t SET s = 'z';"];

  it('a stray quote only breaks its own statement', () => {
    const source = ["ALTER TABLE a ADD COLUMN b text DEFAULT 'x;", ...rest].join('\n');
    const { chunks } = splitSql(source);
    assert.deepEqual(chunks.map((c) => c.text), ["ALTER TABLE a ADD COLUMN b text DEFAULT 'x;", ...rest]);
  });

  it('a stray quote after a legitimate multi-line string still points at the stray one', () => {
    const comment = "COMMENT ON TABLE t IS 'line one;\nline two';";
    const source = [comment, "SELECT 'oops FROM t;", ...rest].join('\n');
    assert.deepEqual(splitSql(source).chunks.map((c) => c.text), [comment, "SELECT 'oops FROM t;", ...rest]);
  });

  it('recovers from a stray dollar quote, double quote and block comment', () => {
    for (const broken of ['SELECT $$ body;', 'SELECT "col FROM t;', 'SELECT 1 /* open;']) {
      const source = [broken, 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;', ...rest].join('\n');
      const { chunks } = splitSql(source);
      assert.equal(chunks[0].text, broken, broken);
      assert.deepEqual(chunks.slice(-3).map((c) => c.text), rest, `statements after ${broken} survive`);
    }
  });

  it('a construct left open on the last line runs to the end and is still a chunk', () => {
    assert.deepEqual(splitSql("select 1;\nselect 'abc").chunks.map((c) => c.text), ['select 1;', "select 'abc"]);
    assert.deepEqual(splitSql('select 1;\n/* open').chunks.map((c) => c.text), ['select 1;', '/* open']);
  });

  it('drops comments that were only comments because of the stray quote', () => {
    const source = "SELECT 'x;\n-- real comment\nSELECT 1;";
    const { comments, chunks } = splitSql(source);
    assert.deepEqual(comments.map((c) => c.text), ['-- real comment']);
    assert.deepEqual(chunks.map((c) => c.text), ["SELECT 'x;", 'SELECT 1;']);
  });
});

describe('splitSql: never throws', () => {
  it('survives binary junk, NUL bytes and lone surrogates', () => {
    const next = random(7);
    const alphabet = ["'", '"', '$', '$$', '$a$', '/*', '*/', '--', '\\', '\\.', ';', '\n', '\r', '\0', ' ', 'E', 'x', '\ud800', '\udc00', '🚀', '例', '-- +goose StatementBegin\n', '\n-- migrate:up\n', 'begin atomic', 'case', 'end', 'copy t from stdin;', '(', ')'];
    for (let round = 0; round < 300; round++) {
      let source = '';
      const length = Math.floor(next() * 200);
      for (let i = 0; i < length; i++) source += next() < 0.2 ? String.fromCharCode(Math.floor(next() * 65536)) : pick(next, alphabet);
      assertWellFormed(source, splitSql(source));
    }
  });

  it('accepts non-string input without throwing', () => {
    assert.deepEqual(splitSql(undefined as unknown as string).chunks, []);
  });

  it('stays linear on a 20 MB adversarial file', function () {
    this.timeout(60_000);
    // Every line opens a quote and a comment: the worst case for the recovery heuristic.
    const line = "select 'a /* b; $$ \"c\n";
    const source = line.repeat(Math.ceil(20_000_000 / line.length));
    const started = process.cpuUsage();
    const result = splitSql(source);
    const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
    assertWellFormed(source, { ...result, chunks: result.chunks.slice(0, 1000), markers: [] });
    assert.ok(result.chunks.length > 0);
    assert.ok(cpuMs < 20_000, `took ${cpuMs} ms of CPU`);
  });
});

describe('splitSql: property — random statements with random trivia', () => {
  const statements = [
    "select 'a;b';",
    "select E'it\\'s;';",
    'select $$;$$;',
    'select $t$ $$ ; $t$;',
    'select "x;y" from t;',
    'create function f() returns int language sql begin atomic select case when true then 1 end; end;',
    'select 1 /* in ; */ + 2;',
    'select $1;',
    'create rule r as on insert to t do also (insert into a values (1); insert into b values (2));',
    "select '例えば 表;🚀' as \"é\";",
    'alter table t\n  add column a int;',
  ];
  const trivia = [' ', '\n', '\t', '\r\n', "-- comment ; 'x\n", '/* nested /* ; */ \' */', '\n\n', '/* 🚀; */ '];

  it('every chunk is the source slice, chunks are ordered, and each snippet is exactly one chunk', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const chosen: string[] = [];
      let source = '';
      const count = 1 + Math.floor(next() * 8);
      for (let i = 0; i < count; i++) {
        while (next() < 0.5) source += pick(next, trivia);
        const statement = pick(next, statements);
        chosen.push(statement);
        source += statement;
      }
      while (next() < 0.5) source += pick(next, trivia);
      const result = splitSql(source);
      assertWellFormed(source, result);
      assert.deepEqual(result.chunks.map((c) => c.text), chosen, `seed ${seed}: ${JSON.stringify(source)}`);
    }
  });
});
