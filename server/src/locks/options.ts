/**
 * Parenthesised statement options (`VACUUM (FULL false)`, `REINDEX (CONCURRENTLY off)`): a boolean
 * option is on when named without a value or with a true value, as PostgreSQL's defGetBoolean reads it.
 */
import { AstNode, as, list } from '../parse/ast';

const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** Is boolean option `name` switched on in this DefElem list? Absent options are off. */
export function optionEnabled(options: AstNode[] | undefined, name: string): boolean {
  const def = list(options)
    .map((o) => as(o, 'DefElem'))
    .filter((d) => d?.defname === name)
    .pop();
  if (!def) return false;
  const arg = def.arg as AstNode | undefined;
  if (!arg) return true;
  if (arg.Boolean) return !!arg.Boolean.boolval;
  if (arg.Integer) return Number(arg.Integer.ival ?? 0) !== 0;
  const text = arg.String?.sval ?? arg.A_Const?.sval?.sval;
  return text === undefined ? true : !FALSE_WORDS.has(String(text).toLowerCase());
}
