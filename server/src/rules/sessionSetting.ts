/**
 * The value of a session setting (statement_timeout, session_replication_role, …) when a statement
 * starts, replayed from the SETs before it in its section: a plain SET lasts for the session, SET LOCAL
 * to the end of its transaction (outside one it does nothing).
 */
import type { MigrationDocument, StatementInfo } from '../document/model';
import { settingChange } from '../document/settings';

export interface SettingInForce {
  /** As written; undefined: the server's default. */
  value?: string;
  /** The statement that set it. */
  by?: StatementInfo;
}

export function settingBefore(doc: MigrationDocument, stmt: StatementInfo, setting: string): SettingInForce {
  let session: SettingInForce = {};
  let local: (SettingInForce & { tx: number }) | undefined;
  for (const s of doc.statements.slice(0, stmt.index)) {
    if (s.section !== stmt.section) continue;
    const change = settingChange(s.ast, setting);
    if (!change) continue;
    if (change.local) {
      if (s.inTransaction) local = { value: change.value, by: s, tx: s.transactionId };
    } else {
      session = { value: change.value, by: s };
      local = undefined;
    }
  }
  return local && stmt.inTransaction && stmt.transactionId === local.tx ? local : session;
}

/** The statement before `stmt` in its section, looking past SETs (a guard `DROP … IF EXISTS` may sit before a `SET statement_timeout`). */
export function previousIgnoringSets(doc: MigrationDocument, stmt: StatementInfo): StatementInfo | undefined {
  for (let i = stmt.index - 1; i >= 0; i--) {
    const s = doc.statements[i];
    if (s.section !== stmt.section) return undefined;
    if (s.kind !== 'VariableSetStmt') return s;
  }
  return undefined;
}
