/**
 * A small schema catalog rebuilt by replaying DDL (a migration's earlier statements, earlier
 * migrations, or a test's setup script). The lock model reads it to name the indexes a rewrite
 * rebuilds, the table a constraint lives on, a column's current type, and so on.
 * It is best-effort: anything it has not seen is simply unknown.
 */
import { ForkableMap } from './forkableMap';
import { AstNode, as, baseName, calledFunctions, inner, kindOf, list, names, rangeVarName, typeInfo, TypeInfo, walk } from '../parse/ast';

/** The table of `OWNED BY t.c` in CREATE/ALTER SEQUENCE options: null for `OWNED BY NONE`, undefined when not said. */
export function sequenceOwner(options: unknown): string | null | undefined {
  const ownedBy = list(options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'owned_by');
  if (!ownedBy) return undefined;
  const parts = names(ownedBy.arg?.List?.items ?? ownedBy.arg);
  return parts.slice(0, -1).pop() ?? null;
}

/** The column of `OWNED BY t.c`, when said. */
function sequenceOwnerColumn(options: unknown): string | undefined {
  const ownedBy = list(options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'owned_by');
  const parts = names(ownedBy?.arg?.List?.items ?? ownedBy?.arg);
  return parts.length > 1 ? parts[parts.length - 1] : undefined;
}

/** The unqualified name of a routine as DROP FUNCTION names it (`f`, `s.f(int)`). */
export function routineName(obj: AstNode): string {
  return names(obj?.ObjectWithArgs?.objname ?? []).pop() ?? '';
}

/** The source text of a DO block's or a routine's body (`AS '…'`); undefined when there is none to read. */
export function routineBody(options: unknown): string | undefined {
  const as_ = list(options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'as');
  if (!as_) return undefined;
  const strings = as_.arg?.List ? list(as_.arg.List.items) : [as_.arg];
  return strings.map((x) => x?.String?.sval ?? '').join('\n');
}

export type FunctionVolatility = 'immutable' | 'stable' | 'volatile';

export type RelationKind = 'table' | 'partitioned' | 'index' | 'view' | 'matview' | 'sequence';

/** Never changed once in a relation's columns map (catalogs share the records): replaced instead. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: TypeInfo;
  readonly notNull: boolean;
}

/** PostgreSQL's trigger event bits (CreateTrigStmt.events). */
export const TRIGGER_EVENTS = { INSERT: 4, DELETE: 8, UPDATE: 16, TRUNCATE: 32 } as const;

export type ForeignKeyAction = 'a' | 'r' | 'c' | 'n' | 'd';

export interface ConstraintInfo {
  name: string;
  table: string;
  kind: 'check' | 'foreign' | 'unique' | 'primary' | 'exclude';
  validated: boolean;
  /** Constrained columns (for FOREIGN KEY: the referencing columns). */
  columns?: string[];
  /** For FOREIGN KEY: the referenced table and columns. */
  references?: string;
  referencedColumns?: string[];
  /**
   * For FOREIGN KEY: what deleting (updating the key of) a referenced row does to the referencing
   * rows; `a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default (PostgreSQL's codes).
   */
  onDelete?: ForeignKeyAction;
  onUpdate?: ForeignKeyAction;
  /** For CHECK: the expression, to test whether it implies a partition bound. */
  expr?: AstNode;
  /** For CHECK: the columns the expression proves NOT NULL (`col IS NOT NULL`). */
  provesNotNull?: string[];
}

export interface RelationInfo {
  name: string;
  kind: RelationKind;
  /** For an index: the table (or matview) it belongs to. For a sequence: its owning table, if any. */
  table?: string;
  columns: Map<string, ColumnInfo>;
  /** For a partition: its parent. */
  partitionOf?: string;
  /** The parent's DEFAULT partition (rows no other partition takes). */
  defaultPartition?: boolean;
  /** For views and materialized views: the relations their query reads. */
  dependsOn?: string[];
  /** For an index: its key columns (`expr` for expressions). */
  indexColumns?: string[];
  /** For an index: built with a WHERE clause, so it holds only some rows. */
  partial?: boolean;
  /** For an index: the columns its key expressions and WHERE clause name (`lower(email)` → email). */
  exprColumns?: string[];
  /** REPLICA IDENTITY when set by ALTER TABLE (unset: DEFAULT, the primary key). */
  replicaIdentity?: { kind: 'default' | 'nothing' | 'full' | 'index'; index?: string };
  /** For a partitioned table: its partition key columns. */
  partitionKey?: string[];
  /** The schema named when it was created (`reporting.daily_totals`); unknown when unqualified. */
  schema?: string;
  /**
   * For a sequence a column owns (serial, identity, `OWNED BY t.c`): that column. The sequence keeps
   * its name when the table or column is renamed (`a_id_seq` stays after `RENAME TO b`).
   */
  column?: string;
  /** `Catalog.opaqueRuns` when it was created: code run since then may have added triggers the catalog did not see. */
  opaqueRunsAtCreation?: number;
}

/** Objects that live on a table and are dropped with `DROP <kind> [IF EXISTS] name ON table`. */
export type TableObjectKind = 'trigger' | 'policy' | 'rule';

