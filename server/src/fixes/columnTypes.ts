/**
 * Column type best practices, written over the type as the user spelled it (located by the parser's
 * type location and the scanner's tokens): varchar(n) → text (optionally with a length CHECK),
 * int → bigint, timestamp → timestamptz, json → jsonb, serial → identity. They change the schema's
 * design, so they are quick-fixes only, never part of fix-all.
 */
import { as, inner, kindOf, list, typeInfo, type AstNode, type TypeInfo } from '../parse/ast';
import { generatedName, quoteIdent } from './names';
import { docOffset, insertAfter } from './sql';
import { clauseEnd, tokenIndexAt, tokensOf } from './tokens';
import type { Fix, FixContext, FixProvider } from './types';

interface TypedColumn {
  def: AstNode;
  table: string;
  name: string;
  type: TypeInfo;
  /** ALTER COLUMN … TYPE rather than a column being defined. */
  retyped: boolean;
}

/** Keywords that end a column's type and start what follows it. */
const AFTER_TYPE = new Set(['NOT', 'NULL', 'DEFAULT', 'CONSTRAINT', 'CHECK', 'UNIQUE', 'PRIMARY', 'REFERENCES', 'GENERATED', 'COLLATE', 'USING', 'COMPRESSION', 'STORAGE']);

function columnsOf(ctx: FixContext): TypedColumn[] {
  const stmt = ctx.stmt!;
  const s = inner(stmt.ast);
  const table = s.relation?.relname ?? '';
  if (kindOf(stmt.ast) === 'CreateStmt') {
    return list(s.tableElts)
      .map((e) => as(e, 'ColumnDef'))
      .filter((d): d is AstNode => !!d?.typeName)
      .map((def) => ({ def, table, name: def.colname, type: typeInfo(def.typeName), retyped: false }));
  }
  if (kindOf(stmt.ast) !== 'AlterTableStmt') return [];
  return list(s.cmds)
    .map((c) => as(c, 'AlterTableCmd') ?? {})
    .filter((c) => (c.subtype === 'AT_AddColumn' || c.subtype === 'AT_AlterColumnType') && as(c.def, 'ColumnDef')?.typeName)
    .map((c) => {
      const def = as(c.def, 'ColumnDef')!;
      return { def, table, name: def.colname ?? c.name, type: typeInfo(def.typeName), retyped: c.subtype === 'AT_AlterColumnType' };
    });
}

/** The flagged column: the one whose definition starts where the finding does. */
function flagged(ctx: FixContext, wanted: (t: TypeInfo) => boolean): TypedColumn | undefined {
  const columns = columnsOf(ctx).filter((c) => wanted(c.type));
  return columns.find((c) => docOffset(ctx.stmt!, c.def.location) === ctx.finding.span.start) ?? (columns.length === 1 ? columns[0] : undefined);
}

/** Document range of the column's type as written (`character varying(255)`, `timestamp(3) without time zone`). */
function typeRange(ctx: FixContext, column: TypedColumn): { start: number; end: number; last: number } | undefined {
  const stmt = ctx.stmt!;
  const tokens = tokensOf(stmt);
  const from = tokenIndexAt(tokens, docOffset(stmt, column.def.typeName?.location) ?? Infinity);
  if (from >= tokens.length) return undefined;
  let depth = 0;
  let last = from;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (depth === 0 && i > from && ([',', ')', ';'].includes(t.text) || AFTER_TYPE.has(t.keyword))) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    last = i;
  }
  return { start: tokens[from].start, end: tokens[last].end, last };
}

function typeFix(ruleId: string, wanted: (t: TypeInfo) => boolean, build: (ctx: FixContext, column: TypedColumn) => Fix[]): FixProvider {
  return {
    ruleId,
    edits(ctx) {
      if (!ctx.stmt) return [];
      const column = flagged(ctx, wanted);
      return column ? build(ctx, column) : [];
    },
  };
}

function replaceType(ctx: FixContext, column: TypedColumn, title: string, newType: string): Fix[] {
  const range = typeRange(ctx, column);
  if (!range) return [];
  return [{ title, ruleId: ctx.finding.ruleId, edits: [{ start: range.start, end: range.end, newText: newType }], files: [], safe: false }];
}

const arraySuffix = (t: TypeInfo) => (t.isArray ? '[]' : '');

export const preferText = typeFix(
  'prefer-text',
  (t) => (t.name === 'varchar' && t.mods.length > 0) || t.name === 'bpchar',
  (ctx, column) => {
    const fixes = replaceType(ctx, column, 'Use text', `text${arraySuffix(column.type)}`);
    const limit = column.type.mods[0] ?? 1;
    const range = typeRange(ctx, column);
    if (column.retyped || column.type.isArray || !range || fixes.length === 0) return fixes;
    // The length limit as a named CHECK at the end of the column, where it can later be replaced NOT VALID.
    const tokens = tokensOf(ctx.stmt!);
    const next = tokens[range.last + 1];
    const end = !next || [',', ')', ';'].includes(next.text) ? range.last : clauseEnd(tokens, range.last + 1);
    const check = generatedName([column.table, column.name], 'length');
    const withCheck: Fix = {
      title: `Use text with CHECK (length(${column.name}) <= ${limit})`,
      ruleId: 'prefer-text',
      edits: [fixes[0].edits[0], insertAfter(tokens[end], ` CONSTRAINT ${quoteIdent(check)} CHECK (length(${quoteIdent(column.name)}) <= ${limit})`)],
      files: [],
      safe: false,
    };
    return [withCheck, ...fixes];
  },
);

const SMALL_INTS: Record<string, string> = { int4: 'bigint', int2: 'bigint', serial4: 'bigserial', serial2: 'bigserial' };
export const preferBigint = typeFix(
  'prefer-bigint',
  (t) => !!SMALL_INTS[t.name] && !t.isArray,
  (ctx, column) => replaceType(ctx, column, `Use ${SMALL_INTS[column.type.name]}`, SMALL_INTS[column.type.name]),
);

export const preferTimestamptz = typeFix(
  'prefer-timestamptz',
  (t) => t.name === 'timestamp',
  (ctx, column) => {
    const precision = column.type.mods.length ? `(${column.type.mods[0]})` : '';
    return replaceType(ctx, column, 'Use timestamptz', `timestamptz${precision}${arraySuffix(column.type)}`);
  },
);

export const preferJsonb = typeFix('prefer-jsonb', (t) => t.name === 'json', (ctx, column) => replaceType(ctx, column, 'Use jsonb', `jsonb${arraySuffix(column.type)}`));

const IDENTITY_BASE: Record<string, string> = { serial2: 'smallint', serial4: 'integer', serial8: 'bigint' };
export const preferIdentity = typeFix(
  'prefer-identity',
  (t) => !!IDENTITY_BASE[t.name],
  (ctx, column) => replaceType(ctx, column, 'Use an identity column', `${IDENTITY_BASE[column.type.name]} GENERATED BY DEFAULT AS IDENTITY`),
);
