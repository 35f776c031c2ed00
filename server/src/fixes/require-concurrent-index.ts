/**
 * CREATE INDEX → CREATE INDEX CONCURRENTLY, written right after the `INDEX` keyword. On a
 * partitioned table (where CONCURRENTLY is refused) it becomes the documented sequence instead:
 * an index ON ONLY the parent, each partition's index built CONCURRENTLY, then attached.
 * The user's IF NOT EXISTS is kept but never added: it would hide an INVALID leftover of a failed build.
 */
import { baseName, inner, kindOf, list, as } from '../parse/ast';
import type { StatementInfo } from '../document/model';
import { generatedName, quoteIdent } from './names';
import { insertAfter, relationSql, statementWith, withSemicolon } from './sql';
import { findKeyword, tokenIndexAt, tokensOf } from './tokens';
import type { FixContext, FixProvider, Rewrite, Step } from './types';

export const fix: FixProvider = {
  ruleId: 'require-concurrent-index',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'IndexStmt') return [];
    const s = inner(stmt.ast);
    if (s.concurrent) return [];
    const tokens = tokensOf(stmt);
    const index = findKeyword(tokens, 'INDEX');
    if (index < 0) return [];
    const partitions = stmt.locks.effects.filter((e) => e.implied && e.kind === 'table').map((e) => e.object);
    if (partitions.length) return partitionedRewrite(ctx, stmt, partitions);
    const edits = [insertAfter(tokens[index], ' CONCURRENTLY')];
    const name = s.idxname ? qualified(s, s.idxname) : undefined;
    const step: Step = {
      sql: withSemicolon(statementWith(stmt, edits)),
      tx: 'outside',
      edits,
      slug: `${s.idxname ?? baseName(s.relation?.relname ?? 'index')}_concurrently`,
      undo: name ? `DROP INDEX CONCURRENTLY IF EXISTS ${name};` : undefined,
    };
    // A failed CONCURRENTLY build leaves an INVALID index of that name: drop it first so a rerun works.
    const leftover: Step[] = name ? [{ sql: `DROP INDEX CONCURRENTLY IF EXISTS ${name};`, tx: 'outside', slug: step.slug }] : [];
    // Without the DROP when the runner cannot run two statements outside a transaction in one file (golang-migrate).
    return [
      { title: 'Build the index CONCURRENTLY', steps: [...leftover, step], safe: true },
      ...(leftover.length ? [{ title: 'Build the index CONCURRENTLY', steps: [step], safe: true }] : []),
    ];
  },
};

/** `schema.name` for an index in the table's schema (indexes live in their table's schema). */
function qualified(s: ReturnType<typeof inner>, name: string): string {
  return [s.relation?.schemaname, name].filter(Boolean).map(quoteIdent).join('.');
}

/**
 * ON ONLY parent (no scan), then per partition: CREATE INDEX CONCURRENTLY on the partition and
 * ALTER INDEX parent ATTACH PARTITION. The parent index becomes valid once every partition is attached.
 */
function partitionedRewrite(ctx: FixContext, stmt: StatementInfo, partitions: string[]): Rewrite[] {
  const s = inner(stmt.ast);
  const tokens = tokensOf(stmt);
  const relationAt = tokenIndexAt(tokens, stmt.toDocOffset(s.relation?.location ?? -1));
  const on = relationAt - 1;
  if (relationAt <= 0 || tokens[on]?.keyword !== 'ON') return [];
  // The relation's tokens run up to `(` or USING.
  let relationEnd = relationAt;
  while (relationEnd + 1 < tokens.length && tokens[relationEnd + 1].text !== '(' && tokens[relationEnd + 1].keyword !== 'USING') relationEnd++;
  const table = baseName(s.relation.relname);
  const columns = list(s.indexParams).map((p) => as(p, 'IndexElem')?.name ?? 'expr');
  const parentName = s.idxname ?? generatedName([table, ...columns], 'idx');
  const nameAt = s.idxname ? tokens.findIndex((t, i) => i > findKeyword(tokens, 'INDEX') && i < on && t.keyword !== 'CONCURRENTLY' && !['IF', 'NOT', 'EXISTS'].includes(t.keyword)) : -1;
  const parentEdits = [
    ...(s.idxname ? [] : [insertAfter(tokens[findKeyword(tokens, 'INDEX')], ` ${quoteIdent(parentName)}`)]),
    { start: tokens[relationAt].start, end: tokens[relationAt].start, newText: 'ONLY ' },
  ];
  const steps: Step[] = [
    { sql: withSemicolon(statementWith(stmt, parentEdits)), tx: 'same', edits: parentEdits, slug: `${parentName}_on_only`, undo: `DROP INDEX IF EXISTS ${qualified(s, parentName)};` },
  ];
  for (const partition of partitions) {
    const childName = generatedName([partition, ...columns], 'idx');
    const childRelation = relationSql({ ...s.relation, relname: partition });
    const childEdits = [
      insertAfter(tokens[findKeyword(tokens, 'INDEX')], ' CONCURRENTLY'),
      nameAt >= 0
        ? { start: tokens[nameAt].start, end: tokens[nameAt].end, newText: quoteIdent(childName) }
        : insertAfter(tokens[findKeyword(tokens, 'INDEX')], ` ${quoteIdent(childName)}`),
      { start: tokens[relationAt].start, end: tokens[relationEnd].end, newText: childRelation },
    ];
    // Both inserts after INDEX land at one offset: keep CONCURRENTLY first.
    const merged = nameAt >= 0 ? childEdits : [{ ...childEdits[0], newText: ` CONCURRENTLY ${quoteIdent(childName)}` }, childEdits[2]];
    steps.push({
      sql: withSemicolon(statementWith(stmt, merged)),
      tx: 'outside',
      slug: `${childName}_concurrently`,
      undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(s, childName)};`,
    });
    steps.push({ sql: `ALTER INDEX ${qualified(s, parentName)} ATTACH PARTITION ${qualified(s, childName)};`, tx: 'same', slug: `attach_${childName}` });
  }
  void ctx;
  return [{ title: `Build it ON ONLY ${table}, then each partition's index CONCURRENTLY and attach it`, steps, safe: false }];
}