const TABLE_OBJECT_KINDS: Record<string, TableObjectKind> = { OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy', OBJECT_RULE: 'rule' };

/** The kind of table object a DROP/RENAME `objtype` names, if it is one. */
export function tableObjectKind(objectType: unknown): TableObjectKind | undefined {
  return TABLE_OBJECT_KINDS[String(objectType ?? '')];
}

/** Relation kinds a DROP removes from the catalog (other DROPs name triggers, types, functions…). */
const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_INDEX', 'OBJECT_FOREIGN_TABLE']);

/** A routine or DO body that changes the schema: dynamic SQL, or DDL written out. */
const RUNS_DDL = /\bEXECUTE\s+(?!(PROCEDURE|FUNCTION)\b)|\b(CREATE|ALTER|DROP|TRUNCATE)\s+(TABLE|INDEX|UNIQUE|SEQUENCE|VIEW|MATERIALIZED|TYPE|SCHEMA|TRIGGER)\b|\bLOCK\s+TABLE\b/i;
/**
 * Code whose effect on the schema the catalog cannot see may create triggers, policies or rules:
 * a body that says so, or runs dynamic SQL.
 */
const CREATES_TABLE_OBJECTS = /\bCREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?(TRIGGER|POLICY|RULE)\b|\bEXECUTE\b/i;

/**
 * A map of sets, for the catalog's lookups by owner (linear scans made linting quadratic).
 * A copy forks the map and shares the sets until one side changes them, so copying a catalog per
 * migration file costs nothing for the owners the file does not touch.
 */
const NO_VALUES: ReadonlySet<string> = new Set();

class Links {
  private map: ForkableMap<string, Set<string>>;
  /** The sets this copy may change in place; the others are shared with a copy. Made on the first change. */
  private owned: WeakSet<object> | undefined;

  constructor(map = new ForkableMap<string, Set<string>>()) {
    this.map = map;
  }

  add(key: string | undefined, value: string): void {
    if (key === undefined) return;
    const set = this.map.get(key);
    if (set?.has(value)) return;
    this.writableSet(key, set).add(value);
  }

  remove(key: string | undefined, value: string): void {
    if (key === undefined) return;
    const set = this.map.get(key);
    if (set?.has(value)) this.writableSet(key, set).delete(value);
  }

  get(key: string): string[] {
    return [...(this.map.get(key) ?? [])];
  }

  /** The values without a copy: not to be changed through, nor iterated while this key's set changes. */
  peek(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? NO_VALUES;
  }

  /** Every key with its values. */
  entries(): Array<[string, string[]]> {
    return [...this.map].map(([k, v]) => [k, [...v]]);
  }
  clear(key: string): void {
    this.map.delete(key);
  }

  copy(): Links {
    // Neither side owns a set any more: the first change on either side copies the set it changes.
    this.owned = undefined;
    return new Links(this.map.fork());
  }

  private writableSet(key: string, set: Set<string> | undefined): Set<string> {
    if (set && this.owned?.has(set)) return set;
    const mine = new Set(set);
    (this.owned ??= new WeakSet()).add(mine);
    this.map.set(key, mine);
    return mine;
  }
}

/** A logical-replication publication, as far as it decides whether a table needs a replica identity. */
export interface PublicationInfo {
  allTables: boolean;
  tables: Set<string>;
  /** `FOR TABLES IN SCHEMA` (PostgreSQL 15+). */
  schemas: Set<string>;
  /** Publishes UPDATE or DELETE (the default `publish`): those then need a replica identity. */
  updatesOrDeletes: boolean;
}

/**
 * The relation names looked up while `recordRelationReads` runs (what the document's per-relation
 * versions compare, document/readVersions.ts); `all` once something walked every relation.
 */
let recording: { names: Set<string>; all: boolean } | undefined;

/** `compute()`, and the relation names any catalog looked up meanwhile (undefined: it walked them all). */
export function recordRelationReads<T>(compute: () => T): { value: T; reads: string[] | undefined } {
  const outer = recording;
  const mine = (recording = { names: new Set<string>(), all: false });
  try {
    const value = compute();
    return { value, reads: mine.all ? undefined : [...mine.names] };
  } finally {
    recording = outer;
    // A recording inside another: the outer one read the same.
    if (outer) {
      outer.all ||= mine.all;
      for (const n of mine.names) outer.names.add(n);
    }
  }
}

/** Catalogs made so far, clones included (tests: a lint makes one per file, its clone of the schema before). */
export const catalogCounts = { built: 0 };

/**
 * Copy-on-write: `clone()` forks the relation and constraint maps (ForkableMap: O(1)) and shares
 * every record and small map with the original; each side copies a record or small map the first
 * time it changes it. Every change therefore goes through the methods below (`editRelation`,
 * `editConstraint`, …), never through an object a lookup returned.
 */
export class Catalog {
  private rels: ForkableMap<string, RelationInfo>;
  private cons: ForkableMap<string, ConstraintInfo>;
  private typeMap: Map<string, 'enum' | 'domain' | 'composite'>;
  private functionMap: Map<string, FunctionVolatility>;
  private publicationMap: Map<string, PublicationInfo>;
  /** Owner table → its indexes, owned sequences and partitions. */
  private children: Links;
  private constraintsByTable: Links;
  private foreignKeysByReferenced: Links;
  private dependents: Links;
  /** Table → its triggers, policies and rules, as `kind:name`. */
  private tableObjects: Links;
  /**
   * Table → `trigger\0function\0events` for each trigger created on it: the function lower-cased
   * (DROP FUNCTION … CASCADE drops the trigger), the events as PostgreSQL's bits (TRIGGER_EVENTS).
   */
  private triggerCalls: Links;
  /** The source text of user routines' bodies (lower-cased name), when written out. */
  private routineBodies: ForkableMap<string, string>;
  /** DO blocks and calls of functions whose bodies may create triggers, policies or rules, run so far. */
  private opaqueRuns: number;
  /** User functions and procedures whose bodies may create triggers, policies or rules (lower-cased). */
  private objectCreatingRoutines: Set<string>;
  /** User functions whose bodies run DDL or dynamic SQL (lower-cased): calling one changes the schema unseen. */
  private ddlRoutines: Set<string>;
  /** Calls of those routines, and DO blocks running DDL, so far: objects they made are not in this catalog. */
  private unseenDdlRuns: number;
  /**
   * The maps and records this catalog may change in place (created by it, or copied on a change).
   * Made on the first change after a clone: a clone per migration file must cost next to nothing.
   */
  private owned: WeakSet<object> | undefined;

  /** An empty schema; `source` is internal to `clone()`: a copy of it sharing everything copy-on-write. */
  constructor(source?: Catalog) {
    catalogCounts.built++;
    if (source) {
      this.rels = source.rels.fork();
      this.cons = source.cons.fork();
      this.typeMap = source.typeMap;
      this.functionMap = source.functionMap;
      this.publicationMap = source.publicationMap;
      this.children = source.children.copy();
      this.constraintsByTable = source.constraintsByTable.copy();
      this.foreignKeysByReferenced = source.foreignKeysByReferenced.copy();
      this.dependents = source.dependents.copy();
      this.tableObjects = source.tableObjects.copy();
      this.triggerCalls = source.triggerCalls.copy();
      this.routineBodies = source.routineBodies.fork();
      this.opaqueRuns = source.opaqueRuns;
      this.objectCreatingRoutines = source.objectCreatingRoutines;
      this.ddlRoutines = source.ddlRoutines;
      this.unseenDdlRuns = source.unseenDdlRuns;
      // Neither side owns what they now share: the first change on either side copies it.
      this.owned = undefined;
      source.owned = undefined;
      return;
    }
    this.rels = new ForkableMap();
    this.cons = new ForkableMap();
    this.typeMap = new Map();
    this.functionMap = new Map();
    this.publicationMap = new Map();
    this.children = new Links();
    this.constraintsByTable = new Links();
    this.foreignKeysByReferenced = new Links();
    this.dependents = new Links();
    this.tableObjects = new Links();
    this.triggerCalls = new Links();
    this.routineBodies = new ForkableMap();
    this.opaqueRuns = 0;
    this.objectCreatingRoutines = new Set();
    this.ddlRoutines = new Set();
    this.unseenDdlRuns = 0;
    this.owned = new WeakSet<object>([this.typeMap, this.functionMap, this.publicationMap, this.objectCreatingRoutines, this.ddlRoutines]);
  }

  /** Every read of a relation record goes through here (so `recordRelationReads` sees it). */
  private lookup(key: string): RelationInfo | undefined {
    if (recording) recording.names.add(key);
    return this.rels.get(key);
  }

  /** Every walk over all relation records goes through here. */
  private everyRelation(): IterableIterator<RelationInfo> {
    if (recording) recording.all = true;
    return this.rels.values();
  }

  private owns(value: object): boolean {
    return this.owned?.has(value) ?? false;
  }

  private own<T extends object>(value: T): T {
    (this.owned ??= new WeakSet()).add(value);
    return value;
  }

  get types(): ReadonlyMap<string, 'enum' | 'domain' | 'composite'> {
    return this.typeMap;
  }

  /** User functions by unqualified name, with the volatility CREATE FUNCTION declared (VOLATILE when unsaid). */
  get functions(): ReadonlyMap<string, FunctionVolatility> {
    return this.functionMap;
  }

  get publications(): ReadonlyMap<string, PublicationInfo> {
    return this.publicationMap;
  }

  relation(name: string): RelationInfo | undefined {
    return this.lookup(baseName(name));
  }

  /**
   * Whether a relation of this name is known in the schema a RangeVar names (unqualified: one
   * created unqualified). `CREATE TABLE IF NOT EXISTS` over it is skipped; a different or unknown
   * schema is not assumed to match.
   */
  relationExists(rangeVar: AstNode | undefined): boolean {
    const r = rangeVar?.RangeVar ?? rangeVar;
    const rel = this.relation(rangeVarName(r));
    return !!rel && (rel.schema ?? undefined) === (r?.schemaname ?? undefined);
  }

  constraint(name: string): ConstraintInfo | undefined {
    return this.cons.get(name);
  }

  /** Indexes (and so index-backed constraints) of a table, sorted for stable output. */
  indexesOf(table: string): string[] {
    return this.childrenOf(table, (r) => r.kind === 'index');
  }

  sequencesOf(table: string): string[] {
    return this.childrenOf(table, (r) => r.kind === 'sequence');
  }

  partitionsOf(table: string): string[] {
    const t = baseName(table);
    return this.childrenOf(table, (r) => r.partitionOf === t);
  }

  /** Foreign keys on other tables that point at `table`. */
  referencesTo(table: string): ConstraintInfo[] {
    const t = baseName(table);
    return this.foreignKeysByReferenced.get(t).map((n) => this.cons.get(n)!).filter((c) => c.table !== t);
  }

  /** Views and materialized views that read `table`. */
  dependentsOf(table: string): RelationInfo[] {
    return this.dependents.get(baseName(table)).map((n) => this.lookup(n)).filter((r): r is RelationInfo => !!r);
  }

  /**
   * Indexes of `table` that depend on `column`: as a key, or inside a key expression or the WHERE
   * clause. DROP COLUMN drops them; ALTER COLUMN TYPE builds them again.
   */
  indexesOnColumn(table: string, column: string): string[] {
    return this.childrenOf(table, (r) => r.kind === 'index' && !!(r.indexColumns?.includes(column) || r.exprColumns?.includes(column)));
  }

  /** Is `column` the leading column of some index of `table` (so an equality lookup need not scan)? */
  hasIndexLeadingWith(table: string, column: string): boolean {
    return this.childrenOf(table, (r) => r.kind === 'index' && r.indexColumns?.[0] === column).length > 0;
  }

  constraintsOf(table: string): ConstraintInfo[] {
    return this.constraintsByTable.get(baseName(table)).map((n) => this.cons.get(n)!);
  }

  column(table: string, column: string): ColumnInfo | undefined {
    return this.relation(table)?.columns.get(column);
  }

  /** An independent copy: later changes to either do not show in the other. Constant time (copy-on-write). */
  clone(): Catalog {
    return new Catalog(this);
  }

  /** `map` itself when this catalog owns it, else a copy that it then owns. */
  private writable<T extends object>(value: T, copy: (v: T) => T): T {
    return this.owns(value) ? value : this.own(copy(value));
  }

  /** A relation this catalog may change in place (its columns too), or undefined when unknown. */
  editRelation(name: string): RelationInfo | undefined {
    const key = baseName(name);
    const rel = this.lookup(key);
    if (!rel || this.owns(rel)) return rel;
    const mine: RelationInfo = { ...rel, columns: copyColumns(rel.columns) };
    this.own(mine);
    this.rels.set(key, mine);
    return mine;
  }

  /**
   * Give relation `name` the columns it has in `from` (a copy); false when it exists in only one of
   * the two. For the patch path (document/columnPatch.ts): a schema restored from a checkpoint that
   * differs from the true one only in this relation's columns.
   */
  carryColumns(name: string, from: Catalog): boolean {
    const source = from.rels.get(name);
    if (!this.rels.get(name) !== !source) return false;
    if (source) this.editRelation(name)!.columns = copyColumns(source.columns);
    return true;
  }

  /** A constraint this catalog may change in place. */
  editConstraint(name: string): ConstraintInfo | undefined {
    const con = this.cons.get(name);
    if (!con || this.owns(con)) return con;
    const mine = { ...con };
    this.own(mine);
    this.cons.set(name, mine);
    return mine;
  }

  /** A publication this catalog may change in place. */
  editPublication(name: string): PublicationInfo | undefined {
    const pub = this.publicationMap.get(name);
    if (!pub || this.owns(pub)) return pub;
    const mine = { ...pub, tables: new Set(pub.tables), schemas: new Set(pub.schemas) };
    this.own(mine);
    this.writablePublications().set(name, mine);
    return mine;
  }

  setPublication(name: string, pub: PublicationInfo): void {
    this.own(pub);
    this.writablePublications().set(name, pub);
  }

  deletePublication(name: string): void {
    if (this.publicationMap.has(name)) this.writablePublications().delete(name);
  }

  setType(name: string, kind: 'enum' | 'domain' | 'composite'): void {
    (this.typeMap = this.writable(this.typeMap, (m) => new Map(m))).set(name, kind);
  }

  deleteType(name: string): void {
    if (this.typeMap.has(name)) (this.typeMap = this.writable(this.typeMap, (m) => new Map(m))).delete(name);
  }

  setFunction(name: string, volatility: FunctionVolatility): void {
    (this.functionMap = this.writable(this.functionMap, (m) => new Map(m))).set(name, volatility);
  }

  private writablePublications(): Map<string, PublicationInfo> {
    return (this.publicationMap = this.writable(this.publicationMap, (m) => new Map(m)));
  }

  /** Columns of tables whose type is `type` (a domain or enum name), for statements that check every use of it. */
  columnsOfType(type: string): { table: string; column: string }[] {
    const found: { table: string; column: string }[] = [];
    for (const rel of this.everyRelation()) {
      if (rel.kind !== 'table' && rel.kind !== 'partitioned') continue;
      for (const col of rel.columns.values()) if (col.type.name === type) found.push({ table: rel.name, column: col.name });
    }
    return found;
  }

  /** Every relation known, in creation order (REINDEX DATABASE goes through them all). */
  allRelations(): RelationInfo[] {
    return [...this.everyRelation()];
  }

  /** The DEFAULT partition of a partitioned table, if it has one. */
  defaultPartitionOf(table: string): string | undefined {
    return this.partitionsOf(table).find((p) => this.relation(p)?.defaultPartition);
  }

  /** Publications that publish UPDATE or DELETE of `table`: it needs a replica identity while in them. */
  publicationsReplicating(table: string): string[] {
    const rel = this.relation(table);
    if (!rel) return [];
    const name = baseName(table);
    return [...this.publications]
      .filter(([, p]) => p.updatesOrDeletes && (p.allTables || p.tables.has(name) || p.schemas.has(rel.schema ?? 'public')))
      .map(([n]) => n)
      .sort();
  }

  /** Tables, views and sequences created with this schema name (DROP SCHEMA … CASCADE takes them along). */
  relationsInSchema(schema: string): RelationInfo[] {
    return [...this.everyRelation()].filter((r) => r.schema === schema && r.kind !== 'index');
  }

  /** Does a statement of this kind (`CreateStmt`, …) change the schema at all? `apply` ignores the others. */
  static changedBy(kind: string): boolean {
    return Object.prototype.hasOwnProperty.call(APPLY, kind);
  }

  /** Apply one parsed statement's effect on the schema. Unknown statements are ignored. */
  apply(stmt: AstNode): void {
    const handler = APPLY[kindOf(stmt)];
    if (handler) handler(this, inner(stmt));
  }

  addRelation(info: Omit<RelationInfo, 'columns'> & { columns?: Map<string, ColumnInfo> }): RelationInfo {
    // A record passed in may be another catalog's (RENAME keeps the columns): this one gets its own columns.
    const rel: RelationInfo = { opaqueRunsAtCreation: this.opaqueRuns, ...info, columns: info.columns ? copyColumns(info.columns) : new Map() };
    this.own(rel);
    this.removeRelation(rel.name);
    this.rels.set(rel.name, rel);
    this.children.add(rel.table, rel.name);
    this.children.add(rel.partitionOf, rel.name);
    for (const d of rel.dependsOn ?? []) this.dependents.add(d, rel.name);
    return rel;
  }

  removeRelation(name: string): void {
    const rel = this.lookup(name);
    if (!rel) return;
    this.rels.delete(name);
    this.children.remove(rel.table, name);
    this.children.remove(rel.partitionOf, name);
    for (const d of rel.dependsOn ?? []) this.dependents.remove(d, name);
  }

  /** Rename a relation, keeping what points at it (indexes, partitions, constraints) attached. */
  renameRelation(oldName: string, newName: string): void {
    const rel = this.relation(oldName);
    if (!rel) return;
    const owned = this.children.get(rel.name).map((n) => this.lookup(n)!);
    const constraints = this.constraintsOf(rel.name);
    this.removeRelation(rel.name);
    this.addRelation({ ...rel, name: newName });
    for (const child of owned) {
      this.addRelation({
        ...child,
        table: child.table === rel.name ? newName : child.table,
        partitionOf: child.partitionOf === rel.name ? newName : child.partitionOf,
      });
    }
    for (const c of constraints) this.addConstraint({ ...c, table: newName, references: c.references === rel.name ? newName : c.references });
    // Foreign keys of other tables follow the rename too (they point at the table, not at its name).
    for (const fk of this.referencesTo(rel.name)) this.addConstraint({ ...fk, references: newName });
    for (const o of this.tableObjects.get(rel.name)) this.tableObjects.add(newName, o);
    this.tableObjects.clear(rel.name);
    for (const t of this.triggerCalls.get(rel.name)) this.triggerCalls.add(newName, t);
    this.triggerCalls.clear(rel.name);
  }

  /**
   * What names a column follows its rename: owned sequences, index keys, constraints' columns and
   * the referenced columns of foreign keys that point at it.
   */
  renameColumn(table: string, from: string, to: string): void {
    const swap = (cols: string[] | undefined) => cols?.map((c) => (c === from ? to : c));
    for (const name of this.children.get(table)) {
      const child = this.lookup(name);
      if (child?.kind === 'sequence' && child.column === from) this.editRelation(name)!.column = to;
      if (child?.indexColumns?.includes(from)) this.editRelation(name)!.indexColumns = swap(child.indexColumns);
      if (child?.exprColumns?.includes(from)) this.editRelation(name)!.exprColumns = swap(child.exprColumns);
    }
    for (const c of this.constraintsOf(table)) {
      const mine = this.editConstraint(c.name)!;
      if (c.columns) mine.columns = swap(c.columns);
      if (c.provesNotNull) mine.provesNotNull = swap(c.provesNotNull);
      if (c.references === table && c.referencedColumns) mine.referencedColumns = swap(c.referencedColumns);
    }
    for (const fk of this.referencesTo(table)) if (fk.referencedColumns) this.editConstraint(fk.name)!.referencedColumns = swap(fk.referencedColumns);
  }

  addTableObject(table: string, kind: TableObjectKind, name: string): void {
    this.tableObjects.add(baseName(table), `${kind}:${name}`);
  }

  removeTableObject(table: string, kind: TableObjectKind, name: string): void {
    this.tableObjects.remove(baseName(table), `${kind}:${name}`);
  }

  renameTableObject(table: string, kind: TableObjectKind, from: string, to: string): void {
    this.removeTableObject(table, kind, from);
    this.addTableObject(table, kind, to);
    // A renamed trigger still executes its function.
    for (const call of this.triggerCalls.get(baseName(table)).filter((c) => c.startsWith(`${from}\0`))) {
      this.triggerCalls.remove(baseName(table), call);
      this.triggerCalls.add(baseName(table), `${to}${call.slice(from.length)}`);
    }
  }

  /** CREATE TRIGGER `name` ON `table` … EXECUTE FUNCTION `fn`, fired by `events` (TRIGGER_EVENTS bits). */
  addTrigger(table: string, name: string, fn: string, events = 0): void {
    this.addTableObject(table, 'trigger', name);
    this.triggerCalls.add(baseName(table), `${name}\0${fn.toLowerCase()}\0${events}`);
  }

  /** Triggers still there (on `table` only, when given), with their table, function and events. */
  private triggers(table?: string): Array<{ table: string; trigger: string; fn: string; events: number }> {
    const calls: Array<[string, string[]]> = table === undefined ? this.triggerCalls.entries() : [[table, this.triggerCalls.get(table)]];
    return calls
      .flatMap(([table, calls]) => calls.map((c) => c.split('\0')).map(([trigger, fn, events]) => ({ table, trigger, fn, events: Number(events) })))
      .filter((t) => this.tableObjects.get(t.table).includes(`trigger:${t.trigger}`));
  }

  /** The tables and names of the triggers that execute `fn`. */
  triggersCalling(fn: string): Array<{ table: string; trigger: string }> {
    const wanted = fn.toLowerCase();
    return this.triggers()
      .filter((t) => t.fn === wanted)
      .map(({ table, trigger }) => ({ table, trigger }))
      .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  }

  /** The functions the triggers on `table` that fire on `event` (a TRIGGER_EVENTS bit) execute. */
  triggerFunctions(table: string, event: number): string[] {
    return [...new Set(this.triggers(baseName(table)).filter((t) => (t.events & event) !== 0).map((t) => t.fn))].sort();
  }

  /** The body of a user routine as written (`AS $$ … $$`), when the catalog saw it. */
  routineSource(fn: string): string | undefined {
    return this.routineBodies.get(fn.toLowerCase());
  }

  /**
   * For a schema read back from a database (tables without their triggers, policies and rules):
   * from now on, an object the catalog does not know may still exist.
   */
  forgetTableObjects(): void {
    this.opaqueRuns++;
  }

  /**
   * Whether a trigger, policy or rule exists on `table`: undefined when the catalog cannot tell
   * (the table is unknown, or code it cannot see ran after the table was created).
   */
  tableObjectExists(table: string, kind: TableObjectKind, name: string): boolean | undefined {
    const rel = this.relation(table);
    if (this.tableObjects.get(baseName(table)).includes(`${kind}:${name}`)) return true;
    if (!rel || rel.opaqueRunsAtCreation !== this.opaqueRuns) return undefined;
    return false;
  }

  /** A DO block, or a call of a routine, ran: if its body may create triggers, policies or rules, the catalog no longer knows them all. */
  ranCode(body: string | undefined, called: string[]): void {
    if ((body !== undefined && CREATES_TABLE_OBJECTS.test(body)) || called.some((f) => this.objectCreatingRoutines.has(f))) this.opaqueRuns++;
    if ((body !== undefined && RUNS_DDL.test(body)) || called.some((f) => this.ddlRoutines.has(f))) this.unseenDdlRuns++;
  }

  /** Whether calling `fn` runs DDL or dynamic SQL Lockstep does not analyse (a function that creates partitions). */
  runsDdl(fn: string): boolean {
    return this.ddlRoutines.has(fn.toLowerCase());
  }

  /** Whether code that runs DDL Lockstep does not see (a DO block, a call of such a function) has run. */
  ranUnseenDdl(): boolean {
    return this.unseenDdlRuns > 0;
  }

  /** Whether a relation or type of this name is known. */
  knows(name: string): boolean {
    return !!this.relation(name) || this.typeMap.has(baseName(name));
  }

  /** A CREATE FUNCTION/PROCEDURE: remember whether calling it may create triggers, policies or rules. */
  defineRoutine(name: string, body: string | undefined): void {
    if (body) this.routineBodies.set(name.toLowerCase(), body);
    else this.routineBodies.delete(name.toLowerCase());
    const objects = (this.objectCreatingRoutines = this.writable(this.objectCreatingRoutines, (set) => new Set(set)));
    if (body === undefined || CREATES_TABLE_OBJECTS.test(body)) objects.add(name.toLowerCase());
    else objects.delete(name.toLowerCase());
    const ddl = (this.ddlRoutines = this.writable(this.ddlRoutines, (set) => new Set(set)));
    if (body !== undefined && RUNS_DDL.test(body)) ddl.add(name.toLowerCase());
    else ddl.delete(name.toLowerCase());
  }

  setPartitionOf(partition: string, parent: string | undefined): void {
    const rel = this.relation(partition);
    if (rel) this.addRelation({ ...rel, partitionOf: parent, defaultPartition: parent ? rel.defaultPartition : undefined });
  }

  addConstraint(info: ConstraintInfo): void {
    this.removeConstraint(info.name);
    this.own(info);
    this.cons.set(info.name, info);
    this.constraintsByTable.add(info.table, info.name);
    if (info.kind === 'foreign') this.foreignKeysByReferenced.add(info.references, info.name);
  }

  removeConstraint(name: string): void {
    const con = this.cons.get(name);
    if (!con) return;
    this.cons.delete(name);
    this.constraintsByTable.remove(con.table, name);
    this.foreignKeysByReferenced.remove(con.references, name);
  }

  /** Drop a relation with everything it owns: indexes, sequences, partitions, constraints. */
  drop(name: string): void {
    const n = baseName(name);
    for (const child of this.children.get(n)) this.drop(child);
    for (const c of this.constraintsOf(n)) this.removeConstraint(c.name);
    // Other tables' foreign keys to it are gone too (DROP … CASCADE drops them; without CASCADE the drop fails).
    for (const c of this.referencesTo(n)) this.removeConstraint(c.name);
    this.tableObjects.clear(n);
    this.triggerCalls.clear(n);
    this.removeRelation(n);
  }

  /**
   * The names of `table`'s children that `keep` takes, sorted. Only those are sorted: a table with
   * hundreds of partitions or indexes made every DROP COLUMN sort all of them (1.5 % of a corpus lint).
   */
  private childrenOf(table: string, keep: (r: RelationInfo) => boolean): string[] {
    const found: string[] = [];
    for (const name of this.children.peek(baseName(table))) {
      const rel = this.lookup(name);
      if (rel && keep(rel)) found.push(rel.name);
    }
    return found.sort();
  }
}

/**
 * A relation's own columns map. The column records in it are shared: a record is never changed
 * once in a map (replaceColumn puts a changed copy in its place), so a copy per edited relation
 * need not copy every column (a file's first ALTER of a 30-column table copied 30 records).
 */
function copyColumns(columns: ReadonlyMap<string, ColumnInfo>): Map<string, ColumnInfo> {
  return new Map(columns);
}

/** Puts `change(column)` in the column's place (the same position in the map), when the column is there. */
function replaceColumn(rel: RelationInfo | undefined, name: string, change: (column: ColumnInfo) => ColumnInfo): void {
  const column = rel?.columns.get(name);
  if (rel && column) rel.columns.set(name, change(column));
}

// ---------------------------------------------------------------------------------------------
// Replaying statements

type Apply = (cat: Catalog, s: AstNode) => void;

const APPLY: Record<string, Apply> = {
  CreateStmt(cat, s) {
    const table = baseName(rangeVarName(s.relation));
    // IF NOT EXISTS over a relation that is there changes nothing.
    if (s.if_not_exists && cat.relationExists(s.relation)) return;
    const parent = list(s.inhRelations)[0];
    const partParams = list((s.partspec?.PartitionSpec ?? s.partspec)?.partParams);
    cat.addRelation({
      name: table,
      schema: s.relation?.schemaname,
      kind: s.partspec ? 'partitioned' : 'table',
      partitionOf: s.partbound && parent ? baseName(rangeVarName(parent)) : undefined,
      defaultPartition: s.partbound?.is_default ? true : undefined,
      partitionKey: s.partspec ? partParams.map((p) => as(p, 'PartitionElem')?.name ?? 'expr') : undefined,
    });
    if (s.partbound && parent) {
      // A partition inherits the parent's columns.
      const parentRel = cat.relation(rangeVarName(parent));
      const rel = cat.editRelation(table)!;
      for (const [k, c] of parentRel?.columns ?? []) rel.columns.set(k, { ...c });
    }
    const keyNames = tableKeyNames(table, s.tableElts);
    for (const elt of list(s.tableElts)) {
      const col = as(elt, 'ColumnDef');
      if (col) addColumn(cat, table, col, keyNames);
      const con = as(elt, 'Constraint');
      if (con) addConstraint(cat, table, con, [], keyNames);
    }
  },
  CreateTableAsStmt(cat, s) {
    const into = s.into?.IntoClause ?? s.into ?? {};
    const kind = s.objtype === 'OBJECT_MATVIEW' ? 'matview' : 'table';
    // A materialized view keeps its query (DROP … CASCADE of what it reads drops it); a table made AS a query is a copy.
    cat.addRelation({ name: baseName(rangeVarName(into.rel)), kind, ...(kind === 'matview' ? { dependsOn: relationsRead(s.query, (t) => !!cat.relation(t)) } : {}) });
  },
  ViewStmt(cat, s) {
    cat.addRelation({ name: baseName(rangeVarName(s.view)), kind: 'view', dependsOn: relationsRead(s.query, (t) => !!cat.relation(t)) });
  },
  CreateSeqStmt(cat, s) {
    const owner = sequenceOwner(s.options);
    cat.addRelation({ name: baseName(rangeVarName(s.sequence)), kind: 'sequence', ...(owner ? { table: baseName(owner), column: sequenceOwnerColumn(s.options) } : {}) });
  },
  AlterSeqStmt(cat, s) {
    // OWNED BY moves the sequence to another table: it then goes with that table (DROP, SET SCHEMA).
    const owner = sequenceOwner(s.options);
    const rel = cat.relation(rangeVarName(s.sequence));
    if (rel && owner !== undefined) cat.addRelation({ ...rel, table: owner === null ? undefined : baseName(owner), column: owner === null ? undefined : sequenceOwnerColumn(s.options) });
  },
  IndexStmt(cat, s) {
    const table = baseName(rangeVarName(s.relation));
    const cols = list(s.indexParams).map((p) => as(p, 'IndexElem')?.name ?? 'expr');
    // CREATE [UNIQUE] INDEX without a name ends in _idx (only constraints end in _key).
    const name = s.idxname ?? defaultIndexName(table, indexNameColumns(s), s.primary ? 'pkey' : s.isconstraint ? 'key' : 'idx');
    const exprColumns = columnsNamed([list(s.indexParams).map((p) => as(p, 'IndexElem')?.expr), s.whereClause]);
    cat.addRelation({ name, kind: 'index', table, indexColumns: cols, ...(exprColumns.length ? { exprColumns } : {}), ...(s.whereClause ? { partial: true } : {}) });
  },
  AlterTableStmt(cat, s) {
    const table = baseName(rangeVarName(s.relation));
    for (const c of list(s.cmds)) applyAlterTableCmd(cat, table, as(c, 'AlterTableCmd') ?? {});
  },
  RenameStmt(cat, s) {
    const oldName = baseName(rangeVarName(s.relation)) || names(s.object).pop() || '';
    if (s.renameType === 'OBJECT_COLUMN') {
      const rel = cat.editRelation(oldName);
      const col = rel?.columns.get(s.subname);
      if (rel && col) {
        rel.columns.delete(s.subname);
        rel.columns.set(s.newname, { ...col, name: s.newname });
        cat.renameColumn(rel.name, s.subname, s.newname);
      }
      return;
    }
    const onTable = tableObjectKind(s.renameType);
    if (onTable) {
      // ALTER TRIGGER/POLICY/RULE … ON t RENAME: the object is renamed, not the table.
      cat.renameTableObject(oldName, onTable, s.subname, s.newname);
      return;
    }
    if (s.renameType === 'OBJECT_TABCONSTRAINT') {
      const con = cat.constraint(s.subname);
      if (con) {
        cat.removeConstraint(s.subname);
        cat.addConstraint({ ...con, name: s.newname });
        // A primary key's, unique or exclusion constraint's index is renamed with it.
        if (cat.relation(s.subname)?.kind === 'index') cat.renameRelation(s.subname, s.newname);
      }
      return;
    }
    // …and renaming such an index renames its constraint.
    const con = cat.constraint(oldName);
    if (s.renameType === 'OBJECT_INDEX' && con && con.kind !== 'check' && con.kind !== 'foreign' && con.table === cat.relation(oldName)?.table) {
      cat.removeConstraint(oldName);
      cat.addConstraint({ ...con, name: s.newname });
    }
    cat.renameRelation(oldName, s.newname);
  },
  CreatePublicationStmt(cat, s) {
    const pub: PublicationInfo = { allTables: !!s.for_all_tables, tables: new Set(), schemas: new Set(), updatesOrDeletes: publishesChanges(s.options) };
    addPublicationObjects(pub, s.pubobjects);
    cat.setPublication(s.pubname, pub);
  },
  AlterPublicationStmt(cat, s) {
    const pub = cat.editPublication(s.pubname);
    if (!pub) return;
    if (list(s.options).length) pub.updatesOrDeletes = publishesChanges(s.options);
    if (s.action === 'AP_SetObjects') {
      pub.tables.clear();
      pub.schemas.clear();
    }
    if (s.action === 'AP_DropObjects') {
      const dropped: PublicationInfo = { allTables: false, tables: new Set(), schemas: new Set(), updatesOrDeletes: false };
      addPublicationObjects(dropped, s.pubobjects);
      for (const t of dropped.tables) pub.tables.delete(t);
      for (const n of dropped.schemas) pub.schemas.delete(n);
    } else addPublicationObjects(pub, s.pubobjects);
  },
  DropStmt(cat, s) {
    if (s.removeType === 'OBJECT_PUBLICATION') {
      for (const obj of list(s.objects)) cat.deletePublication(names([obj]).pop() ?? '');
      return;
    }
    for (const obj of list(s.objects)) {
      // DROP TYPE/DOMAIN names arrive as TypeName nodes.
      const parts = obj.List ? names(obj.List.items) : obj.TypeName ? names(obj.TypeName.names) : names([obj]);
      const name = parts[parts.length - 1];
      const onTable = tableObjectKind(s.removeType);
      if (s.removeType === 'OBJECT_TYPE' || s.removeType === 'OBJECT_DOMAIN') cat.deleteType(name ?? '');
      // DROP FUNCTION … CASCADE drops the triggers that execute it.
      else if (s.removeType === 'OBJECT_FUNCTION' && s.behavior === 'DROP_CASCADE') {
        for (const t of cat.triggersCalling(routineName(obj))) cat.removeTableObject(t.table, 'trigger', t.trigger);
      }
      else if (s.removeType === 'OBJECT_SCHEMA') for (const r of cat.relationsInSchema(name ?? '')) cat.drop(r.name);
      // `DROP TRIGGER t ON tbl` arrives as [tbl…, t]; it drops the trigger, never a relation named t.
      else if (onTable && parts.length > 1 && name) cat.removeTableObject(parts[parts.length - 2], onTable, name);
      else if (name && DROPPED_RELATIONS.has(String(s.removeType))) cat.drop(name);
    }
  },
  CreateEnumStmt(cat, s) {
    cat.setType(names(s.typeName).pop() ?? '', 'enum');
  },
  CreateDomainStmt(cat, s) {
    cat.setType(names(s.domainname).pop() ?? '', 'domain');
  },
  CreateFunctionStmt(cat, s) {
    const name = names(s.funcname).pop();
    if (!name) return;
    const declared = list(s.options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'volatility');
    const volatility = String(declared?.arg?.String?.sval ?? 'volatile').toLowerCase();
    cat.setFunction(name.toLowerCase(), volatility === 'immutable' || volatility === 'stable' ? volatility : 'volatile');
    // A SQL-standard body (BEGIN ATOMIC) cannot run DDL.
    cat.defineRoutine(name, s.sql_body ? '' : routineBody(s.options));
  },
  CreateTrigStmt(cat, s) {
    if (s.trigname) cat.addTrigger(rangeVarName(s.relation), s.trigname, names(s.funcname).pop() ?? '', Number(s.events ?? 0));
  },
  CreatePolicyStmt(cat, s) {
    if (s.policy_name) cat.addTableObject(rangeVarName(s.table), 'policy', s.policy_name);
  },
  RuleStmt(cat, s) {
    if (s.rulename) cat.addTableObject(rangeVarName(s.relation), 'rule', s.rulename);
  },
  DoStmt(cat, s) {
    cat.ranCode(routineBody(s.args), []);
  },
  CallStmt(cat, s) {
    cat.ranCode(undefined, calledFunctions(s.funccall));
  },
  SelectStmt(cat, s) {
    cat.ranCode(undefined, calledFunctions(s));
  },
  CompositeTypeStmt(cat, s) {
    cat.setType(baseName(rangeVarName(s.typevar)), 'composite');
  },
};

function applyAlterTableCmd(cat: Catalog, table: string, cmd: AstNode): void {
  // Looked up per command: an earlier command of the same statement may have replaced the record.
  const rel = (): RelationInfo | undefined => cat.editRelation(table);
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      addColumn(cat, table, as(cmd.def, 'ColumnDef') ?? {});
      break;
    case 'AT_DropColumn':
      rel()?.columns.delete(cmd.name);
      // Indexes on the column go with it (with the constraints they back), and so do the
      // constraints that name it (a foreign key on it, a multi-column key).
      for (const index of cat.indexesOnColumn(table, cmd.name)) {
        cat.removeConstraint(index);
        cat.drop(index);
      }
      for (const con of cat.constraintsOf(table)) if (con.columns?.includes(cmd.name)) cat.removeConstraint(con.name);
      // The column's owned sequence (serial, identity) is dropped with it.
      for (const seq of cat.sequencesOf(table)) if (cat.relation(seq)?.column === cmd.name) cat.drop(seq);
      break;
    case 'AT_AlterColumnType': {
      const def = as(cmd.def, 'ColumnDef');
      if (def) replaceColumn(rel(), cmd.name, (col) => ({ ...col, type: typeInfo(def.typeName) }));
      break;
    }
    case 'AT_SetNotNull':
    case 'AT_DropNotNull':
      replaceColumn(rel(), cmd.name, (col) => ({ ...col, notNull: cmd.subtype === 'AT_SetNotNull' }));
      break;
    case 'AT_AddConstraint': {
      const con = as(cmd.def, 'Constraint');
      if (con) addConstraint(cat, table, con, []);
      break;
    }
    case 'AT_ValidateConstraint': {
      const con = cat.editConstraint(cmd.name);
      if (con) con.validated = true;
      break;
    }
    case 'AT_DropConstraint':
      cat.removeConstraint(cmd.name);
      if (cat.relation(cmd.name)?.kind === 'index') cat.removeRelation(cmd.name);
      break;
    case 'AT_ReplicaIdentity': {
      const ri = as(cmd.def, 'ReplicaIdentityStmt') ?? {};
      const kind = ({ d: 'default', n: 'nothing', f: 'full', i: 'index' } as const)[ri.identity_type as 'd' | 'n' | 'f' | 'i'];
      const r = kind ? rel() : undefined;
      if (r && kind) r.replicaIdentity = { kind, index: kind === 'index' ? ri.name : undefined };
      break;
    }
    case 'AT_AttachPartition': {
      const pc = as(cmd.def, 'PartitionCmd');
      cat.setPartitionOf(rangeVarName(pc?.name), table);
      const attached = cat.editRelation(rangeVarName(pc?.name));
      if (attached && (pc?.bound?.PartitionBoundSpec ?? pc?.bound)?.is_default) attached.defaultPartition = true;
      break;
    }
    case 'AT_DetachPartition':
      cat.setPartitionOf(rangeVarName(as(cmd.def, 'PartitionCmd')?.name), undefined);
      break;
  }
}

