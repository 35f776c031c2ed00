/**
 * Session settings that change how dangerous a statement is: today, whether a lock_timeout
 * bounds how long it may queue for its lock (a queued ACCESS EXCLUSIVE blocks everyone behind it).
 */
import { AstNode, as, inner, kindOf, list } from '../parse/ast';

export class SessionSettings {
  private session = false;
  private local = false;

  get lockTimeoutSet(): boolean {
    return this.local || this.session;
  }

  apply(stmt: AstNode, inTransaction: boolean): void {
    const change = lockTimeoutChange(stmt);
    if (!change) return;
    if (change.local) {
      // SET LOCAL outside a transaction is a no-op (PostgreSQL warns).
      if (inTransaction) this.local = change.enabled;
    } else {
      this.session = change.enabled;
      this.local = false;
    }
  }

  endTransaction(): void {
    this.local = false;
  }
}

interface Change {
  enabled: boolean;
  local: boolean;
}

/** `SET [LOCAL] lock_timeout = …`, `RESET lock_timeout`, `SELECT set_config('lock_timeout', …, is_local)`. */
function lockTimeoutChange(stmt: AstNode): Change | undefined {
  if (kindOf(stmt) === 'VariableSetStmt') {
    const s = inner(stmt);
    if (s.name !== 'lock_timeout' && s.name !== undefined) return undefined;
    if (s.kind === 'VAR_RESET_ALL') return { enabled: false, local: false };
    if (s.name !== 'lock_timeout') return undefined;
    if (s.kind === 'VAR_RESET' || s.kind === 'VAR_SET_DEFAULT') return { enabled: false, local: !!s.is_local };
    const value = constantText(list(s.args)[0]);
    return { enabled: !isZero(value), local: !!s.is_local };
  }
  if (kindOf(stmt) === 'SelectStmt') {
    for (const target of list(inner(stmt).targetList)) {
      const call = as(as(target, 'ResTarget')?.val, 'FuncCall');
      const fname = call?.funcname?.[call.funcname.length - 1]?.String?.sval;
      if (fname !== 'set_config') continue;
      const [name, value, isLocal] = list(call!.args).map(constantText);
      if (name !== 'lock_timeout') continue;
      return { enabled: !isZero(value), local: isLocal === 'true' || isLocal === 't' };
    }
  }
  return undefined;
}

function constantText(node: AstNode | undefined): string | undefined {
  const c = as(node, 'A_Const') ?? as(as(node, 'TypeCast')?.arg, 'A_Const');
  if (!c) return undefined;
  if (c.sval) return c.sval.sval ?? '';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.boolval) return String(c.boolval.boolval ?? false);
  return undefined;
}

function isZero(value: string | undefined): boolean {
  return value === undefined || /^\s*0\s*(ms|s|min|h|d)?\s*$/i.test(value);
}
