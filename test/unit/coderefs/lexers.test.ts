/**
 * The string-literal lexers of the code-reference index (TypeScript/JavaScript, Python, Ruby): which
 * literals they find, with interpolations as `$1`, and what they skip (comments, regular
 * expressions, %w lists, command strings), including where a full parser used to be needed.
 */
import assert from 'node:assert/strict';
import { initEngine } from '../../../server/src/engine';
import { referencesOf } from '../../../server/src/coderefs/index';
import { jsLiterals } from '../../../server/src/coderefs/sources/jsStrings';
import { literalText, type Literal } from '../../../server/src/coderefs/sources/literals';
import { pyLiterals } from '../../../server/src/coderefs/sources/pyStrings';
import { rbLiterals } from '../../../server/src/coderefs/sources/rbStrings';

const values = (text: string, lex: (t: string) => Literal[]) => lex(text).map((l) => literalText(text, l).value);
/** Each reference as `line:column table.column`, sorted. */
const refs = (path: string, text: string, table: string) =>
  referencesOf([{ path, text }])
    .lookup(table)
    .references.map((r) => `${r.line}:${r.column1} ${r.table}${r.column ? `.${r.column}` : r.everyColumn ? '.*' : ''}`)
    .sort();

describe('code-reference lexers', () => {
  before(() => initEngine());

  describe('TypeScript / JavaScript', () => {
    it('reads quotes and templates, with nested templates and strings inside ${…}', () => {
      const text = "const a = 'x\\'y';\nconst b = \"q\";\nconst c = `SELECT ${f(`inner ${'deep'}`)} FROM t`;\n";
      assert.deepEqual(values(text, jsLiterals), ["x'y", 'q', 'deep', 'inner $1', 'SELECT $1 FROM t']);
    });

    it('skips comments and regular expressions, and tells a division from a regex', () => {
      const text = "// 'SELECT a FROM c1'\n/* \"SELECT b FROM c2\" */\nconst r = /'[\"]/g;\nconst d = x / 2 / y;\nconst s = 'kept';\nreturn /'/.test(s) ? 'yes' : 'no';\n";
      assert.deepEqual(values(text, jsLiterals), ['kept', 'yes', 'no']);
    });

    it('reads a string of half a million characters (spreading its offsets into push() overflowed the stack)', () => {
      const text = `export const q = () => db.query(\`SELECT a FROM t WHERE b = '${'x'.repeat(500_000)}'\`);\n`;
      assert.deepEqual(refs('src/big.ts', text, 't'), ['1:41 t.a', '1:48 t', '1:56 t.b']);
    });

    it('finds SQL with its exact place, and nothing in a comment or an identifier', () => {
      const text = "// SELECT nickname FROM users\nconst nickname = 1;\nexport const q = () => db.query(`SELECT id, username FROM users WHERE id = ${id}`);\n";
      assert.deepEqual(refs('src/q.ts', text, 'users'), ['3:41 users.id', '3:45 users.username', '3:59 users', '3:71 users.id']);
    });
  });

  describe('Python', () => {
    it('reads prefixes, triple quotes and f-string holes, and skips # comments', () => {
      const text = "# 'SELECT x FROM t'\na = r'\\d+'\nb = b\"bytes\"\nc = f\"SELECT {col} FROM t WHERE {{literal}}\"\nd = '''SELECT 1\n'''\nrb'x'\n";
      assert.deepEqual(values(text, pyLiterals), ['\\d+', 'bytes', 'SELECT $1 FROM t WHERE {{literal}}', 'SELECT 1\n', 'x']);
    });

    it('finds SQL in a triple-quoted string across lines', () => {
      const text = 'def f(cur):\n    cur.execute("""\n        SELECT email FROM customers\n        WHERE id = %s\n    """, [1])  # SELECT nickname FROM customers\n';
      assert.deepEqual(refs('app/q.py', text, 'customers'), ['3:16 customers.email', '3:27 customers', '4:15 customers.id']);
    });
  });

  describe('Ruby', () => {
    it('reads quotes, %q/%Q, heredocs (two on one line) and #{…} holes; skips comments, =begin, %w and regexes', () => {
      const text = [
        "# 'SELECT x FROM t'",
        '=begin',
        '"SELECT y FROM t"',
        '=end',
        "a = 'single #{not_a_hole}'",
        'b = "double #{hole} end"',
        'c = %Q(paren (nested) #{x})',
        "d = %q[raw \\n]",
        'e = %w[SELECT y FROM t]',
        "f = x =~ /'/",
        'g(<<~ONE, <<-"TWO")',
        '  first #{v}',
        'ONE',
        '  second',
        '  TWO',
        'h = 1',
      ].join('\n');
      assert.deepEqual(values(text, rbLiterals), ['single #{not_a_hole}', 'double $1 end', 'paren (nested) $1', 'raw \\n', '  first $1\n', '  second\n']);
    });

    it('finds SQL in a heredoc with its exact place', () => {
      const text = 'class Stats\n  def run\n    User.find_by_sql(<<~SQL) # SELECT nickname FROM users\n      SELECT id, last_login_at FROM users\n    SQL\n  end\nend\n';
      assert.deepEqual(refs('app/stats.rb', text, 'users'), ['4:14 users.id', '4:18 users.last_login_at', '4:37 users']);
    });
  });
});
