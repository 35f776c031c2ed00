/**
 * Objects that use a table or column by name or by reference — views, materialized views,
 * functions and procedures (their bodies), triggers, policies, generated columns, publications —
 * found in the schema history (the earlier migrations replayed) or a connected database, and
 * what a plan that renames or drops that table or column does to each. Every kind asks this one
 * module, and PLAN.md lists what it finds: blockers (the plan fails or running code breaks unless
 * you act) and objects that simply follow the change.
 */
import type { AstNode } from '../parse/ast';
import type { Queryable } from './dbSchema';

export type DependentKind = 'view' | 'materialized view' | 'function' | 'procedure' | 'trigger' | 'policy' | 'generated column' | 'publication';

export interface DependentObject {
  kind: DependentKind;
  name: string;
  /** The table it is defined on (trigger, policy, generated column). */
  on?: string;
  /** For triggers: the function they run (its body may use the names too). */
  runs?: string;
  /** SQL text searched for the names: the definition, or a function's body. */
  definition: string;
}

/** What a plan does to a table or column. */
export type Change =
  | { action: 'rename-column'; table: string; column: string; to: string }
  | { action: 'drop-column'; table: string; column: string }
  /** The column keeps its name; a column of the new type takes its place (the old one is dropped). */
  | { action: 'change-type'; table: string; column: string; type: string }
  /** The column moves to another table (split-table): the contract drops it here. */
  | { action: 'move-column'; table: string; column: string; into: string }
  | { action: 'rename-table'; table: string; to: string }
  | { action: 'drop-table'; table: string }
  | { action: 'normalize'; table: string; view: string };

export interface DependencyFinding {
  object: DependentObject;
  /** `blocker`: the plan's contract fails, or code breaks, unless this object is changed first. */
  severity: 'blocker' | 'follows';
  message: string;
}

/** Does `text` use `name` as an identifier (bare or double-quoted, any case)? */
export function usesName(text: string, name: string): boolean {
  const n = name.replace(/[$]/g, '\\$');
  return new RegExp(`(^|[^a-z0-9_$])"?${n}"?($|[^a-z0-9_$])`, 'i').test(text);
}

function describe(o: DependentObject): string {
  return `${o.kind} ${o.on && o.kind !== 'generated column' ? `${o.name} on ${o.on}` : o.on ? `${o.on}.${o.name}` : o.name}`;
}

/** The objects that use the table (and the column, when the change names one). */
export function dependentsOf(objects: readonly DependentObject[], table: string, column?: string): DependentObject[] {
  const triggerFunctions = new Set(objects.filter((o) => o.kind === 'trigger' && o.on === table && o.runs).map((o) => o.runs!.toLowerCase()));
  return objects.filter((o) => {
    const onTable = o.on === table;
    const mentionsTable = usesName(o.definition, table);
    const ofTable = o.kind === 'function' || o.kind === 'procedure' ? mentionsTable || triggerFunctions.has(o.name.toLowerCase()) : onTable || mentionsTable;
    if (!ofTable) return false;
    if (column === undefined) return true;
    if (o.kind === 'generated column') return onTable && usesName(o.definition, column);
    return usesName(o.definition, column);
  });
}

/** What the change does to each object that uses its names. */
export function dependencyFindings(objects: readonly DependentObject[] | undefined, change: Change): DependencyFinding[] {
  if (!objects?.length) return [];
  const column = 'column' in change ? change.column : undefined;
  return dependentsOf(objects, change.table, column).map((object) => ({ object, ...impact(object, change) }));
}

