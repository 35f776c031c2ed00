/**
 * Session settings that change how dangerous a statement is: the lock_timeout that bounds how
 * long it may queue for its lock (a queued ACCESS EXCLUSIVE blocks everyone behind it), and the
 * TimeZone, which decides whether timestamp ↔ timestamptz rewrites the table.
 */
import { AstNode, as, inner, kindOf, list } from '../parse/ast';

export class SessionSettings {
  /** Milliseconds; 0 means no timeout. `local` (SET LOCAL) wins until the transaction ends. */
  private session = 0;
  private local: number | undefined;
  private searchSession: string | undefined;
  private searchLocal: string | undefined;

  /** The first schema of search_path, when the migration set it (undefined: the server's default). */
  get searchSchema(): string | undefined {
    return this.searchLocal ?? this.searchSession;
  }

  /** The lock_timeout in force, in milliseconds (0: none). */
  get lockTimeoutMs(): number {
    return this.local ?? this.session;
  }

  /** Whether the session TimeZone is UTC (a fixed zero offset); undefined while only the server's default applies. */
  private zone: { session?: boolean; local?: boolean; localSet: boolean } = { localSet: false };

  get timeZoneIsUtc(): boolean | undefined {
    return this.zone.localSet ? this.zone.local : this.zone.session;
  }

  /** check_function_bodies: off skips the analysis of a SQL function's string body at CREATE (and its locks). */
  private bodies: { session: boolean; local?: boolean } = { session: true };

  get checkFunctionBodies(): boolean {
    return this.bodies.local ?? this.bodies.session;
  }

  apply(stmt: AstNode, inTransaction: boolean): void {
    this.applyTimeZone(stmt, inTransaction);
    this.applyCheckFunctionBodies(stmt, inTransaction);
    const path = searchPathChange(stmt);
    if (path && path.local) {
      if (inTransaction) this.searchLocal = path.schema;
    } else if (path) {
      this.searchSession = path.schema;
      this.searchLocal = undefined;
    }
    const change = lockTimeoutChange(stmt);
    if (!change) return;
    if (change.local) {
      // SET LOCAL outside a transaction is a no-op (PostgreSQL warns).
      if (inTransaction) this.local = change.ms;
    } else {
      this.session = change.ms;
      this.local = undefined;
    }
  }

  endTransaction(): void {
    this.local = undefined;
    this.bodies = { session: this.bodies.session };
    this.zone = { session: this.zone.session, localSet: false };
    this.searchLocal = undefined;
  }

  private applyCheckFunctionBodies(stmt: AstNode, inTransaction: boolean): void {
    const change = settingChange(stmt, 'check_function_bodies');
    if (!change) return;
    // RESET (and the server default) turn it on.
    const on = !isOff(change.value);
    if (!change.local) this.bodies = { session: on };
    else if (inTransaction) this.bodies = { ...this.bodies, local: on };
  }

  private applyTimeZone(stmt: AstNode, inTransaction: boolean): void {
    const change = timeZoneChange(stmt);
    if (!change) return;
    if (change.local) {
      if (inTransaction) this.zone = { ...this.zone, local: change.utc, localSet: true };
    } else {
      this.zone = { session: change.utc, localSet: false };
    }
  }
}

/** Zone names with a fixed zero offset: PostgreSQL 12+ then relabels timestamp ↔ timestamptz without a rewrite. */
const UTC_ZONES = /^(etc\/)?(utc|uct|gmt|gmt[+-]?0|greenwich|universal|zulu|z)$|^[+-]?0+(:00)*$|^utc[+-]?0$/i;

