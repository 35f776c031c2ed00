/**
 * Alembic migrations: `def upgrade(): op.…` read with tree-sitter (Python). `op.execute('…')` strings
 * are linted where they are written; the `op` directives are translated to the DDL SQLAlchemy's
 * PostgreSQL dialect compiles (alembic/ddl/impl.py, alembic/ddl/postgresql.py; see
 * docs/frameworks/alembic.md). Alembic's env.py runs migrations inside a transaction
 * (`context.begin_transaction()`); `with op.get_context().autocommit_block():` commits it, runs its
 * statements outside any transaction, and begins a new one.
 */
import { writeAlembicMigrations } from './writeHost';
import { randomUUID } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../fixes/types';
import { arg, callArgs, dotted, pyString, pyValue, spanOfNode, type PyArgs, type PyValue } from './pyAst';
import { concurrentlyInLiteral, indentAt } from './sqlText';
import { grammarFailure, parserFor } from './treeSitter';
import type { ExtractedStatement, Extraction, FrameworkExtractor, NotAnalysed, TransactionModel } from './types';

const WRAPPED: TransactionModel = { wrapped: true, because: 'Alembic runs migrations in a transaction (`context.begin_transaction()` in env.py)' };

/** SQLAlchemy quotes a name only when it must (upper case, reserved words aside). */
const q = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** SQLAlchemy types as its PostgreSQL dialect compiles them. */
function sqlType(node: Node | undefined, text: string): string | undefined {
  if (!node) return undefined;
  const name = (dotted(node.type === 'call' ? node.childForFieldName('function') : node) ?? '').split('.').pop() ?? '';
  const a = node.type === 'call' ? callArgs(node) : { positional: [], keywords: new Map<string, Node>(), splat: false };
  const n = (i: number, k: string) => {
    const v = pyValue(arg(a, i, k), text);
    return typeof v === 'number' ? v : undefined;
  };
  switch (name) {
    case 'String':
    case 'VARCHAR':
    case 'Unicode':
      return n(0, 'length') !== undefined ? `VARCHAR(${n(0, 'length')})` : 'VARCHAR';
    case 'Text':
    case 'TEXT':
    case 'UnicodeText':
      return 'TEXT';
    case 'Integer':
    case 'INTEGER':
      return 'INTEGER';
    case 'BigInteger':
    case 'BIGINT':
      return 'BIGINT';
    case 'SmallInteger':
      return 'SMALLINT';
    case 'Boolean':
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'DateTime':
    case 'TIMESTAMP':
      return pyValue(arg(a, 0, 'timezone'), text) === true ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP WITHOUT TIME ZONE';
    case 'Date':
      return 'DATE';
    case 'Time':
      return 'TIME WITHOUT TIME ZONE';
    case 'Numeric':
    case 'NUMERIC':
      return n(0, 'precision') !== undefined ? `NUMERIC(${n(0, 'precision')}, ${n(1, 'scale') ?? 0})` : 'NUMERIC';
    case 'Float':
      return 'FLOAT';
    case 'UUID':
    case 'Uuid':
      return 'UUID';
    case 'JSONB':
      return 'JSONB';
    case 'JSON':
      return 'JSON';
    case 'LargeBinary':
      return 'BYTEA';
    default:
      return undefined;
  }
}

/** A `server_default`: a string literal is quoted; `sa.text('now()')` is verbatim. */
function serverDefault(node: Node | undefined, text: string): string | undefined {
  if (!node) return undefined;
  if (node.type === 'call' && /(^|\.)text$/.test(dotted(node.childForFieldName('function')) ?? '')) {
    const v = pyValue(callArgs(node).positional[0], text);
    return typeof v === 'string' ? v : undefined;
  }
  const v = pyValue(node, text);
  return typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : undefined;
}

class AlembicReader {
  statements: ExtractedStatement[] = [];
  notAnalysed: NotAnalysed[] = [];
  /** Transaction group of statements outside autocommit blocks; undefined when the file has none. */
  group = 0;
  inBlock = false;
  hasBlock = false;

  constructor(readonly text: string) {}

  skip(node: Node, reason: string) {
    this.notAnalysed.push({ range: spanOfNode(node), reason, section: 'up' });
  }

