/** SET NOT NULL → CHECK … NOT VALID, VALIDATE, SET NOT NULL, DROP CONSTRAINT (PostgreSQL 12+ only). */
import { as, inner, kindOf } from '../parse/ast';
import { notNullCheckName, notNullSteps } from './notNull';
import { relationSql, withSemicolon } from './sql';
import { scanTokens } from './tokens';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'set-not-null',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt' || ctx.config.pgVersion < 12) return [];
    const column = flaggedColumn(ctx.text.slice(ctx.finding.span.start, ctx.finding.span.end));
    const commands = stmt.locks.parts.filter((p) => p.action === 'AT_SetNotNull').map((p) => as(p.node, 'AlterTableCmd'));
    const cmd = commands.find((c) => c?.name === column) ?? (commands.length === 1 ? commands[0] : undefined);
    if (!cmd?.name) return [];
    const s = inner(stmt.ast);
    const table = relationSql(s.relation);
    const check = notNullCheckName(ctx.result.document, ctx.schema, s.relation.relname, cmd.name);
    const original = { sql: withSemicolon(stmt.text), tx: 'same' as const, edits: [], slug: `${cmd.name}_set_not_null` };
    return [
      {
        title: `Prove ${cmd.name} NOT NULL with a validated CHECK first (no scan under ACCESS EXCLUSIVE)`,
        steps: notNullSteps(table, cmd.name, check, original),
        safe: true,
      },
    ];
  },
};

/** The column named in the underlined `ALTER [COLUMN] col SET NOT NULL` (the identifier before SET), as PostgreSQL folds it. */
function flaggedColumn(underlined: string): string | undefined {
  const tokens = scanTokens(underlined);
  const set = tokens.findIndex((t) => t.keyword === 'SET');
  const name = tokens[set - 1]?.text;
  if (!name) return undefined;
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
