import { affectedBy, contractTarget } from '../coderefs/affected';
import { contractsOf, removesName, type Contract } from '../coderefs/contract';
import type { RelatedLocation } from '../findings';
import { inRollback, preexisting } from './migration';
import type { Rule, RuleHit } from './types';

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
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, username text, nickname text);',
    code: [{ path: 'src/users.ts', text: "export const byName = (db, name) => db.query('SELECT id FROM users WHERE username = $1', [name]);\n" }],
    flagged: 'ALTER TABLE users DROP COLUMN username;',
    clean: '-- no code uses users.nickname:\nALTER TABLE users DROP COLUMN nickname;',
  },
  check(stmt, { doc, code }) {
    if (!code || inRollback(doc, stmt)) return [];
    const hits: RuleHit[] = [];
    for (const c of contractsOf(stmt.ast)) {
      // A table created by this same migration cannot be used by deployed code yet.
      if (!preexisting(doc, stmt, c.table)) continue;
      const affected = affectedBy(c, code);
      if (affected.length === 0) continue;
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
        severity: removesName(c.kind) ? undefined : 'warning',
        message: `${WHAT[c.kind]} ${target} while the application code still uses it: ${related.length} reference${related.length === 1 ? '' : 's'} (${named.join(', ')}${more}). ${advice}`,
        related,
      });
    }
    return hits;
  },
};