  push(stmt: Omit<ExtractedStatement, 'section' | 'transaction'>) {
    this.statements.push({ ...stmt, section: 'up', transaction: this.inBlock ? 'none' : { group: this.group } });
  }

  builder(sql: string, call: Node, data?: Record<string, unknown>) {
    const span = spanOfNode(call);
    this.push({ sql, range: span, origin: 'builder', call: span, data });
  }

  /** The statements of `upgrade()`, in order; `with …autocommit_block():` bodies run outside the transaction. */
  block(node: Node | null) {
    for (const st of node?.namedChildren ?? []) {
      if (!st) continue;
      if (st.type === 'with_statement' && /autocommit_block\s*\(/.test(st.namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '')) {
        this.hasBlock = true;
        this.inBlock = true;
        this.block(st.childForFieldName('body'));
        this.inBlock = false;
        this.group++;
        continue;
      }
      if (st.type === 'for_statement' || st.type === 'while_statement') {
        this.skip(st, 'op calls inside a loop');
        continue;
      }
      if (st.type === 'expression_statement' && st.namedChild(0)?.type === 'call') {
        this.call(st.namedChild(0)!);
        continue;
      }
      if (['if_statement', 'with_statement', 'try_statement', 'block'].includes(st.type)) {
        this.block(st.childForFieldName('body') ?? st.childForFieldName('consequence') ?? st);
        continue;
      }
      for (const c of st.descendantsOfType('call')) if (c && /^op\./.test(dotted(c.childForFieldName('function')) ?? '')) this.skip(c, 'op call inside an expression');
    }
  }

  call(call: Node) {
    const fn = dotted(call.childForFieldName('function')) ?? '';
    if (!fn.startsWith('op.')) return;
    const name = fn.slice(3);
    const a = callArgs(call);
    if (a.splat) return this.skip(call, `op.${name} with *args/**kwargs`);
    const s = (i: number, k: string) => {
      let n = arg(a, i, k);
      // `op.f('ix_name')` (autogenerate's "already converted" marker) is the name itself.
      if (n?.type === 'call' && dotted(n.childForFieldName('function')) === 'op.f') n = callArgs(n).positional[0];
      const v = pyValue(n, this.text);
      return typeof v === 'string' ? v : undefined;
    };
    const list = (i: number, k: string) => {
      const v = pyValue(arg(a, i, k), this.text);
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
    };
    const flag = (k: string) => pyValue(a.keywords.get(k), this.text) === true;
    switch (name) {
      case 'execute': {
        let sql = arg(a, 0, 'sqltext');
        if (sql?.type === 'call' && /(^|\.)text$/.test(dotted(sql.childForFieldName('function')) ?? '')) sql = callArgs(sql).positional[0];
        const str = pyString(sql, this.text);
        if (!str || 'reason' in str) return this.skip(sql ?? call, str && 'reason' in str ? str.reason : 'SQL in a variable or built by code');
        return this.push({ sql: str.value, range: spanOfNode(sql!), origin: 'literal', runs: str.runs, call: spanOfNode(call) });
      }
      case 'create_index': {
        const [index, table, cols] = [s(0, 'index_name'), s(1, 'table_name'), list(2, 'columns')];
        if (!index || !table || !cols) return this.skip(call, 'op.create_index with dynamic arguments');
        if (a.keywords.has('postgresql_where') || a.keywords.has('postgresql_using')) return this.skip(call, 'op.create_index with postgresql_where/using (not translated)');
        const conc = flag('postgresql_concurrently');
        const sql = `CREATE ${flag('unique') ? 'UNIQUE ' : ''}INDEX ${conc ? 'CONCURRENTLY ' : ''}${flag('if_not_exists') ? 'IF NOT EXISTS ' : ''}${q(index)} ON ${q(table)} (${cols.map(q).join(', ')})`;
        return this.builder(sql, call, conc ? undefined : { closeParen: call.endIndex - 1 });
      }
      case 'drop_index': {
        const index = s(0, 'index_name');
        if (!index) return this.skip(call, 'op.drop_index with a dynamic name');
        const conc = flag('postgresql_concurrently');
        return this.builder(`DROP INDEX ${conc ? 'CONCURRENTLY ' : ''}${flag('if_exists') ? 'IF EXISTS ' : ''}${q(index)}`, call, conc ? undefined : { closeParen: call.endIndex - 1 });
      }
      case 'add_column': {
        const table = s(0, 'table_name');
        const col = this.column(arg(a, 1, 'column'));
        if (!table || typeof col === 'string') return this.skip(call, typeof col === 'string' ? col : 'op.add_column with a dynamic table');
        return this.builder(`ALTER TABLE ${q(table)} ADD COLUMN ${col.sql}`, call);
      }
      case 'drop_column': {
        const [table, col] = [s(0, 'table_name'), s(1, 'column_name')];
        if (!table || !col) return this.skip(call, 'op.drop_column with dynamic names');
        return this.builder(`ALTER TABLE ${q(table)} DROP COLUMN ${q(col)}`, call);
      }
      case 'alter_column':
        return this.alterColumn(call, a, s);
      case 'create_foreign_key': {
        const [cname, src, ref, local, remote] = [s(0, 'constraint_name'), s(1, 'source_table'), s(2, 'referent_table'), list(3, 'local_cols'), list(4, 'remote_cols')];
        if (!cname || !src || !ref || !local || !remote) return this.skip(call, 'op.create_foreign_key with dynamic arguments');
        const ondelete = s(5, 'ondelete');
        return this.builder(`ALTER TABLE ${q(src)} ADD CONSTRAINT ${q(cname)} FOREIGN KEY(${local.map(q).join(', ')}) REFERENCES ${q(ref)} (${remote.map(q).join(', ')})${ondelete ? ` ON DELETE ${ondelete}` : ''}`, call);
      }
      case 'create_check_constraint': {
        const [cname, table] = [s(0, 'constraint_name'), s(1, 'table_name')];
        let cond = arg(a, 2, 'condition');
        if (cond?.type === 'call' && /(^|\.)text$/.test(dotted(cond.childForFieldName('function')) ?? '')) cond = callArgs(cond).positional[0];
        const c = pyValue(cond, this.text);
        if (!cname || !table || typeof c !== 'string') return this.skip(call, 'op.create_check_constraint with a SQLAlchemy expression (not translated)');
        return this.builder(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(cname)} CHECK (${c})`, call);
      }
      case 'create_unique_constraint': {
        const [cname, table, cols] = [s(0, 'constraint_name'), s(1, 'table_name'), list(2, 'columns')];
        if (!cname || !table || !cols) return this.skip(call, 'op.create_unique_constraint with dynamic arguments');
        return this.builder(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(cname)} UNIQUE (${cols.map(q).join(', ')})`, call);
      }
      case 'drop_constraint': {
        const [cname, table] = [s(0, 'constraint_name'), s(1, 'table_name')];
        if (!cname || !table) return this.skip(call, 'op.drop_constraint with dynamic names');
        return this.builder(`ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(cname)}`, call);
      }
      case 'rename_table': {
        const [from, to] = [s(0, 'old_table_name'), s(1, 'new_table_name')];
        if (!from || !to) return this.skip(call, 'op.rename_table with dynamic names');
        return this.builder(`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`, call);
      }
      case 'drop_table': {
        const table = s(0, 'table_name');
        if (!table) return this.skip(call, 'op.drop_table with a dynamic name');
        return this.builder(`DROP TABLE ${q(table)}`, call);
      }
      case 'create_table': {
        const table = s(0, 'table_name');
        if (!table) return this.skip(call, 'op.create_table with a dynamic name');
        const cols: string[] = [];
        for (const c of a.positional.slice(1)) {
          const col = this.column(c);
          if (typeof col === 'string') return this.skip(call, col);
          cols.push(col.sql);
        }
        return this.builder(`CREATE TABLE ${q(table)} (${cols.join(', ')})`, call);
      }
      default:
        return this.skip(call, `op.${name} (not translated)`);
    }
  }