function addColumn(cat: Catalog, table: string, col: AstNode, keyNames?: KeyNames): void {
  const rel = cat.editRelation(table);
  if (!rel || !col.colname) return;
  const type = typeInfo(col.typeName);
  const constraints = list(col.constraints).map((c) => as(c, 'Constraint') ?? {});
  const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  rel.columns.set(col.colname, { name: col.colname, type, notNull });
  if (type.name.startsWith('serial') || constraints.some((c) => c.contype === 'CONSTR_IDENTITY')) {
    cat.addRelation({ name: objectName(table, col.colname, 'seq'), kind: 'sequence', table, column: col.colname });
  }
  for (const c of constraints) addConstraint(cat, table, c, [col.colname], keyNames);
}

/**
 * The index names of a CREATE TABLE's PRIMARY KEY and UNIQUE constraints (key: the Constraint node).
 * PostgreSQL builds one index for constraints with the same columns and options (transformIndexConstraints):
 * the primary key, else the first, is kept, and takes a later duplicate's name when it has none of its own.
 * Redundant ones map to null: `code text PRIMARY KEY UNIQUE` builds only `…_pkey`.
 */
export type KeyNames = ReadonlyMap<AstNode, string | null>;

export function tableKeyNames(table: string, tableElts: unknown): KeyNames {
  // Asked three times per CREATE TABLE (the Flyway pre-pass's and the statement's lock analyses, the
  // replay) with the same AST: worked out once per element list (JSON keys and arrays per constraint).
  if (!tableElts || typeof tableElts !== 'object') return keyNamesOf(table, tableElts);
  const kept = keyNamesByElements.get(tableElts);
  if (kept?.table === table) return kept.names;
  const names = keyNamesOf(table, tableElts);
  keyNamesByElements.set(tableElts, { table, names });
  return names;
}

