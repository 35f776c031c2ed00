/**
 * DROP INDEX → DROP INDEX CONCURRENTLY. PostgreSQL drops only one index per CONCURRENTLY
 * statement and refuses CASCADE, so a list becomes one statement per index, and CASCADE gets no fix.
 */
import { inner, kindOf, list } from '../parse/ast';
import { insertAfter, sourceOf, statementWith, withSemicolon } from './sql';
import { findKeyword, topLevelSegments, tokensOf } from './tokens';
import type { FixProvider, Step } from './types';

export const fix: FixProvider = {
  ruleId: 'require-concurrent-drop-index',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'DropStmt') return [];
    const s = inner(stmt.ast);
    if (s.removeType !== 'OBJECT_INDEX' || s.concurrent || s.behavior === 'DROP_CASCADE') return [];
    const tokens = tokensOf(stmt);
    const index = findKeyword(tokens, 'INDEX');
    if (index < 0) return [];
    const objects = list(s.objects);
    if (objects.length === 1) {
      const edits = [insertAfter(tokens[index], ' CONCURRENTLY')];
      const step: Step = { sql: withSemicolon(statementWith(stmt, edits)), tx: 'outside', edits, slug: 'drop_index_concurrently' };
      return [{ title: 'Drop the index CONCURRENTLY', steps: [step], safe: true }];
    }
    // DROP INDEX [IF EXISTS] a, b [RESTRICT]: one DROP INDEX CONCURRENTLY per name, as written.
    let first = index + 1;
    const ifExists = tokens[first]?.keyword === 'IF' && tokens[first + 1]?.keyword === 'EXISTS';
    if (ifExists) first += 2;
    let last = tokens.length - 1;
    while (last > first && (tokens[last].text === ';' || tokens[last].keyword === 'RESTRICT')) last--;
    const names = topLevelSegments(tokens, first, last).map(([a, b]) => sourceOf(stmt, tokens, a, b));
    if (names.length !== objects.length) return [];
    const steps: Step[] = names.map((name) => ({
      sql: `DROP INDEX CONCURRENTLY ${ifExists ? 'IF EXISTS ' : ''}${name};`,
      tx: 'outside',
      slug: 'drop_index_concurrently',
    }));
    return [{ title: `Drop the ${names.length} indexes CONCURRENTLY, one statement each`, steps, safe: true }];
  },
};
