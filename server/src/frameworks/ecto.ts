/**
 * Ecto migrations (`use Ecto.Migration`, `priv/repo/migrations/*.exs`), read with tree-sitter's
 * Elixir grammar. `execute` strings and heredocs are linted as written; `create index`, `drop index`,
 * `create table`, `alter table` (add/modify/remove, `references`) are translated to the SQL of
 * Ecto.Adapters.Postgres.Connection (docs/frameworks/ecto.md). Ecto runs each migration in a
 * transaction unless the module sets `@disable_ddl_transaction true`.
 */
import { writeEctoMigrations } from './writeHost';
import type { Node } from 'web-tree-sitter';
import { named, spanOf, toResult, type Ch, type StringResult } from './rubyAst';
import { concurrentlyInLiteral, ident, identList, indentAt, timestamp14 } from './sqlText';
import { withTree } from './treeSitter';
import type { ExtractedStatement, Extraction, FrameworkExtractor, NotAnalysed, TransactionModel } from './types';

type ExValue = string | number | boolean | null | ExValue[] | undefined;

const target = (n: Node | null | undefined) => (n?.type === 'call' ? n.childForFieldName('target')?.text ?? '' : '');
const argsOf = (n: Node): Node[] => named(named(n).find((c) => c.type === 'arguments'));
const doBlock = (n: Node) => named(n).find((c) => c.type === 'do_block');

function exValue(n: Node | undefined): ExValue {
  if (!n) return undefined;
  switch (n.type) {
    case 'atom':
      return n.text.slice(1);
    case 'string': {
      const s = exString(n);
      return s.ok ? s.value : undefined;
    }
    case 'integer':
    case 'float':
      return Number(n.text.replace(/_/g, ''));
    case 'boolean':
      return n.text === 'true';
    case 'nil':
      return null;
    case 'list': {
      const items = named(n).map(exValue);
      return items.some((i) => i === undefined) ? undefined : items;
    }
    default:
      return undefined;
  }
}

/** Keyword arguments (`concurrently: true`), by key. */
function keywords(args: Node[]): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const kw of args.filter((a) => a.type === 'keywords')) {
    for (const p of named(kw)) {
      const key = p.childForFieldName('key')?.text.replace(/:\s*$/, '');
      const v = p.childForFieldName('value');
      if (key && v) out.set(key, v);
    }
  }
  return out;
}

type Str = StringResult;

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', s: ' ', e: '\x1b' };

/** `"…"` and `"""…"""` (the closing delimiter's indentation is removed from every line, as Elixir does). */
function exString(n: Node): Str {
  if (n.type !== 'string') return { ok: false, reason: 'SQL in a variable or built by Elixir code' };
  const chars: Ch[] = [];
  for (const p of named(n)) {
    if (p.type === 'quoted_content') for (let i = 0; i < p.text.length; i++) chars.push({ ch: p.text[i], host: p.startIndex + i });
    else if (p.type === 'escape_sequence') for (const ch of ESC[p.text.slice(1)] ?? p.text.slice(1)) chars.push({ ch, host: -1 });
    else if (p.type === 'interpolation') return { ok: false, reason: 'string with #{} interpolation' };
  }
  let list = chars;
  if (n.text.startsWith('"""')) {
    if (list[0]?.ch === '\n') list = list.slice(1);
    const lastNl = list.map((c) => c.ch).lastIndexOf('\n');
    const indent = lastNl >= 0 ? list.length - lastNl - 1 : 0;
    if (lastNl >= 0) list = list.slice(0, lastNl + 1);
    const out: typeof list = [];
    let col = 0;
    for (const c of list) {
      if (col < indent && (c.ch === ' ' || c.ch === '\t')) {
        col++;
        continue;
      }
      col = c.ch === '\n' ? 0 : indent;
      out.push(c);
    }
    list = out;
  }
  return toResult(list, n);
}

/** Ecto.Adapters.Postgres.Connection column_type/2. */
function columnType(type: string, o: Map<string, ExValue>): string | undefined {
  const size = o.get('size');
  switch (type) {
    case 'string': return `varchar(${typeof size === 'number' ? size : 255})`;
    case 'text': case 'integer': case 'bigint': case 'boolean': case 'date': case 'time': case 'uuid': case 'jsonb': case 'float': case 'smallint':
      return type;
    case 'id': return 'integer';
    case 'serial': case 'bigserial': return type;
    case 'binary_id': return 'uuid';
    case 'map': return 'jsonb';
    case 'binary': return 'bytea';
    case 'decimal': return typeof o.get('precision') === 'number' ? `decimal(${o.get('precision')}${typeof o.get('scale') === 'number' ? `,${o.get('scale')}` : ''})` : 'decimal';
    case 'utc_datetime': case 'naive_datetime': return 'timestamp(0)';
    case 'utc_datetime_usec': case 'naive_datetime_usec': return 'timestamp';
    case 'timestamptz': return 'timestamptz';
    default: return undefined;
  }
}

