/**
 * IF [NOT] EXISTS where a rerun after a half-applied autocommit migration would stop: CREATE …
 * IF NOT EXISTS, DROP … IF EXISTS, ADD COLUMN IF NOT EXISTS, DROP COLUMN/CONSTRAINT IF EXISTS.
 * A CONCURRENTLY index build never gets IF NOT EXISTS (it would skip the INVALID index a failed
 * build leaves): it gets `DROP INDEX CONCURRENTLY IF EXISTS` right before it instead.
 */
import { as, inner, kindOf } from '../parse/ast';
import { quoteIdent } from './names';
import { docOffset, insertAfter } from './sql';
import { insertLinesBefore } from './textEdits';
import { findKeyword, tokensOf, type Token } from './tokens';
import type { FixProvider, TextEdit } from './types';

/** Keywords between CREATE and the object name, after which IF NOT EXISTS goes. */
const CREATE_WORD: Record<string, string> = {
  CreateStmt: 'TABLE',
  IndexStmt: 'INDEX',
  CreateSeqStmt: 'SEQUENCE',
  CreateSchemaStmt: 'SCHEMA',
  CreateExtensionStmt: 'EXTENSION',
};

/** Words that spell the object type in `DROP <type> name`. */
const DROP_TYPE_WORDS = new Set([
  'TABLE', 'INDEX', 'VIEW', 'MATERIALIZED', 'SEQUENCE', 'SCHEMA', 'TYPE', 'DOMAIN', 'FUNCTION', 'PROCEDURE', 'ROUTINE', 'AGGREGATE',
  'TRIGGER', 'EXTENSION', 'FOREIGN', 'CONCURRENTLY', 'COLLATION', 'POLICY', 'RULE', 'STATISTICS', 'PUBLICATION', 'SERVER', 'CONVERSION',
]);

export const fix: FixProvider = {
  ruleId: 'missing-if-exists',
  inFixAll: true,
  edits(ctx) {
    const stmt = ctx.stmt;
    if (!stmt) return [];
    const kind = kindOf(stmt.ast);
    const s = inner(stmt.ast);
    const tokens = tokensOf(stmt);
    const edit = (title: string, edits: TextEdit[]) => [{ title, ruleId: 'missing-if-exists', edits, files: [], safe: true }];
    if (kind === 'IndexStmt' && s.concurrent && s.idxname) {
      const name = [s.relation?.schemaname, s.idxname].filter(Boolean).map(quoteIdent).join('.');
      return edit(`Drop a leftover INVALID ${s.idxname} first`, [insertLinesBefore(ctx.text, stmt.span.start, [`DROP INDEX CONCURRENTLY IF EXISTS ${name};`])]);
    }
    if (CREATE_WORD[kind] && !s.if_not_exists) {
      const at = findKeyword(tokens, CREATE_WORD[kind]);
      return at < 0 ? [] : edit(`Use ${tokens.slice(0, at + 1).map((t) => t.keyword || t.text).join(' ')} IF NOT EXISTS`, [insertAfter(tokens[at], ' IF NOT EXISTS')]);
    }
    if (kind === 'DropStmt' && !s.missing_ok) {
      let at = 1;
      while (at + 1 < tokens.length && DROP_TYPE_WORDS.has(tokens[at + 1].keyword) && tokens[at].keyword !== 'CONCURRENTLY') at++;
      if (tokens[0]?.keyword !== 'DROP' || !DROP_TYPE_WORDS.has(tokens[at]?.keyword)) return [];
      return edit('Use DROP … IF EXISTS', [insertAfter(tokens[at], ' IF EXISTS')]);
    }
    if (kind !== 'AlterTableStmt') return [];
    const edits: TextEdit[] = [];
    for (const part of stmt.locks.parts) {
      const cmd = as(part.node, 'AlterTableCmd') ?? {};
      if (cmd.missing_ok) continue;
      if (part.action === 'AT_AddColumn') {
        const at = docOffset(stmt, as(cmd.def, 'ColumnDef')?.location);
        if (at === ctx.finding.span.start) edits.push({ start: at, end: at, newText: 'IF NOT EXISTS ' });
      } else if (part.action === 'AT_DropColumn' || part.action === 'AT_DropConstraint') {
        const name = nameToken(tokens, cmd.name, part.action === 'AT_DropConstraint' ? 'CONSTRAINT' : 'COLUMN');
        if (name) edits.push({ start: name.start, end: name.start, newText: 'IF EXISTS ' });
      }
    }
    return edits.length ? edit('Use IF [NOT] EXISTS', edits) : [];
  },
};

/** The token naming `name` right after `DROP [word]`. */
function nameToken(tokens: readonly Token[], name: string, word: string): Token | undefined {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].keyword !== 'DROP') continue;
    const at = tokens[i + 1].keyword === word ? i + 2 : i + 1;
    const t = tokens[at];
    if (t && unquote(t.text) === name) return t;
  }
  return undefined;
}

function unquote(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text.toLowerCase();
}

