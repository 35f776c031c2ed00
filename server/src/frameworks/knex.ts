/**
 * Knex migrations: `exports.up = function (knex) { … }` (or `export async function up(knex: Knex)`).
 * SQL comes from `knex.raw('…')` / `knex.schema.raw('…')` and from schema builder calls, translated
 * to the statements Knex's PostgreSQL dialect emits (checked against `knex.schema….toSQL()` in
 * test/unit/frameworks/knex.test.ts). Knex runs each migration in its own transaction unless the
 * file exports `config = { transaction: false }` (or the knexfile sets `disableTransactions`).
 */
import type * as TS from 'typescript';
import { chainOf, link, type Link } from './chain';
import { concurrentlyInLiteral, ident, identList, nameList, sqlConstant, timestamp14 } from './sqlText';
import { calleePath, literalValue, migrationMethods, objectProperty, parseSource, spanOf, staticString, ts } from './tsAst';
import type { FrameworkExtractor, TransactionModel } from './types';
import type { CallSite, Collector } from './walk';
import { walkMigration } from './walk';
import { writeJsMigrations } from './writeJs';

const THEN = new Set(['then', 'catch', 'finally']);

function visit(site: CallSite) {
  const knexName = site.method.params[0];
  if (!knexName || knexName === '?') return 'skip' as const;
  const chain = chainOf(site.call, site.sf);
  if (!chain || chain.links.some((l) => THEN.has(l.name))) return 'skip' as const;
  const { links } = chain;
  let { root } = chain;
  // `knex.transaction(async (trx) => { await trx.raw(…) })`: trx is knex, inside that callback's own transaction.
  const group = transactionGroup(site.call, root.split('.')[0], knexName, site.sf);
  const extra = group !== undefined ? { transaction: { group } } : {};
  if (group !== undefined) root = knexName + root.slice(root.indexOf('.') < 0 ? root.length : root.indexOf('.'));
  if (root === knexName && links[0].name === 'raw') {
    site.out.literal(links[0].args[0], site.call, extra);
    return 'consumed' as const;
  }
  if (root !== `${knexName}.schema`) return 'skip' as const;
  const before = site.out.statements.length;
  const schema = literalValue(link(links, 'withSchema')?.args[0], site.sf);
  for (const l of links) {
    if (l.name === 'withSchema') continue;
    schemaCall(l, typeof schema === 'string' ? schema : undefined, site.out, site.sf, `${knexName}.raw`);
  }
  for (const stmt of site.out.statements.slice(before)) Object.assign(stmt, extra);
  return 'consumed' as const;
}

/**
 * When `name` is the first parameter of a callback passed to `<knex>.transaction(…)` around `node`,
 * the transaction's group (the callback's offset, unique in the file); otherwise undefined.
 */
function transactionGroup(node: TS.Node, name: string, knexName: string, sf: TS.SourceFile): number | undefined {
  const t = ts();
  if (name === knexName) return undefined;
  for (let n: TS.Node | undefined = node.parent; n; n = n.parent) {
    if (!(t.isArrowFunction(n) || t.isFunctionExpression(n))) continue;
    const param = n.parameters[0]?.name;
    if (!param || !t.isIdentifier(param) || param.text !== name) continue;
    const call = n.parent;
    const path = call && t.isCallExpression(call) ? calleePath(call) : [];
    return path.length === 2 && path[0] === knexName && path[1] === 'transaction' ? n.getStart(sf) + 1 : undefined;
  }
  return undefined;
}

const q = (schema: string | undefined, table: string) => (schema ? `${ident(schema)}.${ident(table)}` : ident(table));

