import { strict as assert } from 'node:assert';
import { parseSync } from 'libpg-query';
import type { TextSpan } from '../../../server/src/findings';
import { loadParser, parseChunk, type ParseOutcome, type ParsedStatement } from '../../../server/src/parse/pgParser';
import { splitSql, type Chunk } from '../../../server/src/parse/split';

function parseAll(source: string): ParseOutcome[] {
  return splitSql(source).chunks.map(parseChunk);
}

function statementsOf(outcome: ParseOutcome): ParsedStatement[] {
  assert.ok(outcome.ok, `expected a successful parse, got ${JSON.stringify(!outcome.ok && outcome.error)}`);
  return outcome.statements;
}

function errorOf(outcome: ParseOutcome): { message: string; span: TextSpan } {
  assert.ok(!outcome.ok, 'expected a syntax error');
  return outcome.error;
}

function sliceOf(source: string, span: TextSpan): string {
  return source.slice(span.start, span.end);
}

/** Finds the first AST node carrying `key` (depth-first). */
function findNode(node: unknown, key: string): Record<string, unknown> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (key in record) return record[key] as Record<string, unknown>;
  for (const value of Object.values(record)) {
    const found = findNode(value, key);
    if (found) return found;
  }
  return undefined;
}

describe('pgParser', () => {
  before(async () => {
    await Promise.all([loadParser(), loadParser()]); // concurrent calls share one load
  });

  it('still loads after the first call (idempotent)', async () => {
    await loadParser();
    assert.ok(parseChunk({ kind: 'sql', span: { start: 0, end: 8 }, text: 'select 1' }).ok);
  });

  describe('facts about libpg-query this module relies on', () => {
    it('reports the error cursor as a 0-based code-point index', () => {
      assert.throws(() => parseSync("select 'é' frm x"), (error: { sqlDetails?: { cursorPosition: number } }) => error.sqlDetails?.cursorPosition === 15);
      assert.throws(() => parseSync('select 🚀 frm x'), (error: { sqlDetails?: { cursorPosition: number } }) => error.sqlDetails?.cursorPosition === 13);
    });

    it('rejects the empty query', () => {
      assert.throws(() => parseSync(''));
    });
  });

  describe('successful parses', () => {
    it('returns one statement per RawStmt with trimmed spans that include the `;`', () => {
      const source = '-- +goose Up\n-- +goose StatementBegin\n/* lead */ select 1 /* mid */ ;\n  -- between\n  select 2  -- tail\n-- +goose StatementEnd\n';
      const [outcome] = parseAll(source);
      const statements = statementsOf(outcome);
      assert.deepEqual(statements.map((s) => s.kind), ['SelectStmt', 'SelectStmt']);
      assert.deepEqual(statements.map((s) => sliceOf(source, s.span)), ['select 1 /* mid */ ;', 'select 2']);
      assert.deepEqual(statements.map((s) => s.text), ['select 1 /* mid */ ;', 'select 2']);
      assert.equal(statements[1].span.start, source.indexOf('select 2'));
    });

    it('exposes the AST and its kind', () => {
      const [statement] = statementsOf(parseAll('ALTER TABLE orders ADD COLUMN note text;')[0]);
      assert.equal(statement.kind, 'AlterTableStmt');
      assert.deepEqual(Object.keys(statement.ast), ['AlterTableStmt']);
    });

    it('yields no statements for whitespace-only, `;`-only and non-SQL chunks', () => {
      for (const chunk of [
        { kind: 'sql', span: { start: 0, end: 3 }, text: ' ; ' },
        { kind: 'sql', span: { start: 0, end: 0 }, text: '' },
        { kind: 'psql-meta', span: { start: 0, end: 5 }, text: '\\set x' },
        { kind: 'copy-data', span: { start: 0, end: 4 }, text: '1\n\\.' },
      ] as Chunk[]) {
        assert.deepEqual(parseChunk(chunk), { ok: true, statements: [] }, JSON.stringify(chunk));
      }
    });

    it('maps statement spans and AST locations past é, CJK and emoji', () => {
      const source = "-- é 例えば 🚀\nselect '🚀' as \"表\", 'é' || x_col from t;\n/* 例 */ update 表 set a = '🚀🚀' where b = 1;";
      const outcomes = parseAll(source);
      const [select] = statementsOf(outcomes[0]);
      const [update] = statementsOf(outcomes[1]);
      assert.equal(sliceOf(source, select.span), "select '🚀' as \"表\", 'é' || x_col from t;");
      assert.equal(sliceOf(source, update.span), "update 表 set a = '🚀🚀' where b = 1;");

      const column = findNode(select.ast, 'ColumnRef') as { location: number };
      assert.ok(source.startsWith('x_col', select.toDocOffset(column.location)), 'ColumnRef location lands on x_col');
      const relation = findNode(update.ast, 'relation') as { location: number };
      assert.ok(source.startsWith('表', update.toDocOffset(relation.location)), 'relation location lands on 表');
      const where = findNode(update.ast, 'A_Const') as { location: number };
      assert.ok(source.startsWith("'🚀🚀'", update.toDocOffset(where.location)), 'constant location lands on the emoji string');
    });

    it('keeps BEGIN ATOMIC bodies and dollar quotes intact', () => {
      const source = "create function f(a int) returns text language sql begin atomic select case when a > 0 then 'pos' else 'neg' end; end;\nselect $x$ ; $x$;";
      const kinds = parseAll(source).flatMap((outcome) => statementsOf(outcome).map((s) => s.kind));
      assert.deepEqual(kinds, ['CreateFunctionStmt', 'SelectStmt']);
    });
  });

  describe('syntax errors', () => {
    it('underlines exactly the offending token after é', () => {
      const source = "select 'é' frm x;";
      const error = errorOf(parseAll(source)[0]);
      assert.equal(error.message, 'syntax error at or near "x"');
      assert.deepEqual(error.span, { start: source.lastIndexOf('x'), end: source.lastIndexOf('x') + 1 });
    });

    it('underlines the right token after CJK and emoji, in a later statement', () => {
      // The table 例 gets the alias 🚀; `nope` is the first token the grammar rejects.
      const source = "select '例えば 表';\n-- 🚀\nselect '🚀' as \"表\" from 例 🚀 nope;";
      const outcomes = parseAll(source);
      assert.ok(outcomes[0].ok);
      const error = errorOf(outcomes[1]);
      assert.equal(sliceOf(source, error.span), 'nope');
      assert.equal(error.span.start, source.indexOf('nope'));
    });

    it('underlines a multi-byte token itself', () => {
      const source = 'select 1 例えば 表;';
      const error = errorOf(parseAll(source)[0]);
      assert.equal(sliceOf(source, error.span), '表');
    });

    it('points at the last token for errors at end of input, ignoring trailing comments', () => {
      const source = 'select 1;\nalter table 🚀 add constraint -- unfinished\n';
      const error = errorOf(parseAll(source)[1]);
      assert.match(error.message, /end of input/);
      assert.equal(sliceOf(source, error.span), 'constraint');
    });

    it('limits an unterminated string error to its line', () => {
      const source = "select 1;\nselect 'abc\nfrom t";
      const error = errorOf(parseAll(source)[1]);
      assert.match(error.message, /unterminated quoted string/);
      assert.equal(sliceOf(source, error.span), "'abc");
    });

    it('reports unterminated comments and dollar quotes at their opening', () => {
      for (const broken of ['select 1 /* open', 'select $tag$ open']) {
        const error = errorOf(parseAll(broken)[0]);
        assert.equal(error.span.start, broken.search(/\/\*|\$tag/), broken);
        assert.equal(error.span.end, broken.length, broken);
      }
    });

    it('does not mistake a non-breaking space for whitespace', () => {
      const error = errorOf(parseChunk({ kind: 'sql', span: { start: 0, end: 1 }, text: '\u00a0' }));
      assert.deepEqual(error.span, { start: 0, end: 1 });
    });

    it('reports a NUL byte where it is, instead of silently truncating', () => {
      const source = 'select 1;\nselect 2\0 from t;';
      const error = errorOf(parseAll(source)[1]);
      assert.equal(error.span.start, source.indexOf('\0'));
      assert.equal(error.span.end - error.span.start, 1);
    });

    it('keeps the stray-quote error local so later statements still parse', () => {
      const source = "ALTER TABLE a ADD COLUMN b text DEFAULT 'x;\nCREATE INDEX i ON t (c);\nUPDATE t SET s = 'z';";
      const outcomes = parseAll(source);
      assert.equal(outcomes.length, 3);
      assert.equal(errorOf(outcomes[0]).span.start, source.indexOf("'x;"));
      assert.deepEqual(outcomes.slice(1).map((o) => statementsOf(o)[0].kind), ['IndexStmt', 'UpdateStmt']);
    });
  });

  describe('never throws', () => {
    it('turns junk chunks into outcomes, with spans inside the chunk', () => {
      const junk = ['\0\0\0', '\ud800 select', "'''", '$$', '🚀;🚀', '\\\\', 'select 1e', ')))', 'select U&\'\\0000\''];
      for (const text of junk) {
        const chunk: Chunk = { kind: 'sql', span: { start: 10, end: 10 + text.length }, text };
        const outcome = parseChunk(chunk);
        if (!outcome.ok) {
          assert.ok(outcome.error.span.start >= 10 && outcome.error.span.end <= 10 + text.length, `${JSON.stringify(text)} → ${JSON.stringify(outcome.error)}`);
          assert.ok(outcome.error.span.end > outcome.error.span.start);
        }
      }
    });

    it('handles a malformed chunk object', () => {
      const outcome = parseChunk({ kind: 'sql', span: { start: 0, end: 1 }, text: undefined } as unknown as Chunk);
      assert.equal(outcome.ok, false);
    });
  });
});