function constant(v: ExValue): string | undefined {
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'NULL';
  return undefined;
}

const ON_DELETE: Record<string, string> = { delete_all: 'CASCADE', nilify_all: 'SET NULL', restrict: 'RESTRICT', nothing: 'NO ACTION' };

/** `add :name, type, opts` → `"name" type [CONSTRAINT … REFERENCES …] [DEFAULT …] [NOT NULL]`. */
function column(table: string, args: Node[]): string | { reason: string } {
  const name = exValue(args[0]);
  const typeNode = args[1];
  const kw = keywords(args);
  const o = new Map([...kw].map(([k, v]) => [k, exValue(v)]));
  if (typeof name !== 'string' || !typeNode) return { reason: 'add with a name Lockstep cannot read' };
  let sql: string;
  if (target(typeNode) === 'references') {
    const rargs = argsOf(typeNode);
    const to = exValue(rargs[0]);
    const ro = new Map([...keywords(rargs)].map(([k, v]) => [k, exValue(v)]));
    if (typeof to !== 'string') return { reason: 'references to a table Lockstep cannot name' };
    const type = columnType(typeof ro.get('type') === 'string' ? (ro.get('type') as string) : 'bigint', ro) ?? 'bigint';
    const fk = typeof ro.get('name') === 'string' ? (ro.get('name') as string) : `${table}_${name}_fkey`;
    sql = `${ident(name)} ${type} CONSTRAINT ${ident(fk)} REFERENCES ${ident(to)}(${ident(typeof ro.get('column') === 'string' ? (ro.get('column') as string) : 'id')})`;
    const od = ON_DELETE[String(ro.get('on_delete'))];
    if (od) sql += ` ON DELETE ${od}`;
  } else {
    const t = exValue(typeNode);
    const type = typeof t === 'string' ? columnType(t, o) : undefined;
    if (!type) return { reason: `column type ${typeNode.text} (not translated)` };
    sql = `${ident(name)} ${type}`;
  }
  if (o.has('default')) {
    const d = constant(o.get('default'));
    if (d === undefined) return { reason: 'add with a default Lockstep cannot read' };
    sql += ` DEFAULT ${d}`;
  }
  if (o.get('null') === false) sql += ' NOT NULL';
  if (o.get('primary_key') === true) sql += ' PRIMARY KEY';
  return sql;
}

class Walker {
  statements: ExtractedStatement[] = [];
  notAnalysed: NotAnalysed[] = [];

  private skip(n: Node, reason: string, section: 'up' | 'down') {
    this.notAnalysed.push({ range: spanOf(n), reason, section });
  }

  private builder(sql: string, n: Node, section: 'up' | 'down', data?: Record<string, unknown>) {
    this.statements.push({ sql, range: spanOf(n), origin: 'builder', call: spanOf(n), section, data });
  }

  walk(body: Node, section: 'up' | 'down'): void {
    for (const n of named(body)) this.visit(n, section);
  }

  private visit(n: Node, section: 'up' | 'down'): void {
    const name = target(n);
    const args = n.type === 'call' ? argsOf(n) : [];
    if (name === 'execute') {
      const s = exString(args[0] ?? n);
      if (!s.ok) return this.skip(args[0] ?? n, s.reason, section);
      this.statements.push({ sql: s.value, range: spanOf(s.node), origin: 'literal', runs: s.runs, call: spanOf(n), section });
      return;
    }
    if (/^(create|create_if_not_exists|drop|drop_if_exists|alter)$/.test(name) && args[0]) {
      const what = target(args[0]);
      const inner = argsOf(args[0]);
      const table = exValue(inner[0]);
      if (typeof table !== 'string') return this.skip(n, `${name} ${what} on a table Lockstep cannot name`, section);
      const kw = keywords(inner);
      const o = new Map([...kw].map(([k, v]) => [k, exValue(v)]));
      if (what === 'unique_index') o.set('unique', true);
      if (what === 'index' || what === 'unique_index') return this.index(n, name, table, inner, o, section);
      if (what === 'table') return this.table(n, name, table, o, section);
      return this.skip(n, `${name} ${what || args[0].type} (not translated)`, section);
    }
    if (/^(for|Enum\.each|Enum\.map)$/.test(name)) return this.skip(n, 'SQL inside a loop', section);
    if (/^(rename|flush|create_constraint|drop_constraint|repo)$/.test(name)) return this.skip(n, `${name} (not translated)`, section);
  }