function schemaCall(l: Link, schema: string | undefined, out: Collector, sf: TS.SourceFile, rawCallee: string): void {
  const arg = (i: number) => literalValue(l.args[i], sf);
  const table = arg(0);
  switch (l.name) {
    case 'raw':
      return out.literal(l.args[0], l.call);
    case 'createTable':
    case 'createTableIfNotExists':
    case 'alterTable':
    case 'table': {
      if (typeof table !== 'string') return out.skip(l.call, `knex.schema.${l.name} on a dynamic table name`);
      return tableBuilder(l, q(schema, table), table, l.name.startsWith('create') ? l.name : 'alter', out, sf, rawCallee);
    }
    case 'dropTable':
    case 'dropTableIfExists':
      if (typeof table !== 'string') return out.skip(l.call, `knex.schema.${l.name} on a dynamic table name`);
      return out.builder(`drop table ${l.name === 'dropTableIfExists' ? 'if exists ' : ''}${q(schema, table)}`, l.call);
    case 'renameTable': {
      const to = arg(1);
      if (typeof table !== 'string' || typeof to !== 'string') return out.skip(l.call, 'knex.schema.renameTable with dynamic names');
      return out.builder(`alter table ${q(schema, table)} rename to ${ident(to)}`, l.call);
    }
    case 'createSchema':
    case 'createSchemaIfNotExists':
    case 'dropSchema':
    case 'dropSchemaIfExists': {
      if (typeof table !== 'string') return out.skip(l.call, `knex.schema.${l.name} on a dynamic name`);
      const verb = l.name.startsWith('create') ? 'create' : 'drop';
      return out.builder(`${verb} schema ${l.name.endsWith('IfNotExists') ? 'if not exists ' : l.name.endsWith('IfExists') ? 'if exists ' : ''}${ident(table)}`, l.call);
    }
    case 'hasTable':
    case 'hasColumn':
      return; // reads the catalog, changes nothing
    default:
      return out.skip(l.call, `knex.schema.${l.name} (not translated)`);
  }
}

interface ColumnDef {
  name: string;
  sql: string;
  /** Statements the column's modifiers add after the table's (unique, index, primary, foreign). */
  after: string[];
  alter: boolean;
  notNull?: boolean;
  defaultSql?: string;
}

/** The body of `(t) => { t.string('a'); … }` translated in the order Knex emits it. */
function tableBuilder(l: Link, table: string, bare: string, mode: string, out: Collector, sf: TS.SourceFile, rawCallee: string): void {
  const t = ts();
  const cb = l.args[1];
  if (!cb || !(t.isArrowFunction(cb) || t.isFunctionExpression(cb)) || !cb.parameters[0] || !t.isIdentifier(cb.parameters[0].name)) {
    return out.skip(l.call, `knex.schema.${l.name} without an inline table callback`);
  }
  const param = cb.parameters[0].name.text;
  const adds: string[] = [];
  const alters: string[] = [];
  const later: string[] = [];
  const inline: string[] = [];
  let understood = 0;
  const visitBody = (node: TS.Node): void => {
    if (t.isCallExpression(node)) {
      const chain = chainOf(node, sf);
      if (chain && chain.root === param) {
        if (inLoop(node, cb)) out.skip(node, 'table builder call inside a loop');
        else if (tableCall(chain.links, bare, table, adds, alters, later, out, sf, mode.startsWith('create') ? inline : undefined)) understood++;
        return;
      }
    }
    t.forEachChild(node, visitBody);
  };
  visitBody(cb.body);
  const statements: string[] = [];
  if (mode.startsWith('create')) statements.push(`create table ${mode === 'createTableIfNotExists' ? 'if not exists ' : ''}${table} (${[...adds, ...inline].join(', ')})`);
  else if (adds.length) statements.push(`alter table ${table} ${adds.map((a) => `add column ${a}`).join(', ')}`);
  statements.push(...alters, ...later);
  // A call that emits one statement can be rewritten as `knex.raw(…)` (Knex's builder has no CONCURRENTLY).
  const data = statements.length === 1 && understood > 0 ? { rawCallee } : undefined;
  for (const sql of statements) out.builder(sql, l.call, { data });
}

