/**
 * Expand / backfill / contract. Expand is what the running (old) application cannot notice: new
 * tables, columns, indexes, looser constraints. Backfill moves data. Contract is what old code
 * would trip over or what needs the data in place first: drops, renames, type changes, new
 * constraints, NOT NULL. Decided from the statement's AST; a multi-part ALTER TABLE takes the
 * latest phase of its parts.
 */
import { as, inner, kindOf, list, type AstNode } from '../parse/ast';
import type { Phase } from '../fixes/types';

export const PHASE_ORDER: readonly Phase[] = ['expand', 'backfill', 'contract'];

export function laterPhase(a: Phase, b: Phase): Phase {
  return PHASE_ORDER.indexOf(a) >= PHASE_ORDER.indexOf(b) ? a : b;
}

export interface Classified {
  phase: Phase;
  /** Why, in a few words (shown in the plan note). */
  why: string;
  /** Old application code may break once it runs: a deploy must come first. */
  breaksOldCode: boolean;
}

const BACKFILL_KINDS: Record<string, string> = {
  UpdateStmt: 'updates rows',
  InsertStmt: 'inserts rows',
  DeleteStmt: 'deletes rows',
  DoStmt: 'runs a DO block',
  CopyStmt: 'copies rows',
  CallStmt: 'calls a procedure',
  SelectStmt: 'runs a query',
  MergeStmt: 'merges rows',
  RefreshMatViewStmt: 'refreshes a materialized view',
};

export function classify(ast: AstNode): Classified {
  const kind = kindOf(ast);
  if (BACKFILL_KINDS[kind]) return { phase: 'backfill', why: BACKFILL_KINDS[kind], breaksOldCode: false };
  if (kind === 'DropStmt') {
    const type = String(inner(ast).removeType ?? '').replace(/^OBJECT_/, '').toLowerCase();
    // Old code may still read a table, view or column; an index is only missed, not needed.
    return { phase: 'contract', why: `drops a ${type}`, breaksOldCode: type !== 'index' };
  }
  if (kind === 'RenameStmt') return { phase: 'contract', why: 'renames something the old code still uses by its old name', breaksOldCode: true };
  if (kind === 'TruncateStmt') return { phase: 'contract', why: 'deletes every row', breaksOldCode: true };
  if (kind === 'AlterTableStmt') return alterTable(ast);
  return { phase: 'expand', why: 'adds something the old code does not use', breaksOldCode: false };
}

function alterTable(ast: AstNode): Classified {
  let result: Classified = { phase: 'expand', why: 'adds something the old code does not use', breaksOldCode: false };
  for (const cmd of list(inner(ast).cmds).map((c) => as(c, 'AlterTableCmd') ?? {})) {
    const part = subcommand(cmd);
    if (PHASE_ORDER.indexOf(part.phase) > PHASE_ORDER.indexOf(result.phase) || (part.phase === result.phase && part.breaksOldCode && !result.breaksOldCode)) {
      result = part;
    }
  }
  return result;
}

function subcommand(cmd: AstNode): Classified {
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const constraints = list(as(cmd.def, 'ColumnDef')?.constraints).map((c) => as(c, 'Constraint')?.contype);
      // NOT NULL with no default: the old code's INSERTs, which do not name the column, would fail.
      if (constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT') && !constraints.includes('CONSTR_IDENTITY')) {
        return { phase: 'contract', why: `adds ${as(cmd.def, 'ColumnDef')?.colname} NOT NULL without a default`, breaksOldCode: true };
      }
      return { phase: 'expand', why: `adds column ${as(cmd.def, 'ColumnDef')?.colname}`, breaksOldCode: false };
    }
    case 'AT_ColumnDefault':
      return cmd.def
        ? { phase: 'expand', why: `sets a default on ${cmd.name}`, breaksOldCode: false }
        : { phase: 'contract', why: `drops the default of ${cmd.name}, which old INSERTs may rely on`, breaksOldCode: true };
    case 'AT_DropNotNull':
    case 'AT_DropConstraint':
      return { phase: 'expand', why: 'loosens a constraint', breaksOldCode: false };
    case 'AT_ValidateConstraint':
      return { phase: 'backfill', why: `validates ${cmd.name} against existing rows`, breaksOldCode: false };
    case 'AT_AddConstraint':
    case 'AT_AddIndexConstraint':
      return { phase: 'contract', why: 'adds a constraint, which needs the data (and the code writing it) in shape', breaksOldCode: false };
    case 'AT_SetNotNull':
      return { phase: 'contract', why: `makes ${cmd.name} NOT NULL, so code writing NULL must be gone`, breaksOldCode: true };
    case 'AT_DropColumn':
      return { phase: 'contract', why: `drops column ${cmd.name}, which the old code may still read`, breaksOldCode: true };
    case 'AT_AlterColumnType':
      return { phase: 'contract', why: `changes the type of ${cmd.name}`, breaksOldCode: true };
    case 'AT_DetachPartition':
    case 'AT_DetachPartitionFinalize':
      return { phase: 'contract', why: 'detaches a partition, whose rows old queries may still expect', breaksOldCode: true };
    default:
      return { phase: 'expand', why: 'changes table settings the old code does not depend on', breaksOldCode: false };
  }
}
