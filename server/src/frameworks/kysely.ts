/**
 * Kysely migrations: `export async function up(db: Kysely<any>)`. SQL comes from
 * sql`…`.execute(db) and from `db.schema.*` builder chains, translated to what Kysely's
 * PostgreSQL compiler emits (checked against `.compile()` in the tests). Kysely's Migrator runs
 * all pending migrations in one transaction on PostgreSQL unless it is built with
 * `disableTransactions: true`; a single file cannot opt out.
 */
import type * as TS from 'typescript';
import { chainOf, link, type Link } from './chain';
import { concurrentlyInLiteral, ident, identList, nameList, sqlConstant, timestamp14 } from './sqlText';
import { literalValue, ts } from './tsAst';
import type { FrameworkExtractor, TransactionModel } from './types';
import { walkMigration, type CallSite, type Collector } from './walk';
import { writeJsMigrations } from './writeJs';

function visit(site: CallSite) {
  const t = ts();
  const { call, out, sf } = site;
  const db = site.method.params[0];
  const callee = call.expression;
  // sql`…`.execute(db) and sql.raw('…').execute(db)
  if (t.isPropertyAccessExpression(callee) && callee.name.text === 'execute') {
    const target = callee.expression;
    if (t.isTaggedTemplateExpression(target) && target.tag.getText(sf) === 'sql') {
      if (t.isNoSubstitutionTemplateLiteral(target.template)) out.literal(target.template, call);
      else out.skip(target, 'sql`…` with ${} interpolation');
      return 'consumed' as const;
    }
    if (t.isCallExpression(target) && target.expression.getText(sf) === 'sql.raw') {
      out.literal(target.arguments[0], call);
      return 'consumed' as const;
    }
  }
  const chain = chainOf(call, sf);
  if (!chain || !db || chain.root !== `${db}.schema`) return 'skip' as const;
  const links = chain.links.filter((l) => l.name !== 'execute');
  const arg = (l: Link | undefined, i: number) => literalValue(l?.args[i], sf);
  const [head] = links;
  const name = arg(head, 0);
  const skip = (reason: string) => {
    out.skip(call, reason);
    return 'consumed' as const;
  };
  if (typeof name !== 'string') return skip(`db.schema.${head?.name} with a dynamic name`);
  switch (head.name) {
    case 'createIndex': {
      const on = arg(link(links, 'on'), 0);
      const cols = nameList(arg(link(links, 'column'), 0) ?? arg(link(links, 'columns'), 0));
      if (typeof on !== 'string' || !cols || link(links, 'where') || link(links, 'expression')) return skip('db.schema.createIndex not translated (dynamic table, columns, expression or where)');
      const using = arg(link(links, 'using'), 0);
      out.builder(
        `create ${link(links, 'unique') ? 'unique ' : ''}index ${link(links, 'ifNotExists') ? 'if not exists ' : ''}${ident(name)} on ${ident(on)}${typeof using === 'string' ? ` using ${using}` : ''} (${identList(cols)})`,
        call,
      );
      return 'consumed' as const;
    }
    case 'dropIndex':
      out.builder(`drop index ${link(links, 'ifExists') ? 'if exists ' : ''}${ident(name)}`, call);
      return 'consumed' as const;
    case 'dropTable':
      out.builder(`drop table ${link(links, 'ifExists') ? 'if exists ' : ''}${ident(name)}`, call);
      return 'consumed' as const;
    case 'createTable': {
      const cols: string[] = [];
      for (const l of links.slice(1)) {
        if (l.name === 'ifNotExists') continue;
        if (l.name !== 'addColumn') return skip(`db.schema.createTable().${l.name} (not translated)`);
        const col = columnDef(l, sf);
        if (!col) return skip('db.schema.createTable column not translated');
        cols.push(col);
      }
      out.builder(`create table ${link(links, 'ifNotExists') ? 'if not exists ' : ''}${ident(name)} (${cols.join(', ')})`, call);
      return 'consumed' as const;
    }
    case 'alterTable':
      return alterTable(name, links.slice(1), call, out, sf);
    default:
      return skip(`db.schema.${head.name} (not translated)`);
  }
}

/** `addColumn('c', 'text', (col) => col.notNull().defaultTo('x'))` in Kysely's order of clauses. */
function columnDef(l: Link, sf: TS.SourceFile): string | undefined {
  const t = ts();
  const name = literalValue(l.args[0], sf);
  const type = literalValue(l.args[1], sf);
  if (typeof name !== 'string' || typeof type !== 'string') return undefined;
  const cb = l.args[2];
  const mods: Link[] = [];
  if (cb) {
    if (!(t.isArrowFunction(cb) || t.isFunctionExpression(cb)) || !t.isCallExpression(cb.body)) return undefined;
    const chain = chainOf(cb.body, sf);
    if (!chain) return undefined;
    mods.push(...chain.links);
  }
  const parts = [ident(name), type];
  const has = (n: string) => !!link(mods, n);
  if (has('primaryKey')) parts.push('primary key');
  const def = link(mods, 'defaultTo');
  if (def) {
    const a = def.args[0];
    const v = literalValue(a, sf);
    const d = t.isTaggedTemplateExpression(a) && t.isNoSubstitutionTemplateLiteral(a.template) ? a.template.text : typeof v === 'number' ? String(v) : sqlConstant(v);
    if (d === undefined) return undefined;
    parts.push(`default ${d}`);
  }
  if (has('notNull')) parts.push('not null');
  if (has('unique')) parts.push('unique');
  const ref = literalValue(link(mods, 'references')?.args[0], sf);
  if (typeof ref === 'string') {
    const dot = ref.lastIndexOf('.');
    parts.push(`references ${ident(ref.slice(0, dot))} (${ident(ref.slice(dot + 1))})`);
    const del = literalValue(link(mods, 'onDelete')?.args[0], sf);
    if (typeof del === 'string') parts.push(`on delete ${del}`);
  }
  const known = new Set(['primaryKey', 'defaultTo', 'notNull', 'unique', 'references', 'onDelete']);
  if (mods.some((m) => !known.has(m.name))) return undefined;
  return parts.join(' ');
}

