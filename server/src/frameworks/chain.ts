/** Method chains (`t.string('a').notNullable().unique()`, `db.schema.createIndex('i').on('t')`) as a list of links. */
import type * as TS from 'typescript';
import { ts } from './tsAst';

export interface Link {
  name: string;
  args: readonly TS.Expression[];
  call: TS.CallExpression;
}

/**
 * `root.a(x).b(y)` → root `root` (its text) and links a, b. Property accesses without a call
 * between links (`knex.schema.alterTable`) are folded into the root, so the root of
 * `knex.schema.alterTable('t', …)` is `knex.schema`.
 */
export function chainOf(call: TS.CallExpression, sf: TS.SourceFile): { root: string; links: Link[] } | undefined {
  const t = ts();
  const links: Link[] = [];
  let e: TS.Expression = call;
  while (t.isCallExpression(e)) {
    const callee: TS.Expression = e.expression;
    if (!t.isPropertyAccessExpression(callee)) {
      // A bare function call at the root: sql`…`-style tags and helpers are not chains.
      if (!t.isIdentifier(callee)) return undefined;
      links.unshift({ name: callee.text, args: e.arguments, call: e });
      return { root: '', links };
    }
    links.unshift({ name: callee.name.text, args: e.arguments, call: e });
    e = callee.expression;
    while (t.isAwaitExpression(e) || t.isParenthesizedExpression(e) || t.isNonNullExpression(e)) e = e.expression;
  }
  return { root: e.getText(sf).replace(/\s+/g, ''), links };
}

/** The first link with this name. */
export function link(links: readonly Link[], name: string): Link | undefined {
  return links.find((l) => l.name === name);
}
