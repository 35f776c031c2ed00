/**
 * A CHECK matching a single-column range bound on the new partition, right before the ATTACH: its
 * validation scans only the new table (nobody else's yet), and ATTACH then skips the scan under the
 * parent's lock. Not part of fix-all: it adds a constraint (redundant with the partition bound once
 * attached; drop it later if you like).
 */
import { as, baseName, inner, rangeVarName, type AstNode } from '../parse/ast';
import { nameTaken, quoteIdent, unusedName } from './names';
import { insertLinesBefore } from './textEdits';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'attach-new-partition',
  edits(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || !/loaded into/.test(ctx.finding.message)) return [];
    const part = stmt.locks.parts.find((p) => p.action === 'AT_AttachPartition');
    const pc = as(as(part?.node, 'AlterTableCmd')?.def, 'PartitionCmd');
    const partition = baseName(rangeVarName(pc?.name));
    const parent = baseName(rangeVarName(inner(stmt.ast as AstNode).relation));
    const key = [ctx.schema, ctx.result.document.catalog].map((c) => c?.relation(parent)?.partitionKey).find((k) => k?.length === 1)?.[0];
    // FROM (a) TO (b), one column, written as the statement wrote it.
    const bound = /FOR\s+VALUES\s+FROM\s*\(([^(),]+)\)\s*TO\s*\(([^(),]+)\)/i.exec(stmt.text);
    if (!key || key === 'expr' || !bound || /^\s*(MINVALUE|MAXVALUE)\s*$/i.test(bound[1]) || /^\s*(MINVALUE|MAXVALUE)\s*$/i.test(bound[2])) return [];
    const name = unusedName(`${partition}_bound`, nameTaken(ctx.result.document, ctx.schema));
    const column = quoteIdent(key);
    const check = `ALTER TABLE ${quoteIdent(partition)} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${column} IS NOT NULL AND ${column} >= ${bound[1].trim()} AND ${column} < ${bound[2].trim()});`;
    const edits = [insertLinesBefore(ctx.text, stmt.span.start, [check])];
    return [{ title: `Prove the bound on ${partition} with a CHECK before attaching it`, ruleId: 'attach-new-partition', edits, files: [], safe: false }];
  },
};