function alterTable(table: string, links: Link[], call: TS.CallExpression, out: Collector, sf: TS.SourceFile) {
  const t = ts();
  const head = `alter table ${ident(table)}`;
  const skip = (reason: string) => {
    out.skip(call, reason);
    return 'consumed' as const;
  };
  const a = (l: Link, i: number) => literalValue(l.args[i], sf);
  const clauses: string[] = [];
  for (const l of links) {
    switch (l.name) {
      case 'addColumn': {
        const col = columnDef(l, sf);
        if (!col) return skip('db.schema.alterTable().addColumn not translated');
        clauses.push(`add column ${col}`);
        break;
      }
      case 'dropColumn':
        if (typeof a(l, 0) !== 'string') return skip('dropColumn with a dynamic name');
        clauses.push(`drop column ${ident(a(l, 0) as string)}`);
        break;
      case 'renameColumn':
        if (typeof a(l, 0) !== 'string' || typeof a(l, 1) !== 'string') return skip('renameColumn with dynamic names');
        clauses.push(`rename column ${ident(a(l, 0) as string)} to ${ident(a(l, 1) as string)}`);
        break;
      case 'renameTo':
        if (typeof a(l, 0) !== 'string') return skip('renameTo with a dynamic name');
        clauses.push(`rename to ${ident(a(l, 0) as string)}`);
        break;
      case 'alterColumn': {
        const col = a(l, 0);
        const cb = l.args[1];
        if (typeof col !== 'string' || !cb || !(t.isArrowFunction(cb) || t.isFunctionExpression(cb)) || !t.isCallExpression(cb.body)) return skip('alterColumn not translated');
        const [m] = chainOf(cb.body, sf)?.links ?? [];
        const c = `alter column ${ident(col)}`;
        const v = m && literalValue(m.args[0], sf);
        if (m?.name === 'setDataType' && typeof v === 'string') clauses.push(`${c} type ${v}`);
        else if (m?.name === 'setNotNull') clauses.push(`${c} set not null`);
        else if (m?.name === 'dropNotNull') clauses.push(`${c} drop not null`);
        else if (m?.name === 'dropDefault') clauses.push(`${c} drop default`);
        else if (m?.name === 'setDefault' && sqlConstant(v) !== undefined) clauses.push(`${c} set default ${typeof v === 'number' ? v : sqlConstant(v)}`);
        else return skip('alterColumn not translated');
        break;
      }
      case 'addForeignKeyConstraint': {
        const [name, cols, ref, refCols] = [a(l, 0), nameList(a(l, 1)), a(l, 2), nameList(a(l, 3))];
        if (typeof name !== 'string' || !cols || typeof ref !== 'string' || !refCols) return skip('addForeignKeyConstraint with dynamic arguments');
        let sql = `add constraint ${ident(name)} foreign key (${identList(cols)}) references ${ident(ref)} (${identList(refCols)})`;
        const cb = l.args[4];
        if (cb && (t.isArrowFunction(cb) || t.isFunctionExpression(cb)) && t.isCallExpression(cb.body)) {
          for (const m of chainOf(cb.body, sf)?.links ?? []) {
            const v = literalValue(m.args[0], sf);
            if (m.name === 'onDelete' && typeof v === 'string') sql += ` on delete ${v}`;
            else if (m.name === 'onUpdate' && typeof v === 'string') sql += ` on update ${v}`;
            else return skip(`addForeignKeyConstraint().${m.name} (not translated)`);
          }
        }
        clauses.push(sql);
        break;
      }
      case 'addUniqueConstraint': {
        const [name, cols] = [a(l, 0), nameList(a(l, 1))];
        if (typeof name !== 'string' || !cols) return skip('addUniqueConstraint with dynamic arguments');
        clauses.push(`add constraint ${ident(name)} unique (${identList(cols)})`);
        break;
      }
      case 'dropConstraint':
        if (typeof a(l, 0) !== 'string') return skip('dropConstraint with a dynamic name');
        clauses.push(`drop constraint ${ident(a(l, 0) as string)}`);
        break;
      default:
        return skip(`db.schema.alterTable().${l.name} (not translated)`);
    }
  }
  if (!clauses.length) return skip('db.schema.alterTable() with no change');
  out.builder(`${head} ${clauses.join(', ')}`, call);
  return 'consumed' as const;
}

function transaction(): TransactionModel {
  return { wrapped: true, because: "Kysely's Migrator runs pending migrations in one transaction on PostgreSQL (unless built with `disableTransactions: true`)" };
}

export const kysely: FrameworkExtractor = {
  id: 'kysely',
  label: 'Kysely',
  extensions: ['.ts', '.js', '.mts', '.mjs'],
  detect: (_path, text) => /\bKysely\b|from ['"]kysely['"]/.test(text) && /\bup\b/.test(text),
  extract: (text, path) => walkMigration({ framework: 'kysely', text, path, visit, transaction }),
  idioms: {
    optOutWords: 'build the Migrator with `disableTransactions: true` and run this migration in its own deploy (a single Kysely migration cannot opt out)',
    optOutOfTransaction: () => undefined,
    concurrently: (_text, stmt) => concurrentlyInLiteral(stmt),
    newMigrationName: (slug, now) => `${timestamp14(now)}_${slug}.ts`,
    writeMigrations: (migrations, options) => writeJsMigrations('kysely', migrations, options),
  },
};