const keyNamesByElements = new WeakMap<object, { table: string; names: KeyNames }>();

/** Times `tableKeyNames` worked the names out (tests: once per CREATE TABLE). */
export const keyNameCounts = { computed: 0 };

function keyNamesOf(table: string, tableElts: unknown): KeyNames {
  keyNameCounts.computed++;
  const keys: { con: AstNode; columns: string[]; same: string; name?: string }[] = [];
  for (const elt of list(tableElts)) {
    const column = as(elt, 'ColumnDef');
    for (const con of column ? list(column.constraints).map((c) => as(c, 'Constraint')) : [as(elt, 'Constraint')]) {
      if (con?.contype !== 'CONSTR_PRIMARY' && con?.contype !== 'CONSTR_UNIQUE') continue;
      const columns = column ? [column.colname] : names(con.keys);
      const options = [con.including, con.where_clause, con.deferrable, con.initdeferred, con.nulls_not_distinct];
      keys.push({ con, columns, same: JSON.stringify([columns, options]), name: con.conname });
    }
  }
  const kept = [...keys.filter((k) => k.con.contype === 'CONSTR_PRIMARY').slice(0, 1)];
  const out = new Map<AstNode, string | null>();
  for (const k of keys) {
    if (kept.includes(k)) continue;
    const prior = kept.find((p) => p.same === k.same);
    if (!prior) kept.push(k);
    else {
      prior.name ??= k.name;
      out.set(k.con, null);
    }
  }
  for (const k of kept) out.set(k.con, k.name ?? defaultIndexName(table, k.columns, k.con.contype === 'CONSTR_PRIMARY' ? 'pkey' : 'key'));
  return out;
}

