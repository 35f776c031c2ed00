/**
 * Sequelize migrations (sequelize-cli / Umzug): `module.exports = { async up(queryInterface, Sequelize) { … } }`.
 * SQL comes from `queryInterface.*` calls, translated to what Sequelize v6's PostgreSQL query
 * generator emits, and from `queryInterface.sequelize.query('…')`. Sequelize runs a migration with
 * no transaction; calls that pass `{ transaction: t }` join that transaction (from
 * `queryInterface.sequelize.transaction(…)`), and `addIndex(…, { concurrently: true })` builds the
 * index CONCURRENTLY.
 */
import type * as TS from 'typescript';
import { concurrentlyOption, ident, identList, nameList, sqlConstant, timestamp14 } from './sqlText';
import { literalValue, objectProperty, propertyName, spanOf, ts, type Literal } from './tsAst';
import type { ExtractedStatement, FrameworkExtractor, TransactionModel } from './types';
import { walkMigration, type CallSite } from './walk';
import { writeJsMigrations } from './writeJs';
import type { TextEdit } from '../fixes/types';

/** Sequelize's default index name: `<table>_<fields>`, underscored (`popularityScore` → `popularity_score`). */
function indexName(table: string, fields: string[]): string {
  return `${table}_${fields.join('_')}`
    .replace(/([A-Z]+)([A-Z][a-z\d]+)/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/[^\w]/g, '_')
    .toLowerCase();
}

/** Transaction groups by the expression passed as `transaction:` (per file). */
type Groups = Map<string, number>;

function transactionOf(args: readonly TS.Expression[], sf: TS.SourceFile, groups: Groups): Pick<ExtractedStatement, 'transaction' | 'data'> {
  const t = ts();
  for (const a of args) {
    if (!t.isObjectLiteralExpression(a)) continue;
    for (const p of a.properties) {
      const name = p.name && propertyName(p.name as TS.PropertyName);
      if (name !== 'transaction') continue;
      const expr = t.isPropertyAssignment(p) ? p.initializer.getText(sf) : t.isShorthandPropertyAssignment(p) ? p.name.text : undefined;
      if (!expr || expr === 'null' || expr === 'undefined') return {};
      if (!groups.has(expr)) groups.set(expr, groups.size + 1);
      return { transaction: { group: groups.get(expr)! }, data: { leaveTransaction: withoutProperty(a, p, args, sf) } };
    }
  }
  return {};
}

/**
 * Edits that take `prop` out of the options object `obj` (the call then runs on its own pooled
 * connection, outside the transaction); an object left empty goes with its argument.
 */
function withoutProperty(obj: TS.ObjectLiteralExpression, prop: TS.ObjectLiteralElementLike, args: readonly TS.Expression[], sf: TS.SourceFile): TextEdit[] {
  const text = sf.text;
  const props = obj.properties;
  const i = props.indexOf(prop);
  if (props.length === 1) {
    const k = args.indexOf(obj);
    const start = k > 0 ? args[k - 1].getEnd() : obj.getStart(sf);
    return [{ start, end: obj.getEnd(), newText: k > 0 ? '' : '{}' }];
  }
  // With the comma after it (or, for the last one, the comma before it).
  if (i < props.length - 1) return [{ start: prop.getStart(sf), end: props[i + 1].getStart(sf), newText: '' }];
  const comma = text.lastIndexOf(',', prop.getStart(sf));
  return [{ start: comma, end: prop.getEnd(), newText: '' }];
}

const TYPES: Record<string, string> = {
  STRING: 'VARCHAR(255)', TEXT: 'TEXT', CITEXT: 'CITEXT', INTEGER: 'INTEGER', BIGINT: 'BIGINT', SMALLINT: 'SMALLINT',
  FLOAT: 'FLOAT', REAL: 'REAL', DOUBLE: 'DOUBLE PRECISION', DECIMAL: 'DECIMAL', BOOLEAN: 'BOOLEAN',
  DATE: 'TIMESTAMP WITH TIME ZONE', DATEONLY: 'DATE', TIME: 'TIME', UUID: 'UUID', JSON: 'JSON', JSONB: 'JSONB',
  BLOB: 'BYTEA', INET: 'INET', CIDR: 'CIDR', MACADDR: 'MACADDR', TSVECTOR: 'TSVECTOR',
};

