import { as, inner, kindOf, list } from '../parse/ast';
import { describeLock } from './describe';
import { preexisting } from './migration';
import type { Rule } from './types';

/**
 * Domain constraints are checked against every column of the domain, under SHARE locks that
 * block writes; unlike table constraints, VALIDATE takes the same SHARE lock, so NOT VALID only
 * moves the outage.
 */
export const rule: Rule = {
  id: 'domain-check',
  title: 'Constraints on domains lock and scan every table that uses them',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['CreateDomainStmt', 'AlterDomainStmt'],
  examples: {
    setup: 'CREATE DOMAIN amount AS numeric;\nCREATE TABLE invoices (id bigint PRIMARY KEY, total amount);',
    flagged: 'ALTER DOMAIN amount ADD CONSTRAINT amount_nonneg CHECK (VALUE >= 0);',
    clean:
      'ALTER TABLE invoices ADD CONSTRAINT invoices_total_nonneg CHECK (total >= 0) NOT VALID;\n' +
      'ALTER TABLE invoices VALIDATE CONSTRAINT invoices_total_nonneg;',
  },
  check(stmt, { doc }) {
    const kind = kindOf(stmt.ast);
    const s = inner(stmt.ast);
    if (kind === 'CreateDomainStmt') {
      if (!list(s.constraints).some((c) => as(c, 'Constraint')?.contype === 'CONSTR_CHECK')) return [];
      return [
        {
          severity: 'info',
          message:
            'A CHECK on a domain is re-checked against every column of the domain whenever a constraint is added to it or validated, locking each of those tables against writes while it reads them. ' +
            'Prefer CHECK constraints on the tables, which can be added NOT VALID and validated without blocking writes.',
        },
      ];
    }
    if (kind !== 'AlterDomainStmt') return [];
    const part = stmt.locks.parts[0];
    if (!part || part.reasons.length === 0) return []; // NOT VALID, DROP CONSTRAINT, defaults: nothing is checked
    const tables = part.effects.filter((e) => e.kind === 'table' && preexisting(doc, stmt, e.object));
    if (part.effects.length > 0 && tables.length === 0) return []; // only tables this migration created use it
    const locks = tables.length ? `takes ${tables.map(describeLock).join(', ')}, and ${part.reasons.join('; ')}` : part.reasons.join('; ');
    const validate = s.subtype === 'V' ? ' VALIDATE on a domain blocks writes just like the add, unlike VALIDATE on a table.' : '';
    return [
      {
        message: `${part.label} ${locks}.${validate} Instead, add CHECK constraints on the tables NOT VALID and VALIDATE them in a later transaction (that lets reads and writes continue).`,
      },
    ];
  },
};