function addConstraint(cat: Catalog, table: string, con: AstNode, columnOfColumnConstraint: string[], keyNames?: KeyNames): void {
  const keys = names(con.keys).length ? names(con.keys) : columnOfColumnConstraint;
  const validated = !con.skip_validation;
  switch (con.contype) {
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      const primary = con.contype === 'CONSTR_PRIMARY';
      const kept = keyNames?.get(con);
      if (kept === null) break;
      const name = kept ?? con.conname ?? con.indexname ?? defaultIndexName(table, keys, primary ? 'pkey' : 'key');
      cat.addConstraint({ name, table, kind: primary ? 'primary' : 'unique', validated: true });
      const columns = con.indexname ? cat.relation(con.indexname)?.indexColumns : keys;
      if (con.indexname && con.indexname !== name) cat.removeRelation(con.indexname);
      cat.addRelation({ name, kind: 'index', table, indexColumns: columns });
      if (primary) for (const k of keys) replaceColumn(cat.editRelation(table), k, (c) => ({ ...c, notNull: true }));
      break;
    }
    case 'CONSTR_EXCLUSION': {
      const name = con.conname ?? `${table}_excl`;
      cat.addConstraint({ name, table, kind: 'exclude', validated: true });
      cat.addRelation({ name, kind: 'index', table });
      break;
    }
    case 'CONSTR_CHECK': {
      const name = con.conname ?? objectName(table, keys[0] || undefined, 'check');
      cat.addConstraint({ name, table, kind: 'check', validated, provesNotNull: notNullColumns(con.raw_expr), expr: con.raw_expr });
      break;
    }
    case 'CONSTR_FOREIGN': {
      const cols = names(con.fk_attrs).length ? names(con.fk_attrs) : keys;
      // Generated names are cut to 63 bytes as PostgreSQL cuts them (`survey_questions_response_choic_…_fkey`).
      const name = con.conname ?? objectName(table, cols.join('_'), 'fkey');
      cat.addConstraint({
        name, table, kind: 'foreign', validated, columns: cols,
        references: baseName(rangeVarName(con.pktable)), referencedColumns: names(con.pk_attrs),
        onDelete: con.fk_del_action ?? 'a', onUpdate: con.fk_upd_action ?? 'a',
      });
      break;
    }
  }
}