/** `Sequelize.STRING(40)`, `DataTypes.DECIMAL(10, 2)`, `'VARCHAR(20)'` → the PostgreSQL type Sequelize writes. */
function dataType(node: TS.Expression | undefined, sf: TS.SourceFile): string | undefined {
  if (!node) return undefined;
  const t = ts();
  const lit = literalValue(node, sf);
  if (typeof lit === 'string') return lit;
  let args: readonly TS.Expression[] = [];
  let e: TS.Expression = node;
  if (t.isCallExpression(e)) {
    args = e.arguments;
    e = e.expression;
  }
  if (!t.isPropertyAccessExpression(e)) return undefined;
  const name = e.name.text;
  const base = TYPES[name];
  if (!base) return undefined;
  const nums = args.map((a) => literalValue(a, sf));
  if (name === 'STRING' && typeof nums[0] === 'number') return `VARCHAR(${nums[0]})`;
  if (name === 'DECIMAL' && nums.length && nums.every((n) => typeof n === 'number')) return `DECIMAL(${nums.join(',')})`;
  if (args.length && name !== 'STRING' && name !== 'DECIMAL') return undefined;
  return base;
}

/** `Sequelize.ENUM("a", "b")` → `ENUM(…)`: short enough to count reasons across files. */
function typeLabel(node: TS.Expression): string {
  const t = ts();
  const callee = t.isCallExpression(node) ? node.expression : node;
  const name = t.isPropertyAccessExpression(callee) ? callee.name.text : t.isIdentifier(callee) ? callee.text : 'expression';
  return t.isCallExpression(node) ? `${name}(…)` : name;
}

interface Attribute {
  type: string;
  sql: string;
  allowNull?: boolean;
}

/** A column definition object as Sequelize's attributeToSQL spells it (type, NOT NULL, DEFAULT, UNIQUE, REFERENCES). */
function attribute(node: TS.Expression | undefined, sf: TS.SourceFile, forAlter = false): Attribute | string {
  const t = ts();
  if (!node) return 'column definition missing';
  if (!t.isObjectLiteralExpression(node)) {
    const type = dataType(node, sf);
    return type ? { type, sql: type } : `column type ${typeLabel(node)} not translated`;
  }
  const typeNode = objectProperty(node, 'type')?.initializer;
  const type = dataType(typeNode, sf);
  if (!type) return `column type ${typeNode ? typeLabel(typeNode) : '(none)'} not translated`;
  const get = (k: string) => literalValue(objectProperty(node, k)?.initializer, sf);
  let sql = type;
  const allowNull = get('allowNull');
  if (get('primaryKey') === true) sql += ' PRIMARY KEY';
  if (allowNull === false) sql += ' NOT NULL';
  if (get('autoIncrement') === true) sql = type === 'BIGINT' ? 'BIGSERIAL' : 'SERIAL';
  const defNode = objectProperty(node, 'defaultValue')?.initializer;
  if (defNode) {
    const d = defaultSql(defNode, sf);
    if (d === undefined) return 'defaultValue not translated';
    if (d) sql += ` DEFAULT ${d}`;
  }
  if (get('unique') === true) sql += ' UNIQUE';
  const refs = get('references');
  if (refs && typeof refs === 'object' && !Array.isArray(refs)) {
    const r = refs as Record<string, Literal>;
    const model = typeof r.model === 'string' ? r.model : r.model && typeof r.model === 'object' && !Array.isArray(r.model) ? (r.model as Record<string, Literal>).tableName : undefined;
    if (typeof model !== 'string') return 'references to a model object not translated';
    sql += ` REFERENCES ${ident(model)} (${ident(typeof r.key === 'string' ? r.key : 'id')})`;
    const del = get('onDelete');
    const upd = get('onUpdate');
    if (typeof del === 'string') sql += ` ON DELETE ${del.toUpperCase()}`;
    if (typeof upd === 'string') sql += ` ON UPDATE ${upd.toUpperCase()}`;
  }
  void forAlter;
  return { type, sql, allowNull: typeof allowNull === 'boolean' ? allowNull : undefined };
}