function impact(o: DependentObject, change: Change): { severity: 'blocker' | 'follows'; message: string } {
  const what = describe(o);
  const code = o.kind === 'function' || o.kind === 'procedure';
  switch (change.action) {
    case 'rename-column':
    case 'drop-column': {
      const name = `${change.table}.${change.column}`;
      if (code) {
        return {
          severity: 'blocker',
          message: `${what} uses ${name} in its body: it resolves names when it runs, so it fails once the contract drops ${change.column}. ${change.action === 'rename-column' ? `Deploy a version that uses ${change.to} with v2` : 'Remove the use'} before the contract.`,
        };
      }
      return {
        severity: 'blocker',
        message: `${what} depends on ${name}: the contract's DROP COLUMN fails ("other objects depend on it") until it is ${change.action === 'rename-column' ? `re-created over ${change.to}` : 'changed or dropped'} (do it in its own migration before the contract, and put it back in the rollback).`,
      };
    }
    case 'change-type': {
      const name = `${change.table}.${change.column}`;
      if (code) return { severity: 'follows', message: `${what} uses ${name} in its body: the name stays, so it keeps working, but after the swap it sees ${change.type} values (check its casts, comparisons and declared types).` };
      return {
        severity: 'blocker',
        message: `${what} depends on ${name}: after the swap it keeps reading the old column (kept in sync under a temporary name until the last phase), and the last phase's DROP COLUMN of it fails ("other objects depend on it") until it is re-created over the new ${change.type} column (put the original back in that phase's rollback).`,
      };
    }
    case 'move-column': {
      const name = `${change.table}.${change.column}`;
      if (code) return { severity: 'blocker', message: `${what} uses ${name} in its body: it fails once the contract drops ${change.column}. Make it read ${change.into}.${change.column} (join on the key) before the contract.` };
      return {
        severity: 'blocker',
        message: `${what} depends on ${name}: the contract's DROP COLUMN fails ("other objects depend on it") until it is re-created over ${change.table} JOIN ${change.into} (do it in its own migration before the contract, and put it back in the rollback).`,
      };
    }
    case 'rename-table':
      if (code) {
        return {
          severity: 'blocker',
          message: `${what} names ${change.table} in its body: it works through the compatibility view until the contract drops the view, then fails. Change it to use ${change.to} before the contract.`,
        };
      }
      return { severity: 'follows', message: `${what} refers to ${change.table} by its identity, not its name: it follows the rename to ${change.to} and keeps working.` };
    case 'normalize':
      if (code) {
        return change.view === change.table
          ? { severity: 'follows', message: `${what} names ${change.table} in its body: after the contract that name is the legacy view, which reads and writes the same columns, so it keeps working.` }
          : { severity: 'blocker', message: `${what} names ${change.table} in its body: after the contract that name is gone (moved to the archive schema). Point it at ${change.view} or the new tables before the contract.` };
      }
      if (o.kind === 'trigger' || o.kind === 'policy' || o.kind === 'generated column') {
        return { severity: 'blocker', message: `${what} stays on the old table, which only the plan writes after the contract: re-create it on the new tables (or, for a trigger, on the view) before the contract.` };
      }
      return { severity: 'follows', message: `${what} refers to ${change.table} by its identity: after the contract it reads the archived table, which the new tables keep in sync. Re-create it over ${change.view} when convenient.` };
    case 'drop-table':
      if (code) return { severity: 'blocker', message: `${what} names ${change.table} in its body: it fails once the table leaves the schema. Remove the use before the contract.` };
      if (o.kind === 'view' || o.kind === 'materialized view') {
        return { severity: 'blocker', message: `${what} reads ${change.table}: after the move to the archive schema it keeps reading the archived copy, which no longer changes. Drop or rewrite it before the contract.` };
      }
      if (o.kind === 'publication') return { severity: 'blocker', message: `${what} publishes ${change.table}: subscribers would keep the archived table. Remove it from the publication before the contract.` };
      return { severity: 'follows', message: `${what} moves with ${change.table} to the archive schema.` };
  }
}

/** Marks a plan note as a blocker: PLAN.md lists these first and the CLI prints them as warnings. */
export const BLOCKER_PREFIX = '**Blocker:** ';

/** PLAN.md notes for the findings, blockers first. */
export function dependencyNotes(objects: readonly DependentObject[] | undefined, change: Change): string[] {
  const found = dependencyFindings(objects, change);
  return [...found.filter((f) => f.severity === 'blocker').map((f) => `${BLOCKER_PREFIX}${f.message}`), ...found.filter((f) => f.severity === 'follows').map((f) => f.message)];
}

// ---- Collecting them from the schema history (replayed migration statements) ----

function str(node: AstNode | undefined): string | undefined {
  return (node as { String?: { sval?: string } } | undefined)?.String?.sval;
}

function lastName(list: AstNode[] | undefined): string | undefined {
  return list?.length ? str(list[list.length - 1]) : undefined;
}

const DROP_KINDS: Record<string, DependentKind> = {
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'function',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_POLICY: 'policy',
  OBJECT_PUBLICATION: 'publication',
};

/** Dependents defined by the migrations, in order (later definitions replace, drops remove). */
export class DependentCollector {
  private readonly byKey = new Map<string, DependentObject>();

  get objects(): DependentObject[] {
    return [...this.byKey.values()];
  }

  private key(kind: DependentKind, name: string, on?: string): string {
    const k = kind === 'procedure' ? 'function' : kind;
    return `${k}:${on ?? ''}:${name.toLowerCase()}`;
  }

  private put(o: DependentObject): void {
    this.byKey.set(this.key(o.kind, o.name, o.kind === 'trigger' || o.kind === 'policy' || o.kind === 'generated column' ? o.on : undefined), o);
  }