/**
 * Every table a query reads (RangeVars anywhere in it), deduplicated, unqualified; WITH query names
 * are not tables, and neither are system catalogs: PostgreSQL's own relations are outside the lock
 * model, like the catalog rows every DDL statement writes. A name is a system catalog when
 * qualified with `pg_catalog` or `information_schema`, or unqualified, starting with `pg_` and not
 * a relation the migrations made (`known`): pg_catalog comes first in the search path.
 */
export function relationsRead(query: AstNode | undefined, known: (name: string) => boolean = () => false): string[] {
  const tables: { name: string; qualified: boolean }[] = [];
  const ctes = new Set<string>();
  walk(query, (kind, value) => {
    if (kind === 'RangeVar' && !isSystemRelation(value, known)) tables.push({ name: baseName(rangeVarName(value)), qualified: !!value.schemaname });
    else if (kind === 'CommonTableExpr' && value.ctename) ctes.add(value.ctename);
  });
  // An unqualified name that a WITH clause defines refers to that query, not to a table.
  return [...new Set(tables.filter((t) => t.qualified || !ctes.has(t.name)).map((t) => t.name))];
}

function isSystemRelation(rangeVar: AstNode, known: (name: string) => boolean): boolean {
  if (rangeVar.schemaname) return rangeVar.schemaname === 'pg_catalog' || rangeVar.schemaname === 'information_schema';
  return /^pg_/.test(rangeVar.relname ?? '') && !known(rangeVar.relname);
}