function inLoop(node: TS.Node, stop: TS.Node): boolean {
  const t = ts();
  for (let n = node.parent; n && n !== stop; n = n.parent) {
    if (t.isForStatement(n) || t.isForOfStatement(n) || t.isForInStatement(n) || t.isWhileStatement(n)) return true;
    if ((t.isArrowFunction(n) || t.isFunctionExpression(n)) && t.isCallExpression(n.parent)) return true;
  }
  return false;
}

const INDEX_NAME = (table: string, cols: string[], kind: string) => `${table}_${cols.join('_')}_${kind}`.toLowerCase().replace(/[-.]/g, '_');

/** Column types of Knex's PostgreSQL column compiler. */
function columnType(name: string, args: readonly TS.Expression[], sf: TS.SourceFile): string | undefined {
  const a = (i: number) => literalValue(args[i], sf);
  switch (name) {
    case 'increments':
      return 'serial primary key';
    case 'bigIncrements':
      return 'bigserial primary key';
    case 'integer':
      return 'integer';
    case 'bigInteger':
    case 'bigint':
      return 'bigint';
    case 'smallint':
    case 'tinyint':
      return 'smallint';
    case 'string':
      return `varchar(${typeof a(1) === 'number' ? a(1) : 255})`;
    case 'text':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
    case 'timestamp': {
      const opts = a(1);
      const useTz = opts && typeof opts === 'object' && !Array.isArray(opts) ? opts.useTz !== false : opts !== false;
      return useTz ? 'timestamptz' : 'timestamp';
    }
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'decimal': {
      const p = a(1);
      return p === null ? 'decimal' : `decimal(${typeof p === 'number' ? p : 8}, ${typeof a(2) === 'number' ? a(2) : 2})`;
    }
    case 'json':
      return 'json';
    case 'jsonb':
      return 'jsonb';
    case 'uuid':
      return 'uuid';
    case 'binary':
      return 'bytea';
    case 'specificType':
      return typeof a(1) === 'string' ? (a(1) as string) : undefined;
    default:
      return undefined;
  }
}

/** `defaultTo(…)` as Knex writes it: values quoted ('0', '1' for true), `knex.fn.now()` and `knex.raw()` verbatim. */
function defaultSql(arg: TS.Expression | undefined, sf: TS.SourceFile): string | undefined {
  if (!arg) return undefined;
  const t = ts();
  if (t.isCallExpression(arg)) {
    const text = arg.expression.getText(sf);
    if (/\.fn\.now$/.test(text)) return 'CURRENT_TIMESTAMP';
    if (/\.raw$/.test(text)) {
      const s = staticString(arg.arguments[0], sf);
      return s.ok ? s.str.value : undefined;
    }
    return undefined;
  }
  const v = literalValue(arg, sf);
  if (typeof v === 'boolean') return v ? "'1'" : "'0'";
  if (typeof v === 'number') return `'${v}'`;
  return sqlConstant(v);
}

