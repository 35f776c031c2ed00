/**
 * Django migrations: `class Migration(migrations.Migration)` with `operations = [...]`, read with
 * tree-sitter (Python). `RunSQL` strings are linted where they are written; schema operations are
 * translated to the SQL Django's PostgreSQL schema editor emits (django/db/backends/base/schema.py
 * and django/db/backends/postgresql/schema.py; see docs/frameworks/django.md for each template).
 * Django runs the whole migration in one transaction on PostgreSQL unless the class sets
 * `atomic = False`. Index and foreign-key statements are "deferred SQL": Django sends them after
 * the migration's other operations, still inside its transaction.
 */
import { writeDjangoMigrations } from './writeHost';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { naturalCompare } from '../history/naturalCompare';
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../fixes/types';
import { arg, callArgs, dictEntries, dotted, pyString, pyValue, spanOfNode, type PyArgs, type PyValue } from './pyAst';
import { concurrentlyInLiteral, ident, indentAt } from './sqlText';
import { grammarFailure, parserFor } from './treeSitter';
import type { ExtractedStatement, Extraction, FrameworkExtractor, NotAnalysed, TransactionModel } from './types';

const WRAPPED: TransactionModel = { wrapped: true, because: 'Django runs each migration in a transaction (`atomic = True`)' };

/** `names_digest` + `_create_index_name` of Django's base schema editor (PostgreSQL: 63-character names). */
export function djangoIndexName(table: string, columns: readonly string[], suffix = ''): string {
  const h = createHash('md5');
  for (const part of [table, ...columns]) h.update(part);
  let hash = `${h.digest('hex').slice(0, 8)}${suffix}`;
  const name = `${table}_${columns.join('_')}_${hash}`;
  if (name.length <= 63) return name;
  // Too long: a long suffix is cut to a third, table and columns share the rest.
  if (hash.length > 63 / 3) hash = hash.slice(0, 21);
  const other = Math.floor((63 - hash.length) / 2) - 1;
  const out = `${table.slice(0, other)}_${columns.join('_').slice(0, other)}_${hash}`;
  return /^[_\d]/.test(out) ? `D${out.slice(0, -1)}` : out;
}

interface Field {
  column: string;
  type: string;
  /** Column-definition suffix after NULL/NOT NULL (PRIMARY KEY, UNIQUE, identity). */
  null: boolean;
  defaultSql?: string;
  /** The default is `db_default` (kept in the database), not a Python default Django only fills rows with. */
  dbDefault?: boolean;
  /** A Python default Lockstep cannot write as SQL (a callable such as `timezone.now`). */
  dynamicDefault?: boolean;
  unique: boolean;
  primaryKey: boolean;
  identity: boolean;
  check?: string;
  /** The CHECK's name: PostgreSQL's `<table>_<column>_check` for one written inline, Django's hashed name for one AlterField added. */
  checkName?: string;
  index: boolean;
  /** `hidden`: `related_name='+'`, so the target model does not list it among its related objects. */
  fk?: { table: string; column: string; hidden?: boolean };
}

/** Django's model state as far as SQL needs it. */
export interface ModelState {
  fields: Map<string, Map<string, Field>>;
  tables: Map<string, string>;
}

const STATE_ONLY = new Set(['AlterModelOptions', 'AlterModelManagers', 'AlterOrderWithRespectTo']);

/** Django's PostgreSQL `data_types` (django/db/backends/postgresql/base.py). */
function columnType(kind: string, kw: Map<string, PyValue | undefined>): string | undefined {
  const n = (k: string) => (typeof kw.get(k) === 'number' ? (kw.get(k) as number) : undefined);
  switch (kind) {
    case 'AutoField':
      return 'integer';
    case 'BigAutoField':
      return 'bigint';
    case 'SmallAutoField':
      return 'smallint';
    case 'CharField':
      return n('max_length') !== undefined ? `varchar(${n('max_length')})` : 'varchar';
    case 'EmailField':
      return `varchar(${n('max_length') ?? 254})`;
    case 'SlugField':
      return `varchar(${n('max_length') ?? 50})`;
    case 'URLField':
      return `varchar(${n('max_length') ?? 200})`;
    case 'FileField':
    case 'ImageField':
      return `varchar(${n('max_length') ?? 100})`;
    case 'TextField':
      return 'text';
    case 'IntegerField':
    case 'PositiveIntegerField':
      return 'integer';
    case 'BigIntegerField':
    case 'PositiveBigIntegerField':
      return 'bigint';
    case 'SmallIntegerField':
    case 'PositiveSmallIntegerField':
      return 'smallint';
    case 'BooleanField':
    case 'NullBooleanField':
      return 'boolean';
    case 'DateTimeField':
      return 'timestamp with time zone';
    case 'DateField':
      return 'date';
    case 'TimeField':
      return 'time';
    case 'DurationField':
      return 'interval';
    case 'DecimalField':
      return n('max_digits') !== undefined && n('decimal_places') !== undefined ? `numeric(${n('max_digits')}, ${n('decimal_places')})` : undefined;
    case 'FloatField':
      return 'double precision';
    case 'UUIDField':
      return 'uuid';
    case 'JSONField':
      return 'jsonb';
    case 'BinaryField':
      return 'bytea';
    case 'GenericIPAddressField':
    case 'IPAddressField':
      return 'inet';
    default:
      return undefined;
  }
}