/** Columns a CHECK expression proves non-null: `c IS NOT NULL`, possibly AND-ed. */
export function notNullColumns(expr: AstNode | undefined): string[] {
  const test = as(expr, 'NullTest');
  if (test) return test.nulltesttype === 'IS_NOT_NULL' ? names(as(test.arg, 'ColumnRef')?.fields) : [];
  const bool = as(expr, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return list(bool.args).flatMap(notNullColumns);
  return [];
}

/** PostgreSQL's default names (ChooseRelationName), good enough for the common short cases. */
export function defaultIndexName(table: string, columns: string[], suffix: 'pkey' | 'key' | 'idx' | 'excl'): string {
  return suffix === 'pkey' ? objectName(table, undefined, 'pkey') : objectName(table, columns.join('_'), suffix);
}

/** Column names referenced anywhere in `nodes` (expressions, a WHERE clause). */
function columnsNamed(nodes: unknown): string[] {
  const found = new Set<string>();
  walk(nodes, (kind, value) => {
    if (kind === 'ColumnRef') {
      const column = names(value.fields).pop();
      if (column) found.add(column);
    }
  });
  return [...found];
}

/**
 * The column names PostgreSQL puts in a generated index name (ChooseIndexColumnNames): an
 * expression key is named after its function (`lower(name)` → `lower`), a cast or COLLATE after
 * what it wraps, and anything else `expr`.
 */
export function indexNameColumns(s: AstNode): string[] {
  return list(s.indexParams).map((p) => {
    const elem = as(p, 'IndexElem');
    return elem?.name ?? expressionColumnName(elem?.expr);
  });
}

function expressionColumnName(expr: AstNode | undefined): string {
  const kind = expr ? kindOf(expr) : '';
  const node = expr ? inner(expr) : {};
  if (kind === 'FuncCall') return names(node.funcname).pop() ?? 'expr';
  if (kind === 'ColumnRef') return list(node.fields).map((f) => as(f, 'String')?.sval).pop() ?? 'expr';
  if (kind === 'TypeCast' || kind === 'CollateClause') {
    const name = expressionColumnName(node.arg);
    return name === 'expr' && kind === 'TypeCast' ? (names(node.typeName?.names).pop() ?? 'expr') : name;
  }
  if (kind === 'CaseExpr') return 'case';
  if (kind === 'CoalesceExpr') return 'coalesce';
  return 'expr';
}

/** Identifiers are at most NAMEDATALEN - 1 = 63 bytes. */
const NAME_MAX = 63;

/**
 * The name PostgreSQL generates for an implicit object (makeObjectName): `name1_name2_label`,
 * the longer of name1 and name2 shortened one character at a time until the whole fits in 63
 * bytes (`vulnerability_record_cve_id_registration_uuid_package_packa_key`).
 */
export function objectName(name1: string, name2: string | undefined, label: string): string {
  const overhead = label.length + 1 + (name2 ? 1 : 0);
  let n1 = name1.length;
  let n2 = name2?.length ?? 0;
  while (n1 + n2 > NAME_MAX - overhead) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return [name1.slice(0, n1), ...(name2 ? [name2.slice(0, n2)] : []), label].join('_');
}

/** `WITH (publish = 'insert, update')`: does the list include update or delete? (Unset: all of them.) */
function publishesChanges(options: unknown): boolean {
  const publish = list(options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'publish');
  if (!publish) return true;
  const value = String(as(publish.arg, 'String')?.sval ?? '');
  return /\b(update|delete)\b/i.test(value);
}

function addPublicationObjects(pub: PublicationInfo, objects: unknown): void {
  for (const o of list(objects)) {
    const spec = as(o, 'PublicationObjSpec') ?? {};
    if (spec.pubobjtype === 'PUBLICATIONOBJ_TABLE') pub.tables.add(baseName(rangeVarName(spec.pubtable?.relation)));
    else if (spec.pubobjtype === 'PUBLICATIONOBJ_TABLES_IN_SCHEMA') pub.schemas.add(String(spec.name ?? ''));
    else if (spec.pubobjtype === 'PUBLICATIONOBJ_CONTINUATION' && spec.pubtable) pub.tables.add(baseName(rangeVarName(spec.pubtable.relation)));
  }
}
