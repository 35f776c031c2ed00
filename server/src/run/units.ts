/**
 * A migration file as `lockstep run` executes it: units, each one transaction (or one autocommit
 * statement), in the order and with the transaction boundaries the file's runner would use. The
 * document model already decides those boundaries (document/runner.ts); this only groups by them,
 * so `run` can never disagree with what the linter said about the same file.
 */
import type { MigrationDocument, StatementInfo } from '../document/model';
import { blockedBy, strongest, type LockMode } from '../locks/modes';
import { baseName, inner, kindOf, names, rangeVarName, type AstNode } from '../parse/ast';
import { LineIndex } from '../parse/positions';

export interface UnitStatement {
  /** The statement's index in the document. */
  index: number;
  text: string;
  /** 1-based line in the file, for logs. */
  line: number;
}

export interface RunUnit {
  /** 0-based position among the file's units: the journal's key. */
  ordinal: number;
  statements: UnitStatement[];
  /** Lockstep wraps the unit in BEGIN … COMMIT (the runner would run it in one transaction). */
  transactional: boolean;
  /** Some statement takes a lock that blocks ordinary reads or writes of a relation that exists. */
  blocking: boolean;
  /** The strongest lock it takes on each existing relation: who holds a conflicting one is whom it waits for. */
  locks: { relation: string; mode: LockMode }[];
  /** A CREATE INDEX CONCURRENTLY: an interrupted or cancelled build leaves an INVALID index to handle. */
  concurrentIndex?: { name: string; table: string };
  /**
   * A CALL of a scaffolded batch procedure (`<plan>_backfill`, `<plan>_restore`): it commits per
   * batch and records its high-water mark in `<plan>_progress`, so calling it again resumes it.
   */
  resumableCall?: { procedure: string; progressTable: string };
}

export type UnitsResult = { ok: true; units: RunUnit[] } | { ok: false; problem: string };

/** BEGIN/COMMIT in the file: `run` opens and closes the transactions itself, from the model's boundaries. */
function isTransactionControl(stmt: StatementInfo): boolean {
  if (stmt.kind !== 'TransactionStmt') return false;
  const kind = String(inner(stmt.ast).kind ?? '');
  return ['TRANS_STMT_BEGIN', 'TRANS_STMT_START', 'TRANS_STMT_COMMIT'].includes(kind);
}

function isRollback(stmt: StatementInfo): boolean {
  return stmt.kind === 'TransactionStmt' && String(inner(stmt.ast).kind) === 'TRANS_STMT_ROLLBACK';
}

function takesBlockingLock(stmt: StatementInfo): boolean {
  return stmt.locks.effects.some((e) => {
    if (e.created) return false;
    const blocks = blockedBy(e.mode, e.kind);
    return blocks.reads || blocks.writes;
  });
}

function concurrentIndexOf(stmt: StatementInfo): RunUnit['concurrentIndex'] {
  if (kindOf(stmt.ast) !== 'IndexStmt') return undefined;
  const s = inner(stmt.ast);
  if (!s.concurrent || typeof s.idxname !== 'string') return undefined;
  return { name: s.idxname, table: baseName(rangeVarName(s.relation)) };
}

const BATCH_PROCEDURE = /^(.+)_(backfill|restore)$/;

function resumableCallOf(stmt: StatementInfo): RunUnit['resumableCall'] {
  if (kindOf(stmt.ast) !== 'CallStmt') return undefined;
  const call = inner(stmt.ast).funccall as AstNode | undefined;
  const procedure = names((call?.FuncCall ?? call)?.funcname).join('.');
  const m = BATCH_PROCEDURE.exec(procedure);
  return m ? { procedure, progressTable: `${m[1]}_progress` } : undefined;
}

/** The up migration of `doc` as units; a file `run` cannot execute faithfully is refused with the reason. */
export function unitsOf(doc: MigrationDocument): UnitsResult {
  const lines = new LineIndex(doc.text);
  const lineAt = (offset: number) => lines.positionAt(offset).line + 1;
  if (doc.syntaxErrors.length) return { ok: false, problem: `line ${lineAt(doc.syntaxErrors[0].span.start)}: ${doc.syntaxErrors[0].message}` };
  if (doc.metaCommands.length) return { ok: false, problem: `line ${lineAt(doc.metaCommands[0].span.start)}: psql meta-commands are not SQL; run this file with psql under \`lockstep watch\`` };
  if (doc.notAnalysed.length) return { ok: false, problem: `line ${lineAt(doc.notAnalysed[0].span.start)}: ${doc.notAnalysed[0].reason}` };
  const units: RunUnit[] = [];
  let open: { id: number; unit: RunUnit } | undefined;
  for (const stmt of doc.statements) {
    if (stmt.section === 'down' || isTransactionControl(stmt)) continue;
    if (isRollback(stmt)) return { ok: false, problem: `line ${lineAt(stmt.span.start)}: the file rolls its own transaction back; run cannot tell what it means to apply` };
    if (stmt.inTransaction && !stmt.locks.transactional) {
      return { ok: false, problem: `line ${lineAt(stmt.span.start)}: ${stmt.kind} cannot run inside a transaction, and this file's runner wraps it in one (\`lockstep lint --fix\` moves it out)` };
    }
    const entry: UnitStatement = { index: stmt.index, text: stmt.text, line: lineAt(stmt.span.start) };
    const sameTransaction = open && stmt.inTransaction && open.id === stmt.transactionId;
    const unit: RunUnit = sameTransaction
      ? open!.unit
      : { ordinal: units.length, statements: [], transactional: stmt.inTransaction, blocking: false, locks: [] };
    if (!sameTransaction) {
      units.push(unit);
      open = stmt.inTransaction ? { id: stmt.transactionId, unit } : undefined;
    }
    unit.statements.push(entry);
    unit.blocking ||= takesBlockingLock(stmt);
    for (const e of stmt.locks.effects) {
      if (e.created || e.kind === 'type') continue;
      const held = unit.locks.find((l) => l.relation === e.object);
      if (held) held.mode = strongest(held.mode, e.mode);
      else unit.locks.push({ relation: e.object, mode: e.mode });
    }
    unit.concurrentIndex ??= concurrentIndexOf(stmt);
    unit.resumableCall ??= resumableCallOf(stmt);
  }
  return { ok: true, units };
}
