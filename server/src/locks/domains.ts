/**
 * CREATE DOMAIN and ALTER DOMAIN. A domain constraint is checked against every column that
 * uses the domain: PostgreSQL locks each such table SHARE (blocking writes) and reads it in full.
 */
import { as, kindOf, names, type AstNode } from '../parse/ast';
import { effect } from './queries';
import type { LockContext, LockEffect } from './types';
import type { StatementFacts } from './statements';

const OTHER_LABELS: Record<string, string> = { X: 'DROP CONSTRAINT', N: 'DROP NOT NULL', T: 'SET/DROP DEFAULT' };

/** Each table with a column of `domain`, locked and scanned as validation does. */
function validationOf(domain: string, ctx: LockContext): LockEffect[] {
  const tables = [...new Set(ctx.catalog.columnsOfType(domain).map((c) => c.table))];
  return tables.map((t) => effect(t, 'table', 'ShareLock', { scan: true }));
}

export function createDomain(s: AstNode, _ctx: LockContext, node: AstNode): StatementFacts {
  const domain = names(s.domainname).pop() ?? '';
  return { parts: [{ label: `CREATE DOMAIN ${domain}`, node, action: kindOf(node), effects: [], reasons: [] }] };
}

/** `subtype`: C add constraint, V validate, X drop constraint, O set NOT NULL, N drop NOT NULL, T default. */
export function alterDomain(s: AstNode, ctx: LockContext, node: AstNode): StatementFacts {
  const domain = names(s.typeName).pop() ?? '';
  const con = as(s.def, 'Constraint');
  const part = (label: string, effects: LockEffect[], reasons: string[] = []) => ({
    parts: [{ label: `ALTER DOMAIN ${domain} ${label}`, node, action: kindOf(node), effects, reasons }],
  });
  const validating = (label: string) => {
    const effects = validationOf(domain, ctx);
    const where = effects.length ? effects.map((e) => e.object).join(', ') : 'every table with a column of this domain';
    return part(label, effects, [`every row of ${where} is checked while SHARE blocks writes`]);
  };
  switch (s.subtype) {
    case 'C':
      if (con?.skip_validation) return part(`ADD CONSTRAINT ${con.conname ?? ''} NOT VALID`.replace(/\s+/g, ' '), []);
      return validating(`ADD CONSTRAINT ${con?.conname ?? ''}`.trim());
    case 'V':
      return validating(`VALIDATE CONSTRAINT ${s.name ?? ''}`.trim());
    case 'O':
      return validating('SET NOT NULL');
    default:
      return part(OTHER_LABELS[s.subtype] ?? 'ALTER', []);
  }
}