  private index(n: Node, verb: string, table: string, inner: Node[], o: Map<string, ExValue>, section: 'up' | 'down') {
    const colsV = exValue(inner[1]);
    const cols = typeof colsV === 'string' ? [colsV] : Array.isArray(colsV) && colsV.every((c) => typeof c === 'string') ? (colsV as string[]) : undefined;
    if (!cols) return this.skip(n, 'index on columns Lockstep cannot read', section);
    const name = typeof o.get('name') === 'string' ? (o.get('name') as string) : `${table}_${cols.join('_')}_index`.replace(/[^\w]/g, '_');
    const conc = o.get('concurrently') === true ? 'CONCURRENTLY ' : '';
    const data = { afterArg: spanOf(inner[inner.length - 1]), concurrently: o.get('concurrently') === true };
    if (verb.startsWith('drop')) return this.builder(`DROP INDEX ${conc}${verb === 'drop_if_exists' ? 'IF EXISTS ' : ''}${ident(name)}`, n, section, data);
    const unique = o.get('unique') === true ? 'UNIQUE ' : '';
    const using = typeof o.get('using') === 'string' ? ` USING ${o.get('using')}` : '';
    const where = typeof o.get('where') === 'string' ? ` WHERE ${o.get('where')}` : '';
    const ine = verb === 'create_if_not_exists' ? 'IF NOT EXISTS ' : '';
    this.builder(`CREATE ${unique}INDEX ${conc}${ine}${ident(name)} ON ${ident(table)}${using} (${identList(cols)})${where}`, n, section, data);
  }

  private table(n: Node, verb: string, table: string, o: Map<string, ExValue>, section: 'up' | 'down') {
    if (verb.startsWith('drop')) return this.builder(`DROP TABLE ${verb === 'drop_if_exists' ? 'IF EXISTS ' : ''}${ident(table)}`, n, section);
    const parts: string[] = [];
    const create = verb.startsWith('create');
    const pk = create && o.get('primary_key') !== false;
    if (pk) parts.push('"id" bigserial');
    for (const c of named(doBlock(n))) {
      const cname = target(c);
      const cargs = argsOf(c);
      if (cname === 'timestamps') {
        for (const t of ['inserted_at', 'updated_at']) parts.push(create ? `${ident(t)} timestamp(0) NOT NULL` : `ADD COLUMN ${ident(t)} timestamp(0) NOT NULL`);
        continue;
      }
      if (cname === 'add' || cname === 'add_if_not_exists') {
        const col = column(table, cargs);
        if (typeof col !== 'string') return this.skip(c, col.reason, section);
        parts.push(create ? col : `ADD COLUMN ${cname === 'add_if_not_exists' ? 'IF NOT EXISTS ' : ''}${col}`);
        continue;
      }
      if (!create && (cname === 'remove' || cname === 'remove_if_exists')) {
        const col = exValue(cargs[0]);
        if (typeof col !== 'string') return this.skip(c, 'remove with a name Lockstep cannot read', section);
        parts.push(`DROP COLUMN ${cname === 'remove_if_exists' ? 'IF EXISTS ' : ''}${ident(col)}`);
        continue;
      }
      if (!create && cname === 'modify') {
        const col = exValue(cargs[0]);
        const t = exValue(cargs[1]);
        const mo = new Map([...keywords(cargs)].map(([k, v]) => [k, exValue(v)]));
        const type = typeof t === 'string' ? columnType(t, mo) : undefined;
        if (typeof col !== 'string' || !type) return this.skip(c, `modify ${cargs[1]?.text ?? ''} (not translated)`, section);
        parts.push(`ALTER COLUMN ${ident(col)} TYPE ${type}`);
        if (mo.get('null') === false) parts.push(`ALTER COLUMN ${ident(col)} SET NOT NULL`);
        if (mo.get('null') === true) parts.push(`ALTER COLUMN ${ident(col)} DROP NOT NULL`);
        if (mo.has('default')) parts.push(`ALTER COLUMN ${ident(col)} SET DEFAULT ${constant(mo.get('default'))}`);
        continue;
      }
      return this.skip(c, `${cname || c.type} in a table block (not translated)`, section);
    }
    // Ecto writes the primary key constraint after the columns.
    if (pk) parts.push('PRIMARY KEY ("id")');
    if (create) this.builder(`CREATE TABLE ${verb === 'create_if_not_exists' ? 'IF NOT EXISTS ' : ''}${ident(table)} (${parts.join(', ')})`, n, section);
    else if (parts.length) this.builder(`ALTER TABLE ${ident(table)} ${parts.join(', ')}`, n, section);
  }
}

