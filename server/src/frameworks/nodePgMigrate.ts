/**
 * node-pg-migrate migrations: `exports.up = (pgm) => { … }` / `export async function up(pgm: MigrationBuilder)`.
 * SQL comes from `pgm.sql('…')` and the `pgm.*` operations, translated to what node-pg-migrate's
 * MigrationBuilder emits (checked against its `getSqlSteps()` in the tests). Each migration runs
 * in a transaction unless it calls `pgm.noTransaction()`.
 */
import type * as TS from 'typescript';
import { concurrentlyOption, ident, identList, indentAt, nameList } from './sqlText';
import { literalValue, objectProperty, parseSource, spanOf, staticString, ts, type Literal } from './tsAst';
import type { FrameworkExtractor, TransactionModel } from './types';
import { migrationMethods } from './tsAst';
import { walkMigration, type CallSite } from './walk';
import { writeJsMigrations } from './writeJs';

/** A default as node-pg-migrate escapes it: strings in `$pga$…$pga$`, `pgm.func('…')` verbatim. */
function defaultSql(node: TS.Expression, sf: TS.SourceFile): string | undefined {
  const t = ts();
  if (t.isCallExpression(node) && /\.func$/.test(node.expression.getText(sf))) {
    const s = staticString(node.arguments[0], sf);
    return s.ok ? s.str.value : undefined;
  }
  const v = literalValue(node, sf);
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `$pga$${v}$pga$`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** One column definition (`'text'` or `{ type, notNull, default, references, … }`). */
function columnSql(name: string, node: TS.Expression, sf: TS.SourceFile): string | undefined {
  const t = ts();
  const short = literalValue(node, sf);
  if (typeof short === 'string') return `${ident(name)} ${short === 'id' ? 'serial PRIMARY KEY' : short}`;
  if (!t.isObjectLiteralExpression(node)) return undefined;
  const get = (k: string) => literalValue(objectProperty(node, k)?.initializer, sf);
  const type = get('type');
  if (typeof type !== 'string') return undefined;
  const parts = [ident(name), type === 'id' ? 'serial' : type];
  if (get('primaryKey') === true || type === 'id') parts.push('PRIMARY KEY');
  const def = objectProperty(node, 'default')?.initializer;
  if (def) {
    const d = defaultSql(def, sf);
    if (d === undefined) return undefined;
    parts.push(`DEFAULT ${d}`);
  }
  if (get('unique') === true) parts.push('UNIQUE');
  if (get('notNull') === true) parts.push('NOT NULL');
  const refs = get('references');
  if (refs !== undefined) {
    if (typeof refs !== 'string') return undefined;
    parts.push(`REFERENCES ${/[()]/.test(refs) ? refs : ident(refs)}`);
    const del = get('onDelete');
    if (typeof del === 'string') parts.push(`ON DELETE ${del}`);
  }
  return parts.join(' ');
}

function visit(site: CallSite) {
  const pgm = site.method.params[0];
  const { path, call, out, sf } = site;
  if (!pgm || path[0] !== pgm || path.length !== 2) return 'skip' as const;
  const args = call.arguments;
  const a = (i: number) => literalValue(args[i], sf);
  const table = typeof a(0) === 'string' ? (a(0) as string) : undefined;
  const op = path[1];
  const skip = (reason: string) => {
    out.skip(call, reason);
    return 'consumed' as const;
  };
  const emit = (sql: string, data?: Record<string, unknown>) => {
    out.builder(`${sql};`, call, { data });
    return 'consumed' as const;
  };
  if (op === 'sql') {
    if (args.length > 1) return skip('pgm.sql with template arguments');
    out.literal(args[0], call);
    return 'consumed' as const;
  }
  if (op === 'noTransaction' || op === 'func') return 'consumed' as const;
  if (!table) return skip(`pgm.${op} on a dynamic table name`);
  const opts = (i: number): Record<string, Literal> => {
    const v = a(i);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Literal>) : {};
  };
  switch (op) {
    case 'createIndex':
    case 'addIndex': {
      const cols = nameList(a(1));
      const o = opts(2);
      if (!cols) return skip('pgm.createIndex on dynamic columns');
      if (o.where !== undefined || o.include !== undefined) return skip('pgm.createIndex with where/include (not translated)');
      const name = typeof o.name === 'string' ? o.name : `${table}_${cols.join('_')}${o.unique === true ? '_unique' : ''}_index`;
      const method = typeof o.method === 'string' ? ` USING ${o.method}` : '';
      const optsNode = args[2];
      return emit(`CREATE ${o.unique === true ? 'UNIQUE ' : ''}INDEX ${o.concurrently === true ? 'CONCURRENTLY ' : ''}${o.ifNotExists === true ? 'IF NOT EXISTS ' : ''}${ident(name)} ON ${ident(table)}${method} (${identList(cols)})`, {
        concurrently: o.concurrently === true,
        options: optsNode && ts().isObjectLiteralExpression(optsNode) ? spanOf(optsNode, sf) : undefined,
        afterArg: spanOf(args[args.length - 1], sf),
      });
    }
    case 'dropIndex': {
      const cols = nameList(a(1));
      const o = opts(2);
      if (!cols) return skip('pgm.dropIndex on dynamic columns');
      const name = typeof o.name === 'string' ? o.name : `${table}_${cols.join('_')}${o.unique === true ? '_unique' : ''}_index`;
      const optsNode = args[2];
      return emit(`DROP INDEX ${o.concurrently === true ? 'CONCURRENTLY ' : ''}${o.ifExists === true ? 'IF EXISTS ' : ''}${ident(name)}`, {
        concurrently: o.concurrently === true,
        options: optsNode && ts().isObjectLiteralExpression(optsNode) ? spanOf(optsNode, sf) : undefined,
        afterArg: spanOf(args[args.length - 1], sf),
      });
    }
    case 'addColumns':
    case 'addColumn': {
      const cols = args[1];
      if (!cols || !ts().isObjectLiteralExpression(cols)) return skip(`pgm.${op} with columns that are not an object literal`);
      const defs: string[] = [];
      for (const p of cols.properties) {
        const name = ts().isPropertyAssignment(p) ? literalValue(p.name as TS.Expression, sf) ?? (ts().isIdentifier(p.name) ? p.name.text : undefined) : undefined;
        const sql = typeof name === 'string' && ts().isPropertyAssignment(p) ? columnSql(name, p.initializer, sf) : undefined;
        if (!sql) return skip(`pgm.${op}: column definition not translated`);
        defs.push(`ADD ${sql}`);
      }
      return emit(`ALTER TABLE ${ident(table)}\n  ${defs.join(',\n  ')}`);
    }
    case 'dropColumns':
    case 'dropColumn': {
      const cols = nameList(a(1));
      if (!cols) return skip(`pgm.${op} on dynamic columns`);
      return emit(`ALTER TABLE ${ident(table)}\n  ${cols.map((c) => `DROP ${ident(c)}`).join(',\n  ')}`);
    }
    case 'renameColumn':
      if (typeof a(1) !== 'string' || typeof a(2) !== 'string') return skip('pgm.renameColumn with dynamic names');
      return emit(`ALTER TABLE ${ident(table)} RENAME ${ident(a(1) as string)} TO ${ident(a(2) as string)}`);
    case 'renameTable':
      if (typeof a(1) !== 'string') return skip('pgm.renameTable with a dynamic name');
      return emit(`ALTER TABLE ${ident(table)} RENAME TO ${ident(a(1) as string)}`);
    case 'dropTable':
      return emit(`DROP TABLE ${opts(1).ifExists === true ? 'IF EXISTS ' : ''}${ident(table)}`);
    case 'alterColumn': {
      const col = a(1);
      const o = opts(2);
      if (typeof col !== 'string') return skip('pgm.alterColumn on a dynamic column');
      const parts: string[] = [];
      const c = `ALTER ${ident(col)}`;
      const defNode = args[2] && ts().isObjectLiteralExpression(args[2]) ? objectProperty(args[2], 'default')?.initializer : undefined;
      if (defNode) {
        const d = defaultSql(defNode, sf);
        if (d === undefined) return skip('pgm.alterColumn default not translated');
        parts.push(d === 'NULL' ? `${c} DROP DEFAULT` : `${c} SET DEFAULT ${d}`);
      }
      if (typeof o.type === 'string') parts.push(`${c} SET DATA TYPE ${o.type}${typeof o.using === 'string' ? ` USING ${o.using}` : ''}`);
      if (o.notNull === true) parts.push(`${c} SET NOT NULL`);
      if (o.notNull === false) parts.push(`${c} DROP NOT NULL`);
      if (!parts.length) return skip('pgm.alterColumn options not translated');
      return emit(`ALTER TABLE ${ident(table)}\n  ${parts.join(',\n  ')}`);
    }
    case 'addConstraint':
    case 'createConstraint': {
      const name = a(1);
      const expr = a(2);
      const o = opts(2);
      let body: string | undefined;
      if (typeof expr === 'string') body = expr;
      else if (o.foreignKeys && typeof o.foreignKeys === 'object' && !Array.isArray(o.foreignKeys)) {
        const fk = o.foreignKeys as Record<string, Literal>;
        const cols = nameList(fk.columns);
        if (cols && typeof fk.references === 'string') {
          body = `FOREIGN KEY (${identList(cols)}) REFERENCES ${/[()]/.test(fk.references) ? fk.references : ident(fk.references)}`;
          if (typeof fk.onDelete === 'string') body += ` ON DELETE ${fk.onDelete}`;
        }
      } else if (typeof o.check === 'string') body = `CHECK (${o.check})`;
      else if (nameList(o.unique)) body = `UNIQUE (${identList(nameList(o.unique)!)})`;
      if (!body) return skip('pgm.addConstraint options not translated');
      const constraintName = typeof name === 'string' ? name : o.unique !== undefined ? `${table}_uniq_${nameList(o.unique)!.join('_')}` : undefined;
      if (!constraintName) return skip('pgm.addConstraint without a name (not translated)');
      const notValid = o.notValid === true ? ' NOT VALID' : '';
      return emit(`ALTER TABLE ${ident(table)}\n  ADD CONSTRAINT ${ident(constraintName)} ${body}${notValid}`);
    }
    case 'dropConstraint':
      if (typeof a(1) !== 'string') return skip('pgm.dropConstraint with a dynamic name');
      return emit(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${opts(2).ifExists === true ? 'IF EXISTS ' : ''}${ident(a(1) as string)}`);
    case 'createTable': {
      const cols = args[1];
      if (!cols || !ts().isObjectLiteralExpression(cols)) return skip('pgm.createTable with columns that are not an object literal');
      const defs: string[] = [];
      for (const p of cols.properties) {
        const name = ts().isPropertyAssignment(p) ? (ts().isIdentifier(p.name) || ts().isStringLiteral(p.name) ? p.name.text : undefined) : undefined;
        const sql = name !== undefined && ts().isPropertyAssignment(p) ? columnSql(name, p.initializer, sf) : undefined;
        if (!sql) return skip('pgm.createTable: column definition not translated');
        defs.push(sql);
      }
      return emit(`CREATE TABLE ${opts(2).ifNotExists === true ? 'IF NOT EXISTS ' : ''}${ident(table)} (\n  ${defs.join(',\n  ')}\n)`);
    }
    default:
      return skip(`pgm.${op} (not translated)`);
  }
}

function noTransactionCall(sf: TS.SourceFile): TS.CallExpression | undefined {
  const t = ts();
  let found: TS.CallExpression | undefined;
  for (const m of migrationMethods(sf)) {
    if (m.section !== 'up') continue;
    const visit = (n: TS.Node) => {
      if (!found && t.isCallExpression(n) && t.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'noTransaction' && n.expression.expression.getText(sf) === m.params[0]) found = n;
      t.forEachChild(n, visit);
    };
    if (m.fn.body) visit(m.fn.body);
  }
  return found;
}

function transaction(sf: TS.SourceFile): TransactionModel {
  const call = noTransactionCall(sf);
  if (call) return { wrapped: false, because: '`pgm.noTransaction()`', decidedAt: spanOf(call, sf) };
  return { wrapped: true, because: 'node-pg-migrate runs each migration in a transaction' };
}

export const nodePgMigrate: FrameworkExtractor = {
  id: 'node-pg-migrate',
  label: 'node-pg-migrate',
  extensions: ['.js', '.ts', '.cjs', '.mjs'],
  detect: (_path, text) => /\bpgm\b|\bMigrationBuilder\b/.test(text) && /\bup\b/.test(text),
  extract: (text, path) => walkMigration({ framework: 'node-pg-migrate', text, path, visit, transaction }),
  idioms: {
    optOutWords: 'call `pgm.noTransaction()` at the start of `up`',
    optOutOfTransaction(text) {
      const sf = parseSource(text);
      const up = migrationMethods(sf).find((m) => m.section === 'up');
      const body = up?.fn.body;
      if (!up || !body || !ts().isBlock(body) || noTransactionCall(sf)) return undefined;
      const first = body.statements[0];
      const indent = first ? indentAt(text, first.getStart(sf)) : '  ';
      const at = body.getStart(sf) + 1;
      return [{ start: at, end: at, newText: `\n${indent}${up.params[0]}.noTransaction();` }];
    },
    concurrently: concurrentlyOption,
    newMigrationName: (slug, now) => `${now.getTime()}_${slug}.js`,
    writeMigrations: (migrations, options) => writeJsMigrations('node-pg-migrate', migrations, options),
  },
};