/** DEFAULT as Sequelize writes it; '' for defaults applied in JS (UUIDV4, NOW as a JS value). */
function defaultSql(node: TS.Expression, sf: TS.SourceFile): string | undefined {
  const t = ts();
  const v = literalValue(node, sf);
  if (v !== undefined && (typeof v !== 'object' || v === null)) return sqlConstant(v);
  if (t.isPropertyAccessExpression(node)) {
    if (['UUIDV4', 'UUIDV1'].includes(node.name.text)) return '';
    if (node.name.text === 'NOW') return 'NOW()';
  }
  if (t.isCallExpression(node) && t.isPropertyAccessExpression(node.expression)) {
    const fn = node.expression.name.text;
    const arg = literalValue(node.arguments[0], sf);
    if (fn === 'fn' && typeof arg === 'string') return `${arg}()`;
    if (fn === 'literal' && typeof arg === 'string') return arg;
  }
  return undefined;
}

function visit(site: CallSite, groups: Groups) {
  const qi = site.method.params[0];
  const { path, call, out, sf } = site;
  if (!qi || path[0] !== qi) return 'skip' as const;
  const args = call.arguments;
  const a = (i: number) => literalValue(args[i], sf);
  const extra = (): Partial<ExtractedStatement> => transactionOf(args, sf, groups);
  const emit = (sql: string, data?: Record<string, unknown>) => {
    const e = extra();
    out.builder(sql, call, { ...e, data: { ...e.data, ...data } });
  };
  const table = a(0);
  const tableName = typeof table === 'string' ? table : table && typeof table === 'object' && !Array.isArray(table) && typeof table.tableName === 'string' ? table.tableName : undefined;
  const method = path.length === 2 ? path[1] : path.slice(1).join('.');
  if (method === 'sequelize.query') {
    out.literal(args[0], call, extra());
    return 'consumed' as const;
  }
  if (method === 'sequelize.transaction') return 'skip' as const;
  const needTable = () => {
    if (tableName) return true;
    out.skip(call, `queryInterface.${method} on a dynamic table name`);
    return false;
  };
  const qt = () => ident(tableName!);
  const pub = () => (tableName!.includes('.') ? ident(tableName!) : `"public".${ident(tableName!)}`);
  switch (method) {
    case 'addIndex': {
      if (!needTable()) return 'consumed' as const;
      const optsNode = args[1] && ts().isObjectLiteralExpression(args[1]) ? args[1] : args[2];
      const opts = literalValue(optsNode, sf);
      const o = opts && typeof opts === 'object' && !Array.isArray(opts) ? (opts as Record<string, Literal>) : {};
      const fields = nameList(Array.isArray(a(1)) ? a(1) : o.fields);
      if (!fields) {
        out.skip(call, 'addIndex with fields that are not plain names');
        return 'consumed' as const;
      }
      if (o.where !== undefined) {
        out.skip(call, 'addIndex with a where clause (not translated)');
        return 'consumed' as const;
      }
      const name = typeof o.name === 'string' ? o.name : indexName(tableName!, fields);
      const unique = o.unique === true || o.type === 'UNIQUE' ? 'UNIQUE ' : '';
      const using = typeof o.using === 'string' ? ` USING ${o.using}` : '';
      emit(`CREATE ${unique}INDEX ${o.concurrently === true ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${qt()}${using} (${identList(fields)})`, {
        options: optsNode ? spanOf(optsNode, sf) : undefined,
        concurrently: o.concurrently === true,
        afterArg: spanOf(args[args.length - 1], sf),
      });
      return 'consumed' as const;
    }
    case 'removeIndex': {
      if (!needTable()) return 'consumed' as const;
      const fields = nameList(a(1));
      const o = a(2);
      const concurrently = o && typeof o === 'object' && !Array.isArray(o) && o.concurrently === true;
      if (!fields) {
        out.skip(call, 'removeIndex with a dynamic name');
        return 'consumed' as const;
      }
      const name = typeof a(1) === 'string' ? (a(1) as string) : indexName(tableName!, fields);
      emit(`DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${ident(name)}`, { concurrently, afterArg: spanOf(args[args.length - 1], sf) });
      return 'consumed' as const;
    }
    case 'addColumn': {
      if (!needTable()) return 'consumed' as const;
      const col = a(1);
      const attr = attribute(args[2], sf);
      if (typeof col !== 'string' || typeof attr === 'string') out.skip(call, `addColumn: ${typeof attr === 'string' ? attr : 'dynamic column name'}`);
      else emit(`ALTER TABLE ${pub()} ADD COLUMN ${ident(col)} ${attr.sql}`);
      return 'consumed' as const;
    }
    case 'changeColumn': {
      if (!needTable()) return 'consumed' as const;
      const col = a(1);
      const attr = attribute(args[2], sf, true);
      if (typeof col !== 'string' || typeof attr === 'string') {
        out.skip(call, `changeColumn: ${typeof attr === 'string' ? attr : 'dynamic column name'}`);
        return 'consumed' as const;
      }
      const c = `ALTER TABLE ${qt()} ALTER COLUMN ${ident(col)}`;
      const def = / DEFAULT (.*?)( UNIQUE| REFERENCES|$)/.exec(attr.sql)?.[1];
      emit(`${c} ${attr.allowNull === false ? 'SET NOT NULL' : 'DROP NOT NULL'}`);
      emit(`${c} ${def ? `SET DEFAULT ${def}` : 'DROP DEFAULT'}`);
      emit(`${c} TYPE ${attr.type}`);
      return 'consumed' as const;
    }
    case 'removeColumn':
      if (needTable() && typeof a(1) === 'string') emit(`ALTER TABLE ${pub()} DROP COLUMN ${ident(a(1) as string)}`);
      else if (tableName) out.skip(call, 'removeColumn with a dynamic name');
      return 'consumed' as const;
    case 'renameColumn':
      if (needTable() && typeof a(1) === 'string' && typeof a(2) === 'string') emit(`ALTER TABLE ${qt()} RENAME COLUMN ${ident(a(1) as string)} TO ${ident(a(2) as string)}`);
      else if (tableName) out.skip(call, 'renameColumn with dynamic names');
      return 'consumed' as const;
    case 'renameTable':
      if (needTable() && typeof a(1) === 'string') emit(`ALTER TABLE ${qt()} RENAME TO ${ident(a(1) as string)}`);
      return 'consumed' as const;
    case 'dropTable':
      if (needTable()) emit(`DROP TABLE IF EXISTS ${qt()}`);
      return 'consumed' as const;
    case 'removeConstraint':
      if (needTable() && typeof a(1) === 'string') emit(`ALTER TABLE ${qt()} DROP CONSTRAINT ${ident(a(1) as string)}`);
      else if (tableName) out.skip(call, 'removeConstraint with a dynamic name');
      return 'consumed' as const;
    case 'addConstraint': {
      if (!needTable()) return 'consumed' as const;
      const sql = constraintSql(tableName!, a(1));
      if (typeof sql === 'string' && sql.startsWith('ALTER')) emit(sql);
      else out.skip(call, `addConstraint: ${sql}`);
      return 'consumed' as const;
    }
    case 'createTable': {
      if (!needTable()) return 'consumed' as const;
      const cols = args[1];
      if (!cols || !ts().isObjectLiteralExpression(cols)) {
        out.skip(call, 'createTable with attributes that are not an object literal');
        return 'consumed' as const;
      }
      const defs: string[] = [];
      const pks: string[] = [];
      for (const p of cols.properties) {
        const name = ts().isPropertyAssignment(p) ? propertyName(p.name) : undefined;
        const attr = name !== undefined && ts().isPropertyAssignment(p) ? attribute(p.initializer, sf) : 'computed attribute';
        if (typeof attr === 'string' || name === undefined) {
          out.skip(call, `createTable: ${typeof attr === 'string' ? attr : 'computed attribute'}`);
          return 'consumed' as const;
        }
        // Sequelize lifts PRIMARY KEY into a table constraint.
        if (attr.sql.includes(' PRIMARY KEY')) pks.push(name);
        defs.push(`${ident(name)} ${attr.sql.replace(' PRIMARY KEY', '')}`);
      }
      if (pks.length) defs.push(`PRIMARY KEY (${identList(pks)})`);
      emit(`CREATE TABLE IF NOT EXISTS ${qt()} (${defs.join(', ')})`);
      return 'consumed' as const;
    }
    case 'describeTable':
    case 'showAllTables':
    case 'tableExists':
      return 'consumed' as const;
    default:
      out.skip(call, `queryInterface.${method} (not translated)`);
      return 'consumed' as const;
  }
}

