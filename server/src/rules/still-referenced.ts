import { affectedBy, contractTarget } from '../coderefs/affected';
import { contractsOf, removesName, type Contract } from '../coderefs/contract';
import { contractSpan } from '../coderefs/contractSpan';
import type { StatementInfo } from '../document/model';
import type { RelatedLocation } from '../findings';
import { ruleSetting } from './index';
import { inRollback, preexisting } from './migration';
import type { Rule, RuleContext, RuleHit } from './types';

/** How many locations the message itself names; all of them are in the finding's related information. */
const NAMED_IN_MESSAGE = 3;

const WHAT: Record<Contract['kind'], string> = {
  'drop-table': 'Dropping',
  'rename-table': 'Renaming',
  'drop-column': 'Dropping',
  'rename-column': 'Renaming',
  'type-change': 'Changing the type of',
  'set-not-null': 'Making NOT NULL',
  'required-column': 'Adding the required column',
  check: 'The new CHECK on',
  'foreign-key': 'The new FOREIGN KEY on',
};

/**
 * A contract statement (DROP/RENAME of a table or column, a type change, a new NOT NULL, CHECK or
 * FOREIGN KEY) while the application code still uses what it removes or constrains. Needs the code
 * index (`lockstep lint --code`, the language server): without it the rule says nothing.
 */
export const rule: Rule = {
  id: 'still-referenced',
  title: 'A contract statement removes or constrains what the application code still uses',
  category: 'breaking-change',
  defaultSeverity: 'error',
  usesCode: true,
  reach: {},
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, username text, nickname text);',
    code: [{ path: 'src/users.ts', text: "export const byName = (db, name) => db.query('SELECT id FROM users WHERE username = $1', [name]);\n" }],
    flagged: 'ALTER TABLE users DROP COLUMN username;',
    clean: '-- no code uses users.nickname:\nALTER TABLE users DROP COLUMN nickname;',
  },
  check(stmt, { doc, code }) {
    if (!code || inRollback(doc, stmt)) return [];
    const hits: RuleHit[] = [];
    for (const { contract: c, affected } of referencedContracts(stmt, { doc, code })) {
      const related: RelatedLocation[] = affected.map(({ ref, why }) => ({
        file: ref.file,
        path: ref.path,
        line: ref.line,
        column: ref.column1,
        endLine: ref.endLine,
        endColumn: ref.endColumn1,
        message: why,
      }));
      const named = related.slice(0, NAMED_IN_MESSAGE).map((r) => `${r.path}:${r.line}`);
      const more = related.length > NAMED_IN_MESSAGE ? ` and ${related.length - NAMED_IN_MESSAGE} more` : '';
      const target = contractTarget(c);
      const advice = removesName(c.kind)
        ? `Ship code that no longer uses ${target} first, then run this in a later deploy.`
        : `Make sure every one of them writes values the new schema accepts, or change them first.`;
      hits.push({
        span: contractSpan(stmt, c),
        severity: removesName(c.kind) ? undefined : 'warning',
        message: `${WHAT[c.kind]} ${target} while the application code still uses it: ${related.length} reference${related.length === 1 ? '' : 's'} (${named.join(', ')}${more}). ${advice}`,
        related,
      });
    }
    return hits;
  },
};

/** The statement's contracts that the code still uses, with the references (tables this migration created do not count). */
function referencedContracts(stmt: StatementInfo, { doc, code }: Pick<RuleContext, 'doc' | 'code'>) {
  if (!code) return [];
  return contractsOf(stmt.ast)
    // A table created by this same migration cannot be used by deployed code yet.
    .filter((c) => preexisting(doc, stmt, c.table))
    .map((contract) => ({ contract, affected: affectedBy(contract, code) }))
    .filter((x) => x.affected.length > 0);
}

/**
 * Whether still-referenced reports this drop or rename (the code index is known, the rule is on, and
 * code uses the name). The generic drop-/rename- rules then stay quiet: still-referenced says the same
 * thing with the code that breaks, as an error, so a second, vaguer finding on the same name is noise.
 * With no index, or no reference, the generic warning stays: deployed versions may differ from the
 * workspace's code.
 */
export function reportedByStillReferenced(stmt: StatementInfo, ctx: RuleContext, kind: Contract['kind'], table: string, column?: string): boolean {
  if (!ctx.code || ruleSetting(ctx.config, rule.id) === 'off' || inRollback(ctx.doc, stmt)) return false;
  return referencedContracts(stmt, ctx).some(({ contract: c }) => c.kind === kind && c.table === table && c.column === column);
}