  /** `sa.Column('name', sa.String(20), nullable=False, server_default='x')` → its DDL. */
  column(node: Node | undefined): { sql: string } | string {
    if (node?.type !== 'call' || !/(^|\.)Column$/.test(dotted(node.childForFieldName('function')) ?? '')) return 'column that is not sa.Column(…)';
    const a = callArgs(node);
    const name = pyValue(a.positional[0], this.text);
    const type = sqlType(a.positional[1], this.text);
    if (typeof name !== 'string') return 'sa.Column with a dynamic name';
    if (!type) return `column type ${a.positional[1]?.text.slice(0, 40) ?? '?'} (not translated)`;
    if (a.positional.length > 2 || a.keywords.has('primary_key')) return 'sa.Column with constraints (not translated)';
    const def = a.keywords.has('server_default') ? serverDefault(a.keywords.get('server_default'), this.text) : undefined;
    if (a.keywords.has('server_default') && def === undefined) return 'server_default that is not a literal or sa.text()';
    const notNull = pyValue(a.keywords.get('nullable'), this.text) === false;
    return { sql: `${q(name)} ${type}${def !== undefined ? ` DEFAULT ${def}` : ''}${notNull ? ' NOT NULL' : ''}` };
  }

  /** alembic/ddl/postgresql.py: one ALTER TABLE per change (type with USING when given, nullability, default, rename). */
  alterColumn(call: Node, a: PyArgs, s: (i: number, k: string) => string | undefined) {
    const [table, col] = [s(0, 'table_name'), s(1, 'column_name')];
    if (!table || !col) return this.skip(call, 'op.alter_column with dynamic names');
    const t = q(table);
    const c = q(col);
    if (a.keywords.has('type_')) {
      const type = sqlType(a.keywords.get('type_'), this.text);
      if (!type) return this.skip(call, 'op.alter_column type_ (not translated)');
      const using = pyValue(a.keywords.get('postgresql_using'), this.text);
      this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type}${typeof using === 'string' ? ` USING ${using}` : ''}`, call);
    }
    const nullable = pyValue(a.keywords.get('nullable'), this.text);
    if (nullable === true || nullable === false) this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} ${nullable ? 'DROP' : 'SET'} NOT NULL`, call);
    if (a.keywords.has('server_default')) {
      const node = a.keywords.get('server_default')!;
      if (node.type === 'none') this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`, call);
      else {
        const def = serverDefault(node, this.text);
        if (def === undefined) return this.skip(call, 'server_default that is not a literal or sa.text()');
        this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${def}`, call);
      }
    }
    const to = s(-1, 'new_column_name');
    if (to) this.builder(`ALTER TABLE ${t} RENAME ${c} TO ${q(to)}`, call);
  }
}

