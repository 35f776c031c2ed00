/**
 * PLAN.md's code sites: for each phase, the places in the application code that still use what its
 * migrations remove or constrain (a dropped column, a renamed table, a new NOT NULL), found by the
 * code-reference index. They must change in the deploy before that phase.
 */
import { codeSitesOf, uniqueSites, type CodeSite } from '../coderefs/codeSites';
import type { ReferenceLookup } from '../coderefs/index';
import type { Contract } from '../coderefs/contract';
import type { AstNode } from '../parse/ast';
import { parseChunk } from '../parse/pgParser';
import { statementsOf, type Plan } from './plan';
import type { SchemaInfo } from './schema';

/** One list per phase (same order as `plan.phases`); empty where no code stands in the way. */
export function phaseCodeSites(plan: Plan, schema: SchemaInfo, code: ReferenceLookup): CodeSite[][] {
  const known = new Set([...schema.tables.values()].map((t) => t.name));
  return plan.phases.map((phase) =>
    uniqueSites(
      phase.migrations.flatMap((m) => {
        const asts = statementsOf(m.up).map(astOf);
        // A view that takes the old name in the same transaction keeps the old code working (rename-table's plan).
        const views = new Set(m.up.kind === 'tx' ? asts.map(viewName).filter((v): v is string => !!v) : []);
        // Deployed code can only use tables that exist today; the plan's own new tables are the new code's.
        const ignore = (c: Contract) => !known.has(c.table) || (c.kind === 'rename-table' && views.has(c.table));
        return asts.flatMap((ast) => codeSitesOf(ast, code, ignore));
      }),
    ),
  );
}

function viewName(ast: AstNode | undefined): string | undefined {
  return ast && 'ViewStmt' in ast ? ((ast.ViewStmt as AstNode).view?.relname as string | undefined) : undefined;
}

function astOf(sql: string): AstNode | undefined {
  const parsed = parseChunk({ kind: 'sql', span: { start: 0, end: sql.length }, text: sql });
  return parsed.ok ? (parsed.statements[0]?.ast as AstNode | undefined) : undefined;
}