  /** One parsed statement and its source text. */
  add(stmt: AstNode, text: string): void {
    const [type, node] = Object.entries(stmt)[0] ?? [];
    const n = node as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!n) return;
    switch (type) {
      case 'ViewStmt':
        this.put({ kind: 'view', name: n.view?.relname, definition: text });
        break;
      case 'CreateTableAsStmt':
        if (n.objtype === 'OBJECT_MATVIEW') this.put({ kind: 'materialized view', name: n.into?.rel?.relname, definition: text });
        break;
      case 'CreateFunctionStmt': {
        const name = lastName(n.funcname);
        if (name) this.put({ kind: n.is_procedure ? 'procedure' : 'function', name, definition: text });
        break;
      }
      case 'CreateTrigStmt':
        this.put({ kind: 'trigger', name: n.trigname, on: n.relation?.relname, runs: lastName(n.funcname), definition: text });
        break;
      case 'CreatePolicyStmt':
        this.put({ kind: 'policy', name: n.policy_name, on: n.table?.relname, definition: text });
        break;
      case 'CreatePublicationStmt':
        this.put({ kind: 'publication', name: n.pubname, definition: text });
        break;
      case 'AlterPublicationStmt': {
        const existing = this.byKey.get(this.key('publication', n.pubname));
        if (existing) existing.definition += `\n${text}`;
        break;
      }
      case 'CreateStmt':
        for (const el of n.tableElts ?? []) this.generated(n.relation?.relname, el.ColumnDef, text);
        break;
      case 'AlterTableStmt':
        for (const c of n.cmds ?? []) {
          const cmd = c.AlterTableCmd;
          if (cmd?.subtype === 'AT_AddColumn') this.generated(n.relation?.relname, cmd.def?.ColumnDef, text);
          if (cmd?.subtype === 'AT_DropColumn') this.byKey.delete(this.key('generated column', cmd.name, n.relation?.relname));
        }
        break;
      case 'DropStmt': {
        const kind = DROP_KINDS[n.removeType];
        if (!kind) break;
        for (const obj of n.objects ?? []) {
          const parts: string[] = (obj.List?.items ?? obj.ObjectWithArgs?.objname ?? [obj]).map(str).filter(Boolean);
          const name = parts[parts.length - 1] ?? str(obj);
          if (!name) continue;
          // DROP TRIGGER/POLICY name ON table: the list is [table, name].
          const on = kind === 'trigger' || kind === 'policy' ? parts[parts.length - 2] : undefined;
          this.byKey.delete(this.key(kind, name, on));
        }
        break;
      }
    }
  }

  private generated(table: string | undefined, def: Record<string, any> | undefined, text: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!table || !def) return;
    if ((def.constraints ?? []).some((c: AstNode) => (c as { Constraint?: { contype?: string } }).Constraint?.contype === 'CONSTR_GENERATED')) {
      this.put({ kind: 'generated column', name: def.colname, on: table, definition: text });
    }
  }
}

// ---- …or from a connected database (read-only catalog queries) ----

const DB_DEPENDENTS = `
  SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind, c.relname AS name, NULL AS on, NULL AS runs,
         pg_get_viewdef(c.oid) AS definition
  FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = ANY (current_schemas(false)::regnamespace[])
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.proname, NULL, NULL, p.prosrc
  FROM pg_proc p WHERE p.pronamespace = ANY (current_schemas(false)::regnamespace[]) AND p.prokind IN ('f', 'p')
  UNION ALL
  SELECT 'trigger', t.tgname, c.relname, f.proname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc f ON f.oid = t.tgfoid
  WHERE NOT t.tgisinternal AND c.relnamespace = ANY (current_schemas(false)::regnamespace[])
  UNION ALL
  SELECT 'policy', p.polname, c.relname, NULL,
         coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
  UNION ALL
  SELECT 'generated column', a.attname, c.relname, NULL, pg_get_expr(d.adbin, d.adrelid)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attgenerated <> '' AND c.relnamespace = ANY (current_schemas(false)::regnamespace[])
  UNION ALL
  SELECT 'publication', p.pubname, NULL, NULL, string_agg(pt.tablename, ' ')
  FROM pg_publication p JOIN pg_publication_tables pt ON pt.pubname = p.pubname GROUP BY p.pubname`;

export async function dependentsFromDatabase(db: Queryable): Promise<DependentObject[] | undefined> {
  let rows: Record<string, unknown>[];
  try {
    ({ rows } = await db.query(DB_DEPENDENTS));
  } catch {
    // Before PostgreSQL 12 (no generated columns): dependents stay unknown rather than failing the plan.
    return undefined;
  }
  return rows.map((r) => ({
    kind: String(r.kind) as DependentKind,
    name: String(r.name),
    on: r.on === null ? undefined : String(r.on),
    runs: r.runs === null ? undefined : String(r.runs),
    definition: String(r.definition ?? ''),
  }));
}