interface Parsed {
  module?: Node;
  disable?: Node;
  methods: { section: 'up' | 'down'; body: Node }[];
}

function readModule(root: Node): Parsed {
  const module = (root.descendantsOfType('call').filter(Boolean) as Node[]).find((c) => target(c) === 'defmodule');
  const out: Parsed = { module, methods: [] };
  for (const c of named(module ? doBlock(module) : undefined)) {
    if (c.type === 'unary_operator' && c.childForFieldName('operator')?.text === '@') {
      const attr = c.childForFieldName('operand');
      if (target(attr) === 'disable_ddl_transaction' && argsOf(attr!)[0]?.text === 'true') out.disable = c;
    }
    if (target(c) === 'def') {
      const fn = argsOf(c)[0]?.text.replace(/\(.*$/s, '');
      const body = doBlock(c);
      if (body && (fn === 'change' || fn === 'up' || fn === 'down')) out.methods.push({ section: fn === 'down' ? 'down' : 'up', body });
    }
  }
  return out;
}

function transactionOf(p: Parsed): TransactionModel {
  if (p.disable) return { wrapped: false, because: '`@disable_ddl_transaction true`', decidedAt: spanOf(p.disable) };
  return { wrapped: true, because: 'Ecto runs each migration in a transaction' };
}

export const ecto: FrameworkExtractor = {
  id: 'ecto',
  label: 'Ecto',
  extensions: ['.exs', '.ex'],
  detect: (_path, text) => /\buse\s+Ecto\.Migration\b/.test(text),
  extract(text): Extraction {
    const empty: Extraction = { framework: 'ecto', statements: [], notAnalysed: [], transaction: { wrapped: true, because: 'Ecto runs each migration in a transaction' } };
    const unread = (reason: string): Extraction => ({ ...empty, notAnalysed: [{ range: { start: 0, end: 0 }, reason, section: 'up' }] });
    try {
      return withTree(
        'elixir',
        text,
        (root) => {
          const p = readModule(root);
          const w = new Walker();
          for (const m of p.methods) w.walk(m.body, m.section);
          return { framework: 'ecto', statements: w.statements, notAnalysed: w.notAnalysed.sort((a, b) => a.range.start - b.range.start), transaction: transactionOf(p) };
        },
        unread,
      );
    } catch (err) {
      return unread(`Elixir file Lockstep could not read (${err instanceof Error ? err.message : String(err)})`);
    }
  },
  idioms: {
    optOutWords: 'set `@disable_ddl_transaction true` (and `@disable_migration_lock true`) in the migration module',
    optOutOfTransaction(text) {
      return withTree('elixir', text, (root) => {
        const p = readModule(root);
        if (p.disable) return [];
        const first = named(p.module ? doBlock(p.module) : undefined)[0];
        if (!first) return undefined;
        // After `use Ecto.Migration`, as Ecto's docs write it.
        const use = named(doBlock(p.module!)).find((c) => target(c) === 'use');
        const indent = indentAt(text, first.startIndex);
        const lockAlready = /@disable_migration_lock\s+true/.test(text);
        const lines = `${indent}@disable_ddl_transaction true\n${lockAlready ? '' : `${indent}@disable_migration_lock true\n`}`;
        if (use) return [{ start: use.endIndex, end: use.endIndex, newText: `\n\n${lines.replace(/\n$/, '')}` }];
        const at = text.lastIndexOf('\n', first.startIndex) + 1;
        return [{ start: at, end: at, newText: `${lines}\n` }];
      }, () => undefined);
    },
    concurrently(_text, stmt) {
      if (stmt.origin === 'literal') return concurrentlyInLiteral(stmt);
      const d = stmt.data as { afterArg?: { end: number }; concurrently?: boolean } | undefined;
      if (!d?.afterArg || d.concurrently) return undefined;
      return [{ start: d.afterArg.end, end: d.afterArg.end, newText: ', concurrently: true' }];
    },
    newMigrationName: (slug, now) => `${timestamp14(now)}_${slug.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}.exs`,
    writeMigrations: (migrations, options) => writeEctoMigrations(migrations, options),
  },
};