function constraintSql(table: string, opts: Literal): string {
  if (!opts || typeof opts !== 'object' || Array.isArray(opts)) return 'options are not an object literal';
  const o = opts as Record<string, Literal>;
  const fields = nameList(o.fields);
  const type = typeof o.type === 'string' ? o.type.toLowerCase() : '';
  if (!fields) return 'fields are not plain names';
  const base = table.replace(/\./g, '_');
  const name = (suffix: string, extra = '') => ident(typeof o.name === 'string' ? o.name : `${base}_${fields.join('_')}${extra}_${suffix}`);
  const head = `ALTER TABLE ${ident(table)} ADD CONSTRAINT`;
  switch (type) {
    case 'unique':
      return `${head} ${name('uk')} UNIQUE (${identList(fields)})`;
    case 'primary key':
      return `${head} ${name('pk')} PRIMARY KEY (${identList(fields)})`;
    case 'foreign key': {
      const r = o.references;
      if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r.table !== 'string' || typeof r.field !== 'string') return 'references not translated';
      let sql = `${head} ${name('fk', `_${r.table}`)} FOREIGN KEY (${identList(fields)}) REFERENCES ${ident(r.table)} (${ident(r.field)})`;
      if (typeof o.onDelete === 'string') sql += ` ON DELETE ${o.onDelete.toUpperCase()}`;
      if (typeof o.onUpdate === 'string') sql += ` ON UPDATE ${o.onUpdate.toUpperCase()}`;
      return sql;
    }
    default:
      return `constraint type ${type || '(dynamic)'} not translated`;
  }
}

function transaction(): TransactionModel {
  return { wrapped: false, because: 'Sequelize runs migrations without a transaction (calls join one only with `{ transaction: t }`)' };
}

export const sequelize: FrameworkExtractor = {
  id: 'sequelize',
  label: 'Sequelize',
  extensions: ['.js', '.ts', '.cjs', '.mjs'],
  detect: (_path, text) => /\bqueryInterface\b|\bQueryInterface\b/.test(text) && /\bup\b/.test(text),
  extract: (text, path) => {
    const groups: Groups = new Map();
    return walkMigration({ framework: 'sequelize', text, path, visit: (site) => visit(site, groups), transaction });
  },
  idioms: {
    optOutWords: 'run the call without `{ transaction: t }` (Sequelize runs it on its own connection, outside the transaction)',
    optOutOfTransaction: () => undefined,
    leaveTransaction: (_text, stmt) => stmt.data?.leaveTransaction as TextEdit[] | undefined,
    concurrently: concurrentlyOption,
    newMigrationName: (slug, now) => `${timestamp14(now)}-${slug.replace(/_/g, '-')}.js`,
    writeMigrations: (migrations, options) => writeJsMigrations('sequelize', migrations, options),
  },
};
