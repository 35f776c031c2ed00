/**
 * Per-relation versions of the schema, so the language server reuses a statement's lock analysis
 * when nothing it read changed, even where the forward-state fingerprint (forwardState.ts) did:
 * renaming the column an `ALTER TABLE a ADD COLUMN` adds must not re-analyse every later statement,
 * only those that look up `a`.
 *
 * The schema is seen as two layers. A relation's *columns* (its record's `columns` map) are changed
 * by a few ALTER TABLE commands (`columnsOnlyTarget`) that change nothing else and read nothing but
 * that relation's columns: each such statement moves on that relation's version only. Every other
 * schema-changing statement (the *structure*: relations created or dropped, constraints, indexes,
 * links, types, functions, publications, code run) moves on one `epoch`; the few whose effect
 * outside the columns maps reads some relation's columns (PARTITION OF copies its parent's, a RENAME
 * moves them) fold in the versions of every name their AST mentions. A structure statement may change
 * a relation's columns too (DROP COLUMN, a primary key's NOT NULL): that change is one of the epoch's. Statements
 * that change no schema but hand something on (BEGIN, SET, LOCK…) move on `nonSchema`.
 *
 * An analysis that read (looked up by name: catalog.ts `recordRelationReads`) the relations R saw
 * the same schema wherever `nonSchema`, `epoch` and the version of every relation in R are the same:
 * the same structure statements, in the same order, on the same columns, and the same column
 * changes of R at the same places among them. An analysis that walked every relation is reused by
 * the exact fingerprint only.
 */
import { Catalog, recordRelationReads } from '../catalog/catalog';
import { AstNode, as, baseName, inner, kindOf, list, names, rangeVarName } from '../parse/ast';
import { foldState, hashString } from './forwardState';

/** What an analysis read, and the versions it read it at. */
export interface ReadStamp {
  nonSchema: number;
  epoch: number;
  relations: readonly string[];
  versions: readonly number[];
}

/**
 * Records what a computation reads of the schema (catalog.ts `recordRelationReads`); the engine's memo
 * hands the reads of an analysis it reuses on through `lastReads` too (EngineCache.locks).
 */
export class ReadRecorder {
  /** The relation names the latest analysis read (undefined: all of them, or not known). */
  lastReads: readonly string[] | undefined;

  /** `compute()`, keeping what it read of the schema in `lastReads`. */
  record<T>(compute: () => T): T {
    const { value, reads } = recordRelationReads(compute);
    this.lastReads = reads;
    return value;
  }
}

export class SchemaVersions extends ReadRecorder {
  nonSchema: number;
  epoch = 0;
  private byRelation = new Map<string, number>();
  /** `nonSchema` and `epoch` before each statement, by index (rule hits compare them: ruleReuse.ts). */
  readonly before = { nonSchema: [] as number[], epoch: [] as number[] };
  /** What each statement's analysis read, by index (undefined: every relation, or not known): the patch path's read sets. */
  readonly reads: (readonly string[] | undefined)[] = [];
  /** The schema-changing statements whose effect outside the columns maps reads columns (RENAME, PARTITION OF…), by index. */
  readonly columnReaders: number[] = [];

  constructor(seed: number) {
    super();
    this.nonSchema = seed;
  }

  /** A section starts: how the runner wraps it is part of what every statement in it sees. */
  beginSection(key: string): void {
    this.nonSchema = hashString(key, this.nonSchema);
  }

  /** The versions here of what the latest `record` read; undefined when it read every relation. */
  stamp(): ReadStamp | undefined {
    const relations = this.lastReads;
    if (!relations) return undefined;
    return { nonSchema: this.nonSchema, epoch: this.epoch, relations, versions: relations.map((r) => this.versionOf(r)) };
  }

  /** Does the schema here look the same as where `stamp` was taken, to whoever read only what it read? */
  matches(stamp: ReadStamp): boolean {
    if (stamp.nonSchema !== this.nonSchema || stamp.epoch !== this.epoch) return false;
    for (let i = 0; i < stamp.relations.length; i++) if (this.versionOf(stamp.relations[i]) !== stamp.versions[i]) return false;
    return true;
  }

  /** The next statement of the document starts here. */
  mark(): void {
    this.before.nonSchema.push(this.nonSchema);
    this.before.epoch.push(this.epoch);
    this.reads.push(this.lastReads);
  }

