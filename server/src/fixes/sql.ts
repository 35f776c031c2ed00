/** Small helpers for writing SQL from a statement's AST and its own source text. */
import type { StatementInfo } from '../document/model';
import { as, names, type AstNode } from '../parse/ast';
import { quoteIdent } from './names';
import { applyEdits } from './textEdits';
import { clauseEnd, tokenIndexAt, tokensOf, topLevelSegments, type Token } from './tokens';
import type { TextEdit } from './types';

/** A RangeVar written back as SQL (`public.orders`, `"Order"`). */
export function relationSql(rv: AstNode | undefined): string {
  const r = rv?.RangeVar ?? rv ?? {};
  return [r.catalogname, r.schemaname, r.relname].filter(Boolean).map(quoteIdent).join('.');
}

/** The statement's text with document-offset `edits` applied. */
export function statementWith(stmt: Pick<StatementInfo, 'text' | 'span'>, edits: readonly TextEdit[]): string {
  return applyEdits(
    stmt.text,
    edits.map((e) => ({ start: e.start - stmt.span.start, end: e.end - stmt.span.start, newText: e.newText })),
  );
}

/** `text` inserted right after token `t` (` CONCURRENTLY` after `INDEX`). */
export function insertAfter(t: Token, text: string): TextEdit {
  return { start: t.end, end: t.end, newText: text };
}

/** The statement's text, with a `;` when the source had none (the last statement of a file). */
export function withSemicolon(sql: string): string {
  return /;\s*$/.test(sql) ? sql : `${sql};`;
}

/** Document offset of an AST `location` inside `stmt`, or undefined when it has none. */
export function docOffset(stmt: StatementInfo, location: unknown): number | undefined {
  if (typeof location !== 'number' || location < 0) return undefined;
  const offset = stmt.toDocOffset(location);
  return offset >= stmt.span.start && offset <= stmt.span.end ? offset : undefined;
}

/** Tokens of `stmt` from the one at AST `location`. */
export function tokenAtLocation(stmt: StatementInfo, location: unknown): number {
  const offset = docOffset(stmt, location);
  return offset === undefined ? -1 : tokenIndexAt(tokensOf(stmt), offset);
}

/** Source text from token `from` to token `to` (inclusive), exactly as written. */
export function sourceOf(stmt: StatementInfo, tokens: readonly Token[], from: number, to: number): string {
  return stmt.text.slice(tokens[from].start - stmt.span.start, tokens[to].end - stmt.span.start);
}

/** Column names an expression refers to, in order of appearance. */
export function columnsIn(expr: AstNode | undefined): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = as(node as AstNode, 'ColumnRef');
    if (ref) {
      const parts = names(ref.fields);
      if (parts.length) found.push(parts[parts.length - 1]);
      return;
    }
    Object.values(node as AstNode).forEach(visit);
  };
  visit(expr);
  return [...new Set(found)];
}


/**
 * Token ranges of a column definition's constraints (`NOT NULL`, `DEFAULT …`, `UNIQUE`), in the
 * order written: each runs to the next constraint, or to the `,`/`;` that ends the column.
 */
export function columnConstraintRanges(stmt: StatementInfo, column: AstNode): Array<{ constraint: AstNode; from: number; to: number }> {
  const tokens = tokensOf(stmt);
  const constraints = (column.constraints ?? [])
    .map((c: AstNode) => as(c, 'Constraint'))
    .filter((c: AstNode | undefined): c is AstNode => !!c)
    .sort((a: AstNode, b: AstNode) => (a.location ?? 0) - (b.location ?? 0));
  const out: Array<{ constraint: AstNode; from: number; to: number }> = [];
  constraints.forEach((c: AstNode, i: number) => {
    const start = docOffset(stmt, c.location);
    if (start === undefined) return;
    const from = tokenIndexAt(tokens, start);
    const next = constraints[i + 1] && docOffset(stmt, constraints[i + 1].location);
    const to = next !== undefined ? tokenIndexAt(tokens, next) - 1 : clauseEnd(tokens, from);
    if (from > 0 && from < tokens.length && to >= from) out.push({ constraint: c, from, to });
  });
  return out;
}

/** An edit deleting tokens[from..to] and the whitespace before them. */
export function cutTokens(stmt: StatementInfo, from: number, to: number): TextEdit {
  const tokens = tokensOf(stmt);
  return { start: tokens[from - 1].end, end: tokens[to].end, newText: '' };
}

/** The comma-separated subcommands of an ALTER TABLE, as token ranges (undefined when they do not line up with the AST). */
export function alterSubcommands(stmt: StatementInfo): Array<[number, number]> | undefined {
  const s = (stmt.ast as AstNode).AlterTableStmt;
  if (!s) return undefined;
  const tokens = tokensOf(stmt);
  let at = tokenIndexAt(tokens, docOffset(stmt, s.relation?.location) ?? Infinity);
  while (tokens[at + 1]?.text === '.') at += 2;
  const last = tokens[tokens.length - 1]?.text === ';' ? tokens.length - 2 : tokens.length - 1;
  if (at + 1 > last) return undefined;
  const segments = topLevelSegments(tokens, at + 1, last);
  return segments.length === (s.cmds ?? []).length ? segments : undefined;
}

/** An edit removing subcommand `i` (and its comma) from a multi-subcommand ALTER TABLE. */
export function removeSubcommand(stmt: StatementInfo, segments: Array<[number, number]>, i: number): TextEdit {
  const tokens = tokensOf(stmt);
  const [from, to] = segments[i];
  // Take the comma before it (or, for the first, the comma after it).
  return i > 0
    ? { start: tokens[segments[i - 1][1]].end, end: tokens[to].end, newText: '' }
    : { start: tokens[from].start, end: tokens[segments[1][0]].start, newText: '' };
}
