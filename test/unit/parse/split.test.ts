import { strict as assert } from 'node:assert';
import { splitSql, type Chunk } from '../../../server/src/parse/split';

function texts(source: string, kind: Chunk['kind'] = 'sql'): string[] {
  return splitSql(source).chunks.filter((chunk) => chunk.kind === kind).map((chunk) => chunk.text);
}

describe('splitSql: statements', () => {
  it('splits on semicolons and trims leading trivia from each span', () => {
    const source = '  -- lead\nselect 1;\n/* c */ select 2 ;\n\nselect 3   -- tail\n';
    const { chunks } = splitSql(source);
    assert.deepEqual(chunks.map((c) => c.text), ['select 1;', 'select 2 ;', 'select 3']);
    for (const chunk of chunks) assert.equal(source.slice(chunk.span.start, chunk.span.end), chunk.text);
    assert.equal(chunks[1].span.start, source.indexOf('select 2'));
  });

  it('ends a statement without `;` at its last non-trivia character', () => {
    assert.deepEqual(texts('select 1 /* trailing */ \n -- more\n'), ['select 1']);
  });

  it('does not make chunks of lone semicolons', () => {
    assert.deepEqual(texts(';; select 1;;\n;'), ['select 1;']);
  });

  it('keeps `;` inside quotes, identifiers and comments', () => {
    const statements = [
      "select 'a;b', 'it''s;';",
      "select E'it\\'s; fine', e'\\\\';",
      'select "col;umn" from "t""x;";',
      'select 1 -- not; a split\n + 2;',
      'select 1 /* outer /* inner; */ still; comment */ + 2;',
      "select U&'d\\0061t;a', B'1;', X'1F';",
    ];
    assert.deepEqual(texts(statements.join('\n')), statements);
  });

  it('handles $$ and $tag$ dollar quotes, but not $1 parameters', () => {
    const source = [
      'select $$ ; $$;',
      'select $body$ $$ ; $not$ ; $body$;',
      'select $1; select $2',
      'create function f() returns int as $fn$ begin return 1; end; $fn$ language plpgsql;',
      'select a$b$c from t;',
    ].join('\n');
    assert.deepEqual(texts(source), ['select $$ ; $$;', 'select $body$ $$ ; $not$ ; $body$;', 'select $1;', 'select $2\ncreate function f() returns int as $fn$ begin return 1; end; $fn$ language plpgsql;', 'select a$b$c from t;']);
  });

  it('treats statement keywords case-insensitively', () => {
    const body = 'Create Or Replace Procedure p() Language SQL Begin Atomic insert into t values (1); End;';
    assert.deepEqual(texts(`${body}\nSELECT 2;`), [body, 'SELECT 2;']);
  });

  it('keeps a BEGIN ATOMIC body, with nested CASE … END, in one statement', () => {
    const fn = [
      'CREATE FUNCTION grade(score int) RETURNS text LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT CASE WHEN score > 90 THEN $$a;$$ ELSE CASE WHEN score > 50 THEN \'b\' ELSE \'c\' END END;',
      '  SELECT 1;',
      'END;',
    ].join('\n');
    assert.deepEqual(texts(`${fn}\nALTER TABLE t ADD COLUMN x int;`), [fn, 'ALTER TABLE t ADD COLUMN x int;']);
  });

  it('does not treat BEGIN outside CREATE FUNCTION/PROCEDURE as a body', () => {
    assert.deepEqual(texts('BEGIN; select case when true then 1 end; COMMIT;'), ['BEGIN;', 'select case when true then 1 end;', 'COMMIT;']);
  });

  it('keeps `;` inside the parenthesised actions of CREATE RULE, like psql', () => {
    const rule = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));';
    assert.deepEqual(texts(`${rule} select (1);`), [rule, 'select (1);']);
  });

  it('ends a -- comment at a lone \\r too, as PostgreSQL does', () => {
    assert.deepEqual(texts('-- old mac\rselect 1;\rselect 2;'), ['select 1;', 'select 2;']);
  });

  it('ignores a byte-order mark', () => {
    assert.deepEqual(texts('\ufeffselect 1;'), ['select 1;']);
  });

  it('records every comment with its kind and exact span', () => {
    const source = "select 1; -- one\r\nselect '-- not a comment' /* two /* nested */ */;";
    const { comments } = splitSql(source);
    assert.deepEqual(comments.map((c) => [c.kind, c.text]), [['line', '-- one'], ['block', '/* two /* nested */ */']]);
    for (const comment of comments) assert.equal(source.slice(comment.span.start, comment.span.end), comment.text);
  });

  it('places spans on the exact characters after é, CJK and emoji', () => {
    const source = "-- é 例えば 表 🚀\nselect '🚀;例' as \"表\";\n/* 🚀 */ select 'é';";
    const { chunks } = splitSql(source);
    assert.deepEqual(chunks.map((c) => c.text), ["select '🚀;例' as \"表\";", "select 'é';"]);
    assert.equal(chunks[0].span.start, source.indexOf('select'));
    assert.equal(chunks[1].span.end, source.length);
  });
});