function upgradeFunction(root: Node): Node | undefined {
  for (const n of root.namedChildren) {
    const fn = n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
    if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.text === 'upgrade') return fn;
  }
  return undefined;
}

function extract(text: string): Extraction {
  const empty = (reason: string): Extraction => ({
    framework: 'alembic', statements: [], notAnalysed: [{ range: { start: 0, end: Math.min(text.length, 1) }, reason, section: 'up' }], transaction: WRAPPED,
  });
  const parser = parserFor('python');
  if (!parser) return empty(`the Python parser is not loaded${grammarFailure('python') ? ` (${grammarFailure('python')})` : ''}`);
  const tree = parser.parse(text);
  try {
    const fn = tree ? upgradeFunction(tree.rootNode) : undefined;
    if (!fn) return empty('no def upgrade()');
    const reader = new AlembicReader(text);
    reader.block(fn.childForFieldName('body'));
    if (!reader.hasBlock) {
      // One transaction around the whole migration: the file's model, no groups.
      for (const st of reader.statements) delete st.transaction;
      return { framework: 'alembic', statements: reader.statements, notAnalysed: reader.notAnalysed, transaction: WRAPPED };
    }
    return {
      framework: 'alembic',
      statements: reader.statements,
      notAnalysed: reader.notAnalysed,
      transaction: { wrapped: false, because: 'Alembic runs migrations in a transaction; `autocommit_block()` commits it, runs its body outside, then begins a new one' },
    };
  } catch (e) {
    return empty(`internal error reading the migration (${(e as Error).message})`);
  } finally {
    tree?.delete();
    parser.delete();
  }
}

/**
 * A revision's place in Alembic's graph: its `revision` id and the revisions it follows
 * (`down_revision`: None, one id, or a tuple for a merge; `depends_on` ids too), read from the
 * module-level assignments (`down_revision: Union[str, None] = '…'` included). Undefined when the
 * file names no revision.
 */