function tableCall(
  links: Link[], bare: string, table: string, adds: string[], alters: string[], later: string[], out: Collector, sf: TS.SourceFile, inline?: string[],
): boolean {
  const [head, ...mods] = links;
  // CREATE TABLE writes the primary key inline; ALTER TABLE adds it as a constraint.
  const primaryKey = (constraint: string) => (inline ? inline.push(constraint) : later.push(`alter table ${table} add ${constraint}`));
  const a = (i: number) => literalValue(head.args[i], sf);
  const skip = (reason: string) => {
    out.skip(head.call.parent && ts().isCallExpression(head.call.parent) ? links[links.length - 1].call : head.call, reason);
    return false;
  };
  const dropConstraint = (kind: string) => {
    const cols = nameList(a(0)) ?? [];
    const name = typeof a(1) === 'string' ? (a(1) as string) : INDEX_NAME(bare, cols, kind);
    later.push(`alter table ${table} drop constraint ${ident(name)}`);
    return true;
  };
  switch (head.name) {
    case 'index': {
      const cols = nameList(a(0));
      if (!cols) return skip('knex index on dynamic columns');
      const opts = a(2);
      const name = typeof a(1) === 'string' ? (a(1) as string) : INDEX_NAME(bare, cols, 'index');
      const using = opts && typeof opts === 'object' && !Array.isArray(opts) && typeof opts.indexType === 'string' ? ` using ${opts.indexType}` : '';
      if (opts && typeof opts === 'object' && !Array.isArray(opts) && 'predicate' in opts) return skip('knex index with a predicate builder');
      later.push(`create index ${ident(name)} on ${table}${using} (${identList(cols)})`);
      return true;
    }
    case 'unique': {
      const cols = nameList(a(0));
      if (!cols) return skip('knex unique on dynamic columns');
      const opts = a(1);
      const o = opts && typeof opts === 'object' && !Array.isArray(opts) ? opts : {};
      const name = typeof opts === 'string' ? opts : typeof o.indexName === 'string' ? o.indexName : INDEX_NAME(bare, cols, 'unique');
      later.push(o.useConstraint === false ? `create unique index ${ident(name)} on ${table} (${identList(cols)})` : `alter table ${table} add constraint ${ident(name)} unique (${identList(cols)})`);
      return true;
    }
    case 'primary': {
      const cols = nameList(a(0));
      if (!cols) return skip('knex primary on dynamic columns');
      const name = typeof a(1) === 'string' ? (a(1) as string) : `${bare}_pkey`;
      primaryKey(`constraint ${ident(name)} primary key (${identList(cols)})`);
      return true;
    }
    case 'dropIndex': {
      const cols = nameList(a(0)) ?? [];
      const name = typeof a(1) === 'string' ? (a(1) as string) : INDEX_NAME(bare, cols, 'index');
      later.push(`drop index ${ident(name)}`);
      return true;
    }
    case 'dropUnique':
      return dropConstraint('unique');
    case 'dropForeign':
      return dropConstraint('foreign');
    case 'dropPrimary':
      later.push(`alter table ${table} drop constraint ${ident(typeof a(0) === 'string' ? (a(0) as string) : `${bare}_pkey`)}`);
      return true;
    case 'dropColumn':
    case 'dropColumns': {
      const cols = head.args.map((x) => literalValue(x, sf)).flat();
      if (!cols.length || cols.some((c) => typeof c !== 'string')) return skip('knex dropColumn with dynamic names');
      later.push(`alter table ${table} ${cols.map((c) => `drop column ${ident(c as string)}`).join(', ')}`);
      return true;
    }
    case 'renameColumn':
      if (typeof a(0) !== 'string' || typeof a(1) !== 'string') return skip('knex renameColumn with dynamic names');
      later.push(`alter table ${table} rename ${ident(a(0) as string)} to ${ident(a(1) as string)}`);
      return true;
    case 'dropNullable':
    case 'setNullable':
      if (typeof a(0) !== 'string') return skip(`knex ${head.name} with a dynamic name`);
      later.push(`alter table ${table} alter column ${ident(a(0) as string)} ${head.name === 'dropNullable' ? 'set' : 'drop'} not null`);
      return true;
    case 'foreign': {
      const cols = nameList(a(0));
      const fk = foreignKey(mods, sf);
      if (!cols || !fk) return skip('knex foreign key without a literal target');
      const name = typeof a(1) === 'string' ? (a(1) as string) : INDEX_NAME(bare, cols, 'foreign');
      later.push(`alter table ${table} add constraint ${ident(name)} foreign key (${identList(cols)}) references ${fk}`);
      return true;
    }
    case 'timestamps': {
      const useTz = a(0) !== false;
      const now = a(1) === true ? ' not null default CURRENT_TIMESTAMP' : '';
      for (const c of ['created_at', 'updated_at']) adds.push(`${ident(c)} ${useTz ? 'timestamptz' : 'timestamp'}${now}`);
      return true;
    }
    case 'dropTimestamps':
      later.push(`alter table ${table} drop column "created_at", drop column "updated_at"`);
      return true;
  }
  const type = columnType(head.name, head.args, sf);
  if (!type || typeof a(0) !== 'string' && !head.name.endsWith('ncrements')) return skip(`knex column type ${head.name} (not translated)`);
  const col = typeof a(0) === 'string' ? (a(0) as string) : 'id';
  const def: ColumnDef = { name: col, sql: type, after: [], alter: !!link(mods, 'alter') };
  for (const m of mods) {
    switch (m.name) {
      case 'notNullable':
        def.notNull = true;
        break;
      case 'nullable':
        def.notNull = false;
        break;
      case 'defaultTo': {
        const d = defaultSql(m.args[0], sf);
        if (d === undefined) return skip('knex defaultTo with a dynamic value');
        def.defaultSql = d;
        break;
      }
      case 'unique':
        def.after.push(`alter table ${table} add constraint ${ident(INDEX_NAME(bare, [col], 'unique'))} unique (${ident(col)})`);
        break;
      case 'index':
        def.after.push(`create index ${ident(typeof literalValue(m.args[0], sf) === 'string' ? (literalValue(m.args[0], sf) as string) : INDEX_NAME(bare, [col], 'index'))} on ${table} (${ident(col)})`);
        break;
      case 'primary':
        primaryKey(`constraint ${ident(`${bare}_pkey`)} primary key (${ident(col)})`);
        break;
      case 'references': {
        const fk = foreignKey(mods, sf);
        if (!fk) return skip('knex references without a literal target');
        def.after.push(`alter table ${table} add constraint ${ident(INDEX_NAME(bare, [col], 'foreign'))} foreign key (${ident(col)}) references ${fk}`);
        break;
      }
      case 'inTable':
      case 'onDelete':
      case 'onUpdate':
      case 'unsigned':
      case 'alter':
      case 'comment':
        break;
      default:
        return skip(`knex column modifier ${m.name} (not translated)`);
    }
  }
  if (def.alter) {
    alters.push(`alter table ${table} alter column ${ident(col)} drop default`);
    alters.push(`alter table ${table} alter column ${ident(col)} drop not null`);
    alters.push(`alter table ${table} alter column ${ident(col)} type ${type} using (${ident(col)}::${type})`);
    if (def.defaultSql !== undefined) alters.push(`alter table ${table} alter column ${ident(col)} set default ${def.defaultSql}`);
    if (def.notNull) alters.push(`alter table ${table} alter column ${ident(col)} set not null`);
  } else {
    adds.push(`${ident(col)} ${type}${def.notNull ? ' not null' : ''}${def.defaultSql !== undefined ? ` default ${def.defaultSql}` : ''}`);
  }
  later.push(...def.after);
  return true;
}