describe('splitSql: psql meta-commands and COPY data', () => {
  it('reports backslash lines at a statement start as psql-meta chunks', () => {
    const source = '\\set ON_ERROR_STOP on\n  \\connect db  \nselect 1;\n\\i other.sql\n';
    assert.deepEqual(texts(source, 'psql-meta'), ['\\set ON_ERROR_STOP on', '\\connect db', '\\i other.sql']);
    assert.deepEqual(texts(source), ['select 1;']);
  });

  it('takes COPY … FROM STDIN data up to and including the \\. line', () => {
    const source = "COPY t (a, b) FROM stdin; -- data follows\n1\tx;y\n2\t'unbalanced\n\\.\nselect 1;";
    const { chunks, comments } = splitSql(source);
    assert.deepEqual(chunks.map((c) => [c.kind, c.text]), [
      ['sql', 'COPY t (a, b) FROM stdin;'],
      ['copy-data', "1\tx;y\n2\t'unbalanced\n\\."],
      ['sql', 'select 1;'],
    ]);
    assert.deepEqual(comments.map((c) => c.text), ['-- data follows']);
  });

  it('takes \\copy … from stdin data too, and runs unterminated data to the end', () => {
    const source = '\\copy t from stdin\n1\n2\n';
    assert.deepEqual(splitSql(source).chunks.map((c) => [c.kind, c.text]), [['psql-meta', '\\copy t from stdin'], ['copy-data', '1\n2']]);
  });

  it('does not expect data after COPY … FROM a file or TO STDOUT', () => {
    assert.deepEqual(texts("COPY t FROM '/tmp/x'; COPY t TO STDOUT;\nselect 1;"), ["COPY t FROM '/tmp/x';", 'COPY t TO STDOUT;', 'select 1;']);
  });
});

describe('splitSql: runner markers', () => {
  it('reads goose markers case-insensitively and keeps StatementBegin…End as one chunk', () => {
    const block = 'CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nselect 1;';
    const source = `-- +goose Up\n-- +goose NO TRANSACTION\n-- +goose statementbegin\n${block}\n-- trailing\n-- +goose StatementEnd\nselect 2;\n-- +goose ENVSUB ON\n-- +goose Down\nDROP FUNCTION f;\n`;
    const { chunks, markers, comments } = splitSql(source);
    assert.deepEqual(markers.map((m) => [m.runner, m.name]), [
      ['goose', 'up'],
      ['goose', 'no-transaction'],
      ['goose', 'statement-begin'],
      ['goose', 'statement-end'],
      ['goose', 'down'],
    ]);
    assert.deepEqual(chunks.map((c) => c.text), [block, 'select 2;', 'DROP FUNCTION f;']);
    assert.equal(source.slice(markers[3].span.start, markers[3].span.end), '-- +goose StatementEnd');
    assert.ok(comments.some((c) => c.text === '-- +goose ENVSUB ON'), 'ENVSUB is kept as an ordinary comment');
    assert.ok(comments.some((c) => c.text === '-- trailing'));
  });

  it('reads dbmate markers and their options', () => {
    const source = '-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n-- migrate:down\ndrop index i;';
    const { chunks, markers } = splitSql(source);
    assert.deepEqual(markers.map((m) => [m.runner, m.name, m.options]), [
      ['dbmate', 'up', { transaction: 'false' }],
      ['dbmate', 'down', {}],
    ]);
    assert.deepEqual(chunks.map((c) => c.text), ['create index concurrently i on t (a);', 'drop index i;']);
  });

  it('treats markers as hard boundaries, even for unterminated statements and quotes', () => {
    const source = "-- migrate:up\nalter table t add column a int\n-- migrate:down\nselect 'open\n-- migrate:up\nselect 3;";
    assert.deepEqual(texts(source), ['alter table t add column a int', "select 'open", 'select 3;']);
  });

  it('only recognises markers starting in column 0, like goose and dbmate', () => {
    const source = 'select 1\n    -- migrate:down\n;';
    const { chunks, markers } = splitSql(source);
    assert.equal(markers.length, 0);
    assert.deepEqual(chunks.map((c) => c.text), [source]);
  });

  it('ends a goose block without StatementEnd at the next marker', () => {
    const source = '-- +goose Up\n-- +goose StatementBegin\nselect 1; select 2;\n-- +goose Down\nselect 3; select 4;';
    assert.deepEqual(texts(source), ['select 1; select 2;', 'select 3;', 'select 4;']);
  });
});