export function alembicRevision(text: string): { revision: string; follows: string[] } | undefined {
  const parser = parserFor('python');
  const tree = parser?.parse(text);
  try {
    const values = new Map<string, PyValue | undefined>();
    for (const st of tree?.rootNode.namedChildren ?? []) {
      const a = st?.type === 'expression_statement' ? st.namedChild(0) : undefined;
      const name = a?.type === 'assignment' ? a.childForFieldName('left')?.text : undefined;
      if (name && a) values.set(name, pyValue(a.childForFieldName('right'), text));
    }
    const revision = values.get('revision');
    if (typeof revision !== 'string') return undefined;
    const ids = (v: PyValue | undefined) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { revision, follows: [...ids(values.get('down_revision')), ...ids(values.get('depends_on'))] };
  } finally {
    tree?.delete();
    parser?.delete();
  }
}

/**
 * The revisions that run before `target`: its ancestors along `down_revision`/`depends_on`, each
 * after the ones it follows (ties in file-name order). Revisions on other branches are not among
 * them: whether they ran before `target` is not fixed. Undefined when `target` names no revision.
 */
export function alembicAncestors(target: string, files: ReadonlyMap<string, { revision: string; follows: string[] }>, order: (a: string, b: string) => number): string[] | undefined {
  const own = files.get(target);
  if (!own) return undefined;
  const byRevision = new Map<string, string>();
  for (const [path, r] of files) byRevision.set(r.revision, path);
  const out: string[] = [];
  const done = new Set<string>([target]);
  const visit = (path: string) => {
    // Parents first (a merge's in file-name order), then this revision: a valid run order.
    const parents = files.get(path)!.follows.map((id) => byRevision.get(id)).filter((p): p is string => !!p && !done.has(p)).sort(order);
    for (const p of parents) {
      if (done.has(p)) continue;
      done.add(p);
      visit(p);
      out.push(p);
    }
  };
  visit(target);
  return out;
}

export const alembic: FrameworkExtractor = {
  id: 'alembic',
  label: 'Alembic',
  extensions: ['.py'],
  detect: (_path, text) => /^\s*from\s+alembic\s+import\s+[^\n]*\bop\b/m.test(text) && /\bdef\s+upgrade\s*\(/.test(text),
  extract: (text) => extract(text),
  idioms: {
    optOutWords: 'run the statement inside `with op.get_context().autocommit_block():`',
    // Alembic opts out per statement (autocommit_block), written by `concurrently` below.
    optOutOfTransaction: () => [],
    concurrently(text, stmt) {
      const edits: TextEdit[] = [];
      if (stmt.origin === 'literal') {
        const c = concurrentlyInLiteral(stmt);
        if (!c) return undefined;
        edits.push(...c);
      } else {
        const close = (stmt.data as { closeParen?: number } | undefined)?.closeParen;
        if (close === undefined) return undefined;
        edits.push({ start: close, end: close, newText: `${/,\s*$/.test(text.slice(stmt.call.start, close)) ? ' ' : ', '}postgresql_concurrently=True` });
      }
      if (stmt.transaction === 'none') return edits;
      // Wrap the statement's line(s) in an autocommit block, one level deeper.
      const lineStart = text.lastIndexOf('\n', stmt.call.start - 1) + 1;
      const indent = indentAt(text, stmt.call.start);
      const lineEnd = text.indexOf('\n', stmt.call.end);
      const body = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
      const lines = body.split('\n');
      edits.push({ start: lineStart, end: lineStart, newText: `${indent}with op.get_context().autocommit_block():\n    ` });
      let offset = lineStart + lines[0].length + 1;
      for (const line of lines.slice(1)) {
        edits.push({ start: offset, end: offset, newText: '    ' });
        offset += line.length + 1;
      }
      return edits;
    },
    // Alembic's revision ids are the last 12 hex digits of a uuid4.
    newMigrationName: (slug) => `${randomUUID().replace(/-/g, '').slice(-12)}_${slug.replace(/-/g, '_')}.py`,
    writeMigrations: (migrations, options) => writeAlembicMigrations(migrations, options),
  },
};