  /** The statement `ast` (with its forward-state key hash) runs next. */
  advance(ast: AstNode, text: string, keyHash: number): void {
    if (!Catalog.changedBy(kindOf(ast))) {
      if (keyHash !== 0) this.nonSchema = foldState(this.nonSchema, keyHash);
      return;
    }
    // Code run by SELECT/DO/CALL changes the schema without a forward-state key: its text is the key (as lazyCatalog.ts).
    const effect = keyHash || hashString(text) || 1;
    const target = columnsOnlyTarget(ast);
    if (target !== undefined) {
      this.byRelation.set(target, hashString(`${effect}|${this.epoch}`, this.versionOf(target)));
      return;
    }
    let epoch = foldState(this.epoch, effect);
    const readsColumns = structureReadsColumns(ast);
    if (readsColumns) this.columnReaders.push(this.reads.length - 1);
    if (readsColumns) for (const name of mentionedNames(ast)) {
      const version = this.byRelation.get(name);
      if (version !== undefined) epoch = hashString(`${name}|${version}`, epoch);
    }
    this.epoch = epoch;
  }

  private versionOf(relation: string): number {
    return this.byRelation.get(relation) ?? 0;
  }
}

/** Column constraints that change nothing but the column itself (no index, sequence or constraint record). */
const COLUMN_ONLY_CONSTRAINTS = new Set(['CONSTR_NOTNULL', 'CONSTR_NULL', 'CONSTR_DEFAULT']);

/**
 * The relation whose columns are all this statement changes (catalog.ts applies it as an edit of
 * that one relation's `columns` map, reading nothing else), or undefined. ALTER TABLE with only:
 * ADD COLUMN of a plain column (no serial type, identity, key, check or reference: those add
 * sequences and constraints), SET/DROP NOT NULL, ALTER COLUMN TYPE.
 */
export function columnsOnlyTarget(ast: AstNode): string | undefined {
  if (kindOf(ast) !== 'AlterTableStmt') return undefined;
  // Asked on every whole build for every ALTER TABLE: once per AST.
  let target = targets.get(ast);
  if (target === undefined) targets.set(ast, (target = findColumnsOnlyTarget(ast) ?? null));
  return target ?? undefined;
}

const targets = new WeakMap<AstNode, string | null>();

function findColumnsOnlyTarget(ast: AstNode): string | undefined {
  const s = inner(ast);
  const cmds = list(s.cmds);
  if (!s.relation || cmds.length === 0) return undefined;
  for (const c of cmds) {
    const cmd = as(c, 'AlterTableCmd');
    if (!cmd) return undefined;
    if (cmd.subtype === 'AT_SetNotNull' || cmd.subtype === 'AT_DropNotNull' || cmd.subtype === 'AT_AlterColumnType') continue;
    if (cmd.subtype !== 'AT_AddColumn') return undefined;
    const col = as(cmd.def, 'ColumnDef');
    if (!col || names(col.typeName?.names).some((n) => /serial/i.test(n))) return undefined;
    if (!list(col.constraints).every((k) => COLUMN_ONLY_CONSTRAINTS.has(as(k, 'Constraint')?.contype))) return undefined;
  }
  return baseName(rangeVarName(s.relation));
}

/**
 * Statement kinds whose effect on anything but the columns maps never reads a relation's columns
 * (catalog.ts APPLY): existence, names, indexes, constraints and links only. Any other kind (RENAME,
 * a kind added later) folds in the versions of the names it mentions. Nor do these kinds' effects
 * decide from columns which relations to look up: the column patch's jumps rely on that (columnPatch.ts
 * SchemaCursor keeps the lookups recorded before a column edit).
 */
const STRUCTURE_ONLY = new Set([
  'CreateTableAsStmt', 'ViewStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'IndexStmt', 'AlterTableStmt', 'CreatePublicationStmt',
  'AlterPublicationStmt', 'DropStmt', 'CreateEnumStmt', 'CreateDomainStmt', 'CreateFunctionStmt', 'CreateTrigStmt',
  'CreatePolicyStmt', 'RuleStmt', 'DoStmt', 'CallStmt', 'SelectStmt', 'CompositeTypeStmt',
]);

/** Does the statement's effect outside the columns maps read some relation's columns? */
function structureReadsColumns(ast: AstNode): boolean {
  const kind = kindOf(ast);
  // CREATE TABLE … PARTITION OF copies the parent's columns; a plain CREATE TABLE makes fresh ones.
  if (kind === 'CreateStmt') return !!inner(ast).partbound;
  return !STRUCTURE_ONLY.has(kind);
}

const mentioned = new WeakMap<AstNode, readonly string[]>();

/** Every string in the statement's AST (relation names among them), once per AST. */
export function mentionedNames(ast: AstNode): readonly string[] {
  let found = mentioned.get(ast);
  if (!found) {
    const strings = new Set<string>();
    const visit = (node: unknown): void => {
      if (typeof node === 'string') strings.add(node);
      else if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') for (const value of Object.values(node)) visit(value);
    };
    visit(ast);
    mentioned.set(ast, (found = [...strings]));
  }
  return found;
}