/** `SET [LOCAL] timezone|TIME ZONE …` and `RESET timezone`: is the new zone UTC (undefined: the server's default)? */
function timeZoneChange(stmt: AstNode): { utc: boolean | undefined; local: boolean } | undefined {
  if (kindOf(stmt) !== 'VariableSetStmt') return undefined;
  const s = inner(stmt);
  if (s.kind === 'VAR_RESET_ALL') return { utc: undefined, local: false };
  if (String(s.name ?? '').toLowerCase() !== 'timezone') return undefined;
  const local = !!s.is_local;
  if (s.kind !== 'VAR_SET_VALUE') return { utc: undefined, local };
  const arg = list(s.args)[0];
  // `SET TIME ZONE 0` and `INTERVAL '+00:00'` are offsets; anything else is a zone name.
  const value = as(arg, 'A_Const')?.ival !== undefined ? String(as(arg, 'A_Const')!.ival.ival ?? 0) : constantText(arg);
  return { utc: value === undefined ? undefined : UTC_ZONES.test(value.trim()), local };
}

export interface LockTimeoutChange {
  ms: number;
  local: boolean;
}

/** `SET [LOCAL] lock_timeout = …`, `RESET lock_timeout`, `SELECT set_config('lock_timeout', …, is_local)`. */
export function lockTimeoutChange(stmt: AstNode): LockTimeoutChange | undefined {
  return timeoutChange(stmt, 'lock_timeout');
}

/** `SET [LOCAL] <setting> = …`, `RESET <setting>`, `SELECT set_config('<setting>', …, is_local)`, for a time setting. */
export function timeoutChange(stmt: AstNode, setting: string): LockTimeoutChange | undefined {
  const change = settingChange(stmt, setting);
  return change && { ms: change.value === undefined ? 0 : durationMs(change.value), local: change.local };
}

/** A change of `setting` by this statement: its new value as written (undefined: back to the default). */
export function settingChange(stmt: AstNode, setting: string): { value?: string; local: boolean } | undefined {
  if (kindOf(stmt) === 'VariableSetStmt') {
    const s = inner(stmt);
    if (s.kind === 'VAR_RESET_ALL') return { local: false };
    if (s.name !== setting) return undefined;
    if (s.kind === 'VAR_RESET' || s.kind === 'VAR_SET_DEFAULT') return { local: !!s.is_local };
    return { value: constantText(list(s.args)[0]), local: !!s.is_local };
  }
  if (kindOf(stmt) === 'SelectStmt') {
    for (const target of list(inner(stmt).targetList)) {
      const call = as(as(target, 'ResTarget')?.val, 'FuncCall');
      const fname = call?.funcname?.[call.funcname.length - 1]?.String?.sval;
      if (fname !== 'set_config') continue;
      const [name, value, isLocal] = list(call!.args).map(constantText);
      if (name !== setting) continue;
      return { value, local: isLocal === 'true' || isLocal === 't' };
    }
  }
  return undefined;
}

/** `SET [LOCAL] search_path TO a, b` → `a` (skipping `$user`), `RESET search_path` → undefined. */
function searchPathChange(stmt: AstNode): { schema: string | undefined; local: boolean } | undefined {
  if (kindOf(stmt) !== 'VariableSetStmt') return undefined;
  const s = inner(stmt);
  if (s.kind === 'VAR_RESET_ALL') return { schema: undefined, local: false };
  if (s.name !== 'search_path') return undefined;
  const schema = list(s.args).map(constantText).find((v) => v !== undefined && v !== '$user');
  return { schema: s.kind === 'VAR_SET_VALUE' ? schema : undefined, local: !!s.is_local };
}

/** A boolean setting's value written as off (`off`, `false`, `no`, `0`, or a unique prefix of them). */
export function isOff(value: string | undefined): boolean {
  return value !== undefined && /^(off?|f(a(l(se?)?)?)?|no?|0)$/i.test(value.trim());
}

function constantText(node: AstNode | undefined): string | undefined {
  const c = as(node, 'A_Const') ?? as(as(node, 'TypeCast')?.arg, 'A_Const');
  if (!c) return undefined;
  if (c.sval) return c.sval.sval ?? '';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.boolval) return String(c.boolval.boolval ?? false);
  return undefined;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** PostgreSQL's time setting syntax: `500`, `500ms`, `2s`, `1 min`. A bare number is milliseconds. */
export function durationMs(value: string | undefined): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/i.exec(value ?? '');
  if (!m) return 0;
  return Number(m[1]) * UNIT_MS[(m[2] ?? 'ms').toLowerCase()];
}