/** Django's `data_types` template of a column type: the type with its length/precision left out. */
const dataTypeTemplate = (type: string) => type.replace(/\(.*\)$/, '(…)');

const AUTO = new Set(['AutoField', 'BigAutoField', 'SmallAutoField']);
const RELATIONS = new Set(['ForeignKey', 'OneToOneField']);

function sqlLiteral(v: PyValue | undefined): string | undefined {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** `'app.Model'` / `'Model'` / `settings.AUTH_USER_MODEL` → the default `db_table`. */
function targetTable(node: Node | undefined, text: string, app: string): string | undefined {
  if (!node) return undefined;
  if (dotted(node) === 'settings.AUTH_USER_MODEL') return 'auth_user';
  const v = pyValue(node, text);
  if (typeof v !== 'string') return undefined;
  const [a, m] = v.includes('.') ? v.split('.') : [app, v];
  return `${a.toLowerCase()}_${m.toLowerCase()}`;
}

class DjangoReader {
  statements: ExtractedStatement[] = [];
  deferred: ExtractedStatement[] = [];
  notAnalysed: NotAnalysed[] = [];
  /**
   * Django's model state: the fields of each model (lower-case model name → field name → column),
   * from the app's earlier migrations and this one; AlterField compares against it.
   */
  readonly fields: Map<string, Map<string, Field>>;
  readonly tables: Map<string, string>;

  constructor(
    readonly text: string,
    readonly app: string,
    state: ModelState = { fields: new Map(), tables: new Map() },
  ) {
    this.fields = state.fields;
    this.tables = state.tables;
  }

  skip(node: Node, reason: string, section: 'up' | 'down' = 'up') {
    this.notAnalysed.push({ range: spanOfNode(node), reason, section });
  }

  builder(sql: string, call: Node, deferred = false, data?: Record<string, unknown>) {
    const span = spanOfNode(call);
    (deferred ? this.deferred : this.statements).push({ sql, range: span, origin: 'builder', call: span, section: 'up', data });
  }

  table(model: string): string {
    return this.tables.get(model.toLowerCase()) ?? `${this.app}_${model.toLowerCase()}`;
  }

  column(model: string, field: string): string {
    return this.fields.get(model.toLowerCase())?.get(field)?.column ?? field;
  }

  /** `models.CharField(max_length=10, null=True, …)` → the column Django writes; a reason when it cannot. */
  field(name: string, node: Node | undefined, needDefault = true): Field | string {
    if (node?.type !== 'call') return 'field that is not a models.<Field>(…) call';
    const kind = dotted(node.childForFieldName('function'))?.split('.').pop() ?? '?';
    const args = callArgs(node);
    if (args.splat) return `${kind} with *args/**kwargs`;
    const kw = new Map<string, PyValue | undefined>();
    for (const [k, v] of args.keywords) kw.set(k, pyValue(v, this.text));
    const relation = RELATIONS.has(kind);
    let type = columnType(kind, kw);
    let fk: Field['fk'];
    if (relation) {
      const to = targetTable(arg(args, 0, 'to'), this.text, this.app);
      if (!to) return `${kind} to a model named in a variable`;
      if (kw.has('to_field')) return `${kind} with to_field`;
      // The target's primary key: BigAutoField since Django 3.2's DEFAULT_AUTO_FIELD (see docs).
      type = 'bigint';
      const related = kw.get('related_name');
      if (kw.get('db_constraint') !== false) fk = { table: to, column: 'id', hidden: typeof related === 'string' && related.endsWith('+') };
    }
    if (!type) return `field type ${kind} (not translated)`;
    const column = typeof kw.get('db_column') === 'string' ? (kw.get('db_column') as string) : relation ? `${name}_id` : name;
    const primaryKey = kw.get('primary_key') === true;
    const unique = !primaryKey && (kw.get('unique') === true || kind === 'OneToOneField');
    let defaultSql: string | undefined;
    let dynamicDefault = false;
    const dbDefault = args.keywords.has('db_default');
    if (dbDefault) {
      defaultSql = sqlLiteral(kw.get('db_default'));
      if (defaultSql === undefined) return 'db_default that is not a literal';
    } else if (args.keywords.has('default')) {
      defaultSql = sqlLiteral(kw.get('default'));
      dynamicDefault = defaultSql === undefined;
      if (dynamicDefault && needDefault) return 'default computed in Python (a callable or expression)';
      if (defaultSql === 'NULL') defaultSql = undefined;
    }
    const check = kind.startsWith('Positive') ? `CHECK (${ident(column)} >= 0)` : undefined;
    const dbIndex = kw.has('db_index') ? kw.get('db_index') === true : relation || kind === 'SlugField';
    return {
      column, type, null: kw.get('null') === true, defaultSql, dbDefault, dynamicDefault, unique, primaryKey, identity: AUTO.has(kind), check,
      index: dbIndex && !unique && !primaryKey, fk,
    };
  }

  /** The column definition of `_iter_column_sql`: type, DEFAULT, NULL/NOT NULL, PRIMARY KEY/UNIQUE, CHECK, identity. */
  columnSql(f: Field, withDefault: boolean): string {
    let sql = `${ident(f.column)} ${f.type}`;
    if ((withDefault || f.dbDefault) && f.defaultSql !== undefined) sql += ` DEFAULT ${f.defaultSql}`;
    sql += f.null ? ' NULL' : ' NOT NULL';
    if (f.primaryKey) sql += ' PRIMARY KEY';
    else if (f.unique) sql += ' UNIQUE';
    if (f.check) sql += ` ${f.check}`;
    if (f.identity) sql += ' GENERATED BY DEFAULT AS IDENTITY';
    return sql;
  }

  /** `_field_indexes_sql` (+ the PostgreSQL `_like` index for varchar/text): deferred to the end. */
  fieldIndexes(table: string, f: Field, call: Node) {
    if (f.index) this.builder(`CREATE INDEX ${ident(djangoIndexName(table, [f.column]))} ON ${ident(table)} (${ident(f.column)})`, call, true);
    if ((f.index || f.unique) && /^(varchar|text)/.test(f.type)) {
      const ops = f.type.startsWith('varchar') ? 'varchar_pattern_ops' : 'text_pattern_ops';
      this.builder(`CREATE INDEX ${ident(djangoIndexName(table, [f.column], '_like'))} ON ${ident(table)} (${ident(f.column)} ${ops})`, call, true);
    }
  }

  fkConstraint(table: string, f: Field): string {
    return djangoIndexName(table, [f.column], `_fk_${f.fk!.table}_${f.fk!.column}`);
  }

  operation(call: Node): void {
    const name = dotted(call.childForFieldName('function'))?.split('.').pop() ?? '?';
    const args = callArgs(call);
    const str = (i: number, key: string) => {
      const v = pyValue(arg(args, i, key), this.text);
      return typeof v === 'string' ? v : undefined;
    };
    if (args.splat) return this.skip(call, `${name} with *args/**kwargs`);
    switch (name) {
      case 'RunSQL':
        this.runSql(arg(args, 0, 'sql'), call, 'up');
        this.runSql(arg(args, 1, 'reverse_sql'), call, 'down');
        return;
      case 'RunPython':
        return this.skip(call, 'RunPython (Python code, not SQL)');
      case 'SeparateDatabaseAndState': {
        const ops = arg(args, 0, 'database_operations');
        for (const op of ops?.namedChildren ?? []) if (op?.type === 'call') this.operation(op);
        return;
      }
      case 'CreateModel':
        return this.createModel(call, args);
      case 'DeleteModel': {
        const model = str(0, 'name');
        if (!model) return this.skip(call, 'DeleteModel with a dynamic name');
        const table = this.table(model);
        this.fields.delete(model.toLowerCase());
        return this.builder(`DROP TABLE ${ident(table)} CASCADE`, call);
      }
      case 'AddField':
        return this.addField(call, args);
      case 'RemoveField': {
        const model = str(0, 'model_name');
        const field = str(1, 'name');
        if (!model || !field) return this.skip(call, 'RemoveField with dynamic names');
        const column = this.column(model, field);
        this.fields.get(model.toLowerCase())?.delete(field);
        return this.builder(`ALTER TABLE ${ident(this.table(model))} DROP COLUMN ${ident(column)} CASCADE`, call);
      }
      case 'RenameField': {
        const [model, from, to] = [str(0, 'model_name'), str(1, 'old_name'), str(2, 'new_name')];
        if (!model || !from || !to) return this.skip(call, 'RenameField with dynamic names');
        const old = this.column(model, from);
        const fields = this.fields.get(model.toLowerCase());
        const f = fields?.get(from);
        // A field with db_column keeps its column; a ForeignKey's column follows its name (`<name>_id`).
        const column = f && f.column !== from && f.column !== `${from}_id` ? f.column : f?.column === `${from}_id` ? `${to}_id` : to;
        if (f && fields) {
          fields.delete(from);
          fields.set(to, { ...f, column });
        }
        if (column === old) return;
        return this.builder(`ALTER TABLE ${ident(this.table(model))} RENAME COLUMN ${ident(old)} TO ${ident(column)}`, call);
      }
      case 'RenameModel': {
        const [from, to] = [str(0, 'old_name'), str(1, 'new_name')];
        if (!from || !to) return this.skip(call, 'RenameModel with dynamic names');
        const [oldTable, custom] = [this.table(from), this.tables.get(from.toLowerCase())];
        const fields = this.fields.get(from.toLowerCase());
        if (fields) {
          this.fields.delete(from.toLowerCase());
          this.fields.set(to.toLowerCase(), fields);
        }
        // A model with its own db_table keeps its table.
        if (custom) {
          this.tables.set(to.toLowerCase(), custom);
          return;
        }
        const newTable = this.table(to);
        this.builder(`ALTER TABLE ${ident(oldTable)} RENAME TO ${ident(newTable)}`, call);
        this.repointForeignKeys(oldTable, newTable, to.toLowerCase(), call);
        return;
      }
      case 'AlterField':
        return this.alterField(call, args);
      case 'AddIndex':
      case 'AddIndexConcurrently':
        return this.addIndex(call, args, name === 'AddIndexConcurrently');
      case 'RemoveIndex':
      case 'RemoveIndexConcurrently': {
        const index = str(1, 'name');
        if (!index) return this.skip(call, `${name} with a dynamic name`);
        const conc = name === 'RemoveIndexConcurrently';
        return this.builder(`DROP INDEX ${conc ? 'CONCURRENTLY ' : ''}IF EXISTS ${ident(index)}`, call, false, this.opData(call, conc ? undefined : 'RemoveIndexConcurrently'));
      }
      case 'AddConstraint':
        return this.addConstraint(call, args);
      case 'RemoveConstraint': {
        const [model, cname] = [str(0, 'model_name'), str(1, 'name')];
        if (!model || !cname) return this.skip(call, 'RemoveConstraint with dynamic names');
        return this.builder(`ALTER TABLE ${ident(this.table(model))} DROP CONSTRAINT ${ident(cname)}`, call);
      }
      case 'AlterUniqueTogether': {
        const model = str(0, 'name');
        const sets = pyValue(arg(args, 1, 'unique_together'), this.text);
        if (!model || !Array.isArray(sets)) return this.skip(call, 'AlterUniqueTogether with dynamic values');
        // A flat tuple ('a', 'b') is one set (Django's normalize_together).
        const groups = sets.every((s) => typeof s === 'string') ? [sets] : sets;
        const table = this.table(model);
        for (const g of groups) {
          if (!Array.isArray(g) || !g.every((c) => typeof c === 'string')) return this.skip(call, 'AlterUniqueTogether with dynamic values');
          const cols = (g as string[]).map((c) => this.column(model, c));
          this.builder(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(djangoIndexName(table, cols, '_uniq'))} UNIQUE (${cols.map(ident).join(', ')})`, call);
        }
        if (groups.length === 0) this.skip(call, 'AlterUniqueTogether removing earlier sets (names not known)');
        return;
      }
      default:
        if (STATE_ONLY.has(name)) return; // changes Django's model state only, no SQL
        return this.skip(call, `${name} (not translated)`);
    }
  }

  /** Where `migrations.AddIndex` is spelled, so a fix can rename the operation. */
  opData(call: Node, concurrentOp: string | undefined): Record<string, unknown> | undefined {
    const fn = call.childForFieldName('function');
    return concurrentOp && fn ? { callee: spanOfNode(fn), concurrentOp } : undefined;
  }

  runSql(node: Node | undefined, call: Node, section: 'up' | 'down') {
    if (!node) return section === 'up' ? this.skip(call, 'RunSQL without SQL') : undefined;
    if (dotted(node) === 'migrations.RunSQL.noop' || dotted(node) === 'RunSQL.noop') return;
    const items = node.type === 'list' || node.type === 'tuple' ? node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment') : [node];
    for (const item of items) {
      if (item.type === 'tuple' || item.type === 'list') {
        this.skip(item, 'RunSQL with query parameters', section);
        continue;
      }
      const s = pyString(item, this.text);
      if (!s) {
        this.skip(item, 'SQL in a variable or built by code', section);
        continue;
      }
      if ('reason' in s) {
        this.skip(item, s.reason, section);
        continue;
      }
      if (section === 'down') continue; // read, not reported (only the forward migration is linted)
      this.statements.push({ sql: s.value, range: spanOfNode(item), origin: 'literal', runs: s.runs, call: spanOfNode(call), section });
    }
  }

  createModel(call: Node, args: PyArgs) {
    const model = pyValue(arg(args, 0, 'name'), this.text);
    const fields = arg(args, 1, 'fields');
    if (typeof model !== 'string' || !fields || (fields.type !== 'list' && fields.type !== 'tuple')) return this.skip(call, 'CreateModel with dynamic arguments');
    const options = dictEntries(arg(args, 2, 'options'));
    const dbTable = pyValue(options.get('db_table'), this.text);
    if (typeof dbTable === 'string') this.tables.set(model.toLowerCase(), dbTable);
    const table = this.table(model);
    const cols = new Map<string, Field>();
    this.fields.set(model.toLowerCase(), cols);
    const defs: string[] = [];
    const later: Field[] = [];
    for (const pair of fields.namedChildren) {
      if (!pair || pair.type === 'comment') continue;
      const name = pyValue(pair.namedChild(0), this.text);
      if (pair.type !== 'tuple' || typeof name !== 'string') return this.skip(call, 'CreateModel field that is not a (name, field) tuple');
      if (dotted(pair.namedChild(1)?.childForFieldName('function'))?.endsWith('ManyToManyField')) {
        this.skip(pair, 'ManyToManyField join table (not translated)');
        continue;
      }
      // create_model writes no Python default into the table (column_sql without include_default).
      const f = this.field(name, pair.namedChild(1) ?? undefined, false);
      if (typeof f === 'string') return this.skip(call, f);
      cols.set(name, f);
      defs.push(this.columnSql(f, false));
      later.push(f);
    }
    this.builder(`CREATE TABLE ${ident(table)} (${defs.join(', ')})`, call);
    for (const f of later) if (f.fk) this.builder(this.fkSql(table, f), call, true);
    for (const f of later) this.fieldIndexes(table, f, call);
  }

  /**
   * RenameModel then alters every field pointing at the model (`schema_editor.alter_field`): its
   * foreign key names the old table, so Django drops it and adds one named for the new table
   * (django/db/migrations/operations/models.py `RenameModel.database_forwards`, `_meta.related_objects`).
   */
  repointForeignKeys(oldTable: string, newTable: string, renamed: string, call: Node) {
    for (const [model, fields] of this.fields) {
      const table = this.table(model);
      for (const [name, f] of fields) {
        // A hidden relation (`related_name='+'`) is not among the model's related objects: Django leaves it alone.
        if (f.fk?.table !== oldTable || f.fk.hidden) continue;
        // The existing constraint was named when the model's table still had its old name.
        const oldName = ident(this.fkConstraint(model === renamed ? oldTable : table, f));
        const moved = { ...f, fk: { ...f.fk, table: newTable } };
        fields.set(name, moved);
        this.builder(`SET CONSTRAINTS ${oldName} IMMEDIATE; ALTER TABLE ${ident(table)} DROP CONSTRAINT ${oldName}`, call);
        this.builder(this.fkSql(table, moved), call);
      }
    }
  }

  fkSql(table: string, f: Field): string {
    return `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(this.fkConstraint(table, f))} FOREIGN KEY (${ident(f.column)}) REFERENCES ${ident(f.fk!.table)} (${ident(f.fk!.column)}) DEFERRABLE INITIALLY DEFERRED`;
  }

  addField(call: Node, args: PyArgs) {
    const model = pyValue(arg(args, 0, 'model_name'), this.text);
    const name = pyValue(arg(args, 1, 'name'), this.text);
    if (typeof model !== 'string' || typeof name !== 'string') return this.skip(call, 'AddField with dynamic names');
    const f = this.field(name, arg(args, 2, 'field'));
    if (typeof f === 'string') return this.skip(call, f);
    const table = this.table(model);
    this.fields.get(model.toLowerCase())?.set(name, f);
    let def = this.columnSql(f, true);
    // PostgreSQL adds the foreign key inline (sql_create_column_inline_fk).
    if (f.fk) def += ` CONSTRAINT ${ident(this.fkConstraint(table, f))} REFERENCES ${ident(f.fk.table)}(${ident(f.fk.column)}) DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS ${ident(this.fkConstraint(table, f))} IMMEDIATE`;
    this.builder(`ALTER TABLE ${ident(table)} ADD COLUMN ${def}`, call);
    // Django keeps no database default (except db_default): it drops the one it used to fill the rows.
    if (f.defaultSql !== undefined && !f.dbDefault) {
      this.builder(`ALTER TABLE ${ident(table)} ALTER COLUMN ${ident(f.column)} DROP DEFAULT`, call);
    }
    this.fieldIndexes(table, f, call);
  }

  /**
   * `_alter_field` of the base schema editor: only what differs from the field's previous state
   * (the app's earlier migrations) is sent: column rename, type, NULL (with the 4-step default dance
   * when a default fills the NULLs), UNIQUE, db_index. Django sends no DEFAULT change (except db_default).
   */
  alterField(call: Node, args: PyArgs) {
    const model = pyValue(arg(args, 0, 'model_name'), this.text);
    const name = pyValue(arg(args, 1, 'name'), this.text);
    if (typeof model !== 'string' || typeof name !== 'string') return this.skip(call, 'AlterField with dynamic names');
    const fields = this.fields.get(model.toLowerCase());
    const old = fields?.get(name);
    if (!fields || !old) return this.skip(call, "AlterField on a field whose previous state is not in this app's earlier migrations");
    const f = this.field(name, arg(args, 2, 'field'), false);
    if (typeof f === 'string') return this.skip(call, f);
    if (old.null && !f.null && f.dynamicDefault) {
      fields.set(name, f);
      return this.skip(call, 'AlterField to NOT NULL filling rows with a default computed in Python');
    }
    fields.set(name, f);
    const t = ident(this.table(model));
    const table = this.table(model);
    const c = ident(f.column);
    if (old.unique && !f.unique) this.builder(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(djangoIndexName(table, [old.column], '_uniq'))}`, call);
    if (old.index && !f.index) this.builder(`DROP INDEX IF EXISTS ${ident(djangoIndexName(table, [old.column]))}`, call);
    // A Positive*Field's CHECK goes when the check changes (before the rename and the type change, as _alter_field orders them).
    if (old.check && old.check.replace(ident(old.column), c) !== f.check) this.builder(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(old.checkName ?? `${table}_${old.column}_check`)}`, call);
    if (old.column !== f.column) this.builder(`ALTER TABLE ${t} RENAME COLUMN ${ident(old.column)} TO ${ident(f.column)}`, call);
    // `USING col::type` only when Django's data type (its `data_types` template, e.g. `varchar(%(max_length)s)`) changes.
    if (old.type !== f.type) this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${f.type}${dataTypeTemplate(old.type) !== dataTypeTemplate(f.type) ? ` USING ${c}::${f.type}` : ''}`, call);
    if (old.null && !f.null && f.defaultSql !== undefined) {
      this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${f.defaultSql}`, call);
      this.builder(`UPDATE ${t} SET ${c} = ${f.defaultSql} WHERE ${c} IS NULL`, call);
      this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`, call);
      this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`, call);
    } else if (old.null !== f.null) this.builder(`ALTER TABLE ${t} ALTER COLUMN ${c} ${f.null ? 'DROP' : 'SET'} NOT NULL`, call);
    if (!old.unique && f.unique) this.builder(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(djangoIndexName(table, [f.column], '_uniq'))} UNIQUE (${c})`, call);
    if (!old.index && f.index) this.builder(`CREATE INDEX ${ident(djangoIndexName(table, [f.column]))} ON ${t} (${c})`, call);
    if (f.check && old.check?.replace(ident(old.column), c) !== f.check) {
      // Added after the fact: Django names it (`_create_index_name(…, suffix='_check')`).
      const checkName = djangoIndexName(table, [f.column], '_check');
      fields.set(name, { ...f, checkName });
      this.builder(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(checkName)} ${f.check}`, call);
    } else if (f.check) fields.set(name, { ...f, checkName: old.checkName ?? `${table}_${old.column}_check` });
  }

  addIndex(call: Node, args: PyArgs, concurrently: boolean) {
    const model = pyValue(arg(args, 0, 'model_name'), this.text);
    const index = arg(args, 1, 'index');
    if (typeof model !== 'string' || index?.type !== 'call') return this.skip(call, 'AddIndex with dynamic arguments');
    const kind = dotted(index.childForFieldName('function'))?.split('.').pop();
    const ia = callArgs(index);
    const fields = pyValue(ia.keywords.get('fields'), this.text);
    const name = pyValue(ia.keywords.get('name'), this.text);
    if (kind !== 'Index') return this.skip(call, `${kind ?? 'index'} (not translated)`);
    for (const k of ia.keywords.keys()) if (!['fields', 'name', 'db_tablespace'].includes(k)) return this.skip(call, `Index with ${k} (not translated)`);
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string') || typeof name !== 'string') return this.skip(call, 'Index without literal fields and name');
    const cols = (fields as string[]).map((f) => (f.startsWith('-') ? `${ident(this.column(model, f.slice(1)))} DESC` : ident(this.column(model, f))));
    const sql = `CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${ident(this.table(model))} (${cols.join(', ')})`;
    this.builder(sql, call, false, this.opData(call, concurrently ? undefined : 'AddIndexConcurrently'));
  }

  addConstraint(call: Node, args: PyArgs) {
    const model = pyValue(arg(args, 0, 'model_name'), this.text);
    const c = arg(args, 1, 'constraint');
    if (typeof model !== 'string' || c?.type !== 'call') return this.skip(call, 'AddConstraint with dynamic arguments');
    const kind = dotted(c.childForFieldName('function'))?.split('.').pop();
    const ca = callArgs(c);
    const fields = pyValue(ca.keywords.get('fields'), this.text);
    const name = pyValue(ca.keywords.get('name'), this.text);
    if (kind !== 'UniqueConstraint') return this.skip(call, `${kind ?? 'constraint'} (not translated)`);
    for (const k of ca.keywords.keys()) if (!['fields', 'name'].includes(k)) return this.skip(call, `UniqueConstraint with ${k} (not translated)`);
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string') || typeof name !== 'string') return this.skip(call, 'UniqueConstraint without literal fields and name');
    const cols = (fields as string[]).map((f) => ident(this.column(model, f)));
    this.builder(`ALTER TABLE ${ident(this.table(model))} ADD CONSTRAINT ${ident(name)} UNIQUE (${cols.join(', ')})`, call);
  }
}

/** The `class Migration(migrations.Migration)` definition. */
function migrationClass(root: Node): Node | undefined {
  for (const n of root.namedChildren) {
    const cls = n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
    if (cls?.type !== 'class_definition' || cls.childForFieldName('name')?.text !== 'Migration') continue;
    const bases = cls.childForFieldName('superclasses')?.namedChildren.map((b) => dotted(b)) ?? [];
    if (bases.some((b) => b === 'migrations.Migration' || b === 'Migration')) return cls;
  }
  return undefined;
}

/** `name = value` assignments directly in the class body. */
function classAssignment(cls: Node, name: string): Node | undefined {
  for (const st of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = st?.type === 'expression_statement' ? st.namedChild(0) : undefined;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) return a;
  }
  return undefined;
}

/** The app label: the folder that holds `migrations/`. */
function appLabel(path: string | undefined): string {
  if (!path) return 'app';
  const dir = dirname(path);
  return basename(dir) === 'migrations' ? basename(dirname(dir)).toLowerCase() : 'app';
}

function cloneState(s: ModelState): ModelState {
  return { fields: new Map([...s.fields].map(([m, f]) => [m, new Map(f)])), tables: new Map(s.tables) };
}

/** Read one migration into `state` (its statements are dropped). */
function replayInto(state: ModelState, text: string, app: string): void {
  const parser = parserFor('python');
  const tree = parser?.parse(text);
  try {
    const cls = tree ? migrationClass(tree.rootNode) : undefined;
    const ops = cls ? classAssignment(cls, 'operations')?.childForFieldName('right') : undefined;
    const reader = new DjangoReader(text, app, state);
    for (const op of ops?.namedChildren ?? []) if (op?.type === 'call') reader.operation(op);
  } catch {
    // A migration that cannot be read leaves the state as it was.
  } finally {
    tree?.delete();
    parser?.delete();
  }
}

/** The state after each earlier migration of the folder, memoised by file name, size and mtime. */
const stateMemo = new Map<string, ModelState>();

/** The model state left by the app's migrations that sort before `path` (Django's numbered names). */
function earlierState(path: string | undefined, app: string): ModelState {
  let state: ModelState = { fields: new Map(), tables: new Map() };
  if (!path) return state;
  const dir = dirname(path);
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => /^\d{4}_\w*\.py$/.test(e) && naturalCompare(e, basename(path)) < 0).sort(naturalCompare);
  } catch {
    return state;
  }
  let key = '';
  for (const e of entries) {
    const file = join(dir, e);
    try {
      const st = statSync(file);
      key += `|${e}:${st.size}:${st.mtimeMs}`;
      const memo = stateMemo.get(`${dir}${key}`);
      if (memo) {
        state = memo;
        continue;
      }
      state = cloneState(state);
      replayInto(state, readFileSync(file, 'utf8'), app);
      stateMemo.set(`${dir}${key}`, state);
    } catch {
      continue;
    }
  }
  if (stateMemo.size > 5000) stateMemo.clear();
  return cloneState(state);
}

function extract(text: string, path?: string): Extraction {
  const empty = (reason: string): Extraction => ({
    framework: 'django', statements: [], notAnalysed: [{ range: { start: 0, end: Math.min(text.length, 1) }, reason, section: 'up' }], transaction: WRAPPED,
  });
  const parser = parserFor('python');
  if (!parser) return empty(`the Python parser is not loaded${grammarFailure('python') ? ` (${grammarFailure('python')})` : ''}`);
  const tree = parser.parse(text);
  try {
    if (!tree) return empty('the Python parser failed');
    const cls = migrationClass(tree.rootNode);
    if (!cls) return empty('no class Migration(migrations.Migration)');
    const app = appLabel(path);
    const reader = new DjangoReader(text, app, earlierState(path, app));
    const ops = classAssignment(cls, 'operations')?.childForFieldName('right');
    if (ops && (ops.type === 'list' || ops.type === 'tuple')) {
      for (const op of ops.namedChildren) {
        if (!op || op.type === 'comment') continue;
        if (op.type === 'call') reader.operation(op);
        else reader.skip(op, 'operation that is not a call');
      }
    } else if (ops) reader.skip(ops, 'operations that are not a literal list');
    const atomic = classAssignment(cls, 'atomic');
    const value = atomic?.childForFieldName('right')?.type;
    const transaction: TransactionModel =
      value === 'false' ? { wrapped: false, because: '`atomic = False`', decidedAt: spanOfNode(atomic!) } : value === 'true' ? { ...WRAPPED, decidedAt: spanOfNode(atomic!) } : WRAPPED;
    return { framework: 'django', statements: [...reader.statements, ...reader.deferred], notAnalysed: reader.notAnalysed.sort((a, b) => a.range.start - b.range.start), transaction };
  } catch (e) {
    return empty(`internal error reading the migration (${(e as Error).message})`);
  } finally {
    tree?.delete();
    parser.delete();
  }
}

function withTree<T>(text: string, f: (cls: Node) => T): T | undefined {
  const parser = parserFor('python');
  const tree = parser?.parse(text);
  try {
    const cls = tree ? migrationClass(tree.rootNode) : undefined;
    return cls ? f(cls) : undefined;
  } finally {
    tree?.delete();
    parser?.delete();
  }
}

const POSTGRES_OPS = 'django.contrib.postgres.operations';

/** An import of `op` from django.contrib.postgres.operations, unless the file has one. */
function importEdit(text: string, op: string): TextEdit[] {
  const existing = new RegExp(`^from ${POSTGRES_OPS.replace(/\./g, '\\.')} import ([^\\n]*)$`, 'm').exec(text);
  if (existing) {
    if (new RegExp(`\\b${op}\\b`).test(existing[1])) return [];
    const at = existing.index + existing[0].length;
    return [{ start: at, end: at, newText: `, ${op}` }];
  }
  const imports = [...text.matchAll(/^(from \S+ import [^\n(]*(\([^)]*\))?|import [^\n]*)$/gm)];
  const last = imports.at(-1);
  const at = last ? last.index! + last[0].length : 0;
  return [{ start: at, end: at, newText: `${last ? '\n' : ''}from ${POSTGRES_OPS} import ${op}${last ? '' : '\n'}` }];
}

export const django: FrameworkExtractor = {
  id: 'django',
  label: 'Django',
  extensions: ['.py'],
  detect: (_path, text) => /\bclass\s+Migration\s*\(\s*(migrations\.)?Migration\s*\)/.test(text),
  extract,
  idioms: {
    optOutWords: 'set `atomic = False` on the Migration class',
    optOutOfTransaction(text) {
      return withTree(text, (cls): TextEdit[] | undefined => {
        const atomic = classAssignment(cls, 'atomic');
        const right = atomic?.childForFieldName('right');
        if (right) return right.type === 'true' ? [{ start: right.startIndex, end: right.endIndex, newText: 'False' }] : undefined;
        const first = cls.childForFieldName('body')?.namedChild(0);
        if (!first) return undefined;
        const indent = indentAt(text, first.startIndex);
        return [{ start: first.startIndex, end: first.startIndex, newText: `atomic = False\n\n${indent}` }];
      });
    },
    concurrently(text, stmt) {
      if (stmt.origin === 'literal') return concurrentlyInLiteral(stmt);
      const data = stmt.data as { callee?: { start: number; end: number }; concurrentOp?: string } | undefined;
      if (!data?.callee || !data.concurrentOp) return undefined;
      return [...importEdit(text, data.concurrentOp), { start: data.callee.start, end: data.callee.end, newText: data.concurrentOp }];
    },
    newMigrationName(slug, _now, siblings) {
      const last = Math.max(0, ...siblings.map((s) => Number(/^(\d{4})_/.exec(basename(s))?.[1] ?? 0)));
      return `${String(last + 1).padStart(4, '0')}_${slug.replace(/-/g, '_')}.py`;
    },
    writeMigrations: (migrations, options) => writeDjangoMigrations(migrations, options),
  },
};