/** `.references('id').inTable('orgs')` or `.references('orgs.id')`, with `.onDelete`/`.onUpdate`. */
function foreignKey(mods: Link[], sf: TS.SourceFile): string | undefined {
  const ref = literalValue(link(mods, 'references')?.args[0], sf);
  if (typeof ref !== 'string') return undefined;
  let target = literalValue(link(mods, 'inTable')?.args[0], sf);
  let column = ref;
  if (typeof target !== 'string') {
    const dot = ref.lastIndexOf('.');
    if (dot < 0) return undefined;
    target = ref.slice(0, dot);
    column = ref.slice(dot + 1);
  }
  let sql = `${ident(target as string)} (${ident(column)})`;
  const onDelete = literalValue(link(mods, 'onDelete')?.args[0], sf);
  const onUpdate = literalValue(link(mods, 'onUpdate')?.args[0], sf);
  if (typeof onDelete === 'string') sql += ` on delete ${onDelete}`;
  if (typeof onUpdate === 'string') sql += ` on update ${onUpdate}`;
  return sql;
}

function configObject(sf: TS.SourceFile): { prop?: TS.PropertyAssignment; obj?: TS.Node; decl?: TS.Node } {
  const t = ts();
  let found: { prop?: TS.PropertyAssignment; obj?: TS.Node; decl?: TS.Node } = {};
  const visit = (n: TS.Node) => {
    let obj: TS.Node | undefined;
    if (t.isBinaryExpression(n) && n.operatorToken.kind === t.SyntaxKind.EqualsToken && /^(module\.)?exports\.config$/.test(n.left.getText(sf).replace(/\s/g, ''))) obj = n.right;
    if (t.isVariableDeclaration(n) && t.isIdentifier(n.name) && n.name.text === 'config') obj = n.initializer;
    if (obj) found = { obj, prop: objectProperty(obj, 'transaction'), decl: n };
    t.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function transaction(sf: TS.SourceFile): TransactionModel {
  const { prop } = configObject(sf);
  const v = literalValue(prop?.initializer, sf);
  if (prop && v === false) return { wrapped: false, because: '`config = { transaction: false }`', decidedAt: spanOf(prop, sf) };
  if (prop && v === true) return { wrapped: true, because: '`config = { transaction: true }`', decidedAt: spanOf(prop, sf) };
  return { wrapped: true, because: 'Knex runs each migration in its own transaction' };
}

export const knex: FrameworkExtractor = {
  id: 'knex',
  label: 'Knex',
  extensions: ['.js', '.ts', '.cjs', '.mjs', '.mts', '.cts'],
  detect: (_path, text) =>
    /\b(exports\.up|export\s+(async\s+)?function\s+up|export\s+const\s+up|up\s*[:=])/.test(text) && /\bknex\b|\bKnex\b/.test(text) && /\.(schema|raw)\b/.test(text),
  extract: (text, path) => walkMigration({ framework: 'knex', text, path, visit, transaction }),
  idioms: {
    optOutWords: 'export `config = { transaction: false }` from the migration',
    optOutOfTransaction(text, extraction) {
      const sf = parseSource(text);
      const { prop, obj } = configObject(sf);
      if (prop) return [{ start: prop.initializer.getStart(sf), end: prop.initializer.getEnd(), newText: 'false' }];
      if (obj && ts().isObjectLiteralExpression(obj)) {
        const open = obj.getStart(sf) + 1;
        return [{ start: open, end: open, newText: obj.properties.length ? ' transaction: false,' : ' transaction: false ' }];
      }
      const esm = /^\s*export\s/m.test(text) && !/\bexports\.up\b/.test(text);
      const line = esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };';
      void extraction;
      // Next to the migration, as Knex's docs write it: just before the top-level statement that defines `up`.
      const up = migrationMethods(sf).find((m) => m.section === 'up');
      let top: TS.Node | undefined = up?.fn;
      while (top && top.parent && !ts().isSourceFile(top.parent)) top = top.parent;
      const at = top ? top.getStart(sf) : text.length;
      return [{ start: at, end: at, newText: `${line}\n\n` }];
    },
    concurrently(_text, stmt) {
      if (stmt.origin === 'literal') return concurrentlyInLiteral(stmt);
      const raw = stmt.data?.rawCallee;
      const verb = /^(create (?:unique )?index|drop index) /i;
      if (typeof raw !== 'string' || !verb.test(stmt.sql)) return undefined;
      const sql = stmt.sql.replace(verb, '$1 concurrently ').replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      return [{ start: stmt.call.start, end: stmt.call.end, newText: `${raw}('${sql}')` }];
    },
    newMigrationName: (slug, now, siblings) => `${timestamp14(now)}_${slug}${siblings.some((s) => s.endsWith('.ts')) ? '.ts' : '.js'}`,
    writeMigrations: (migrations, options) => writeJsMigrations('knex', migrations, options),
  },
};
