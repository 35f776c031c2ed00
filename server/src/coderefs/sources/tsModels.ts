/** Shared by the TypeScript ORM sources: parse once, find calls and string arguments. */
import type * as TS from 'typescript';
import { parseSource, ts } from '../../frameworks/tsAst';
import type { RawReference } from '../types';

export function sourceFile(text: string, path: string): TS.SourceFile {
  return parseSource(text, /\.(?:ts|tsx|mts|cts)$/i.test(path) ? 'model.ts' : 'model.js');
}

export function* nodes(root: TS.Node): Generator<TS.Node> {
  const stack: TS.Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    const kids: TS.Node[] = [];
    ts().forEachChild(n, (c) => void kids.push(c));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** The called function's last name: `pgTable` for `pgTable(…)` and `drizzle.pgTable(…)`. */
export function calleeName(call: TS.CallExpression): string | undefined {
  const t = ts();
  const e = call.expression;
  if (t.isIdentifier(e)) return e.text;
  if (t.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

export function stringArg(node: TS.Node | undefined): TS.StringLiteralLike | undefined {
  const t = ts();
  return node && (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) ? node : undefined;
}

export function propName(name: TS.PropertyName | TS.BindingName | undefined): string | undefined {
  const t = ts();
  if (!name) return undefined;
  if (t.isIdentifier(name) || t.isStringLiteral(name) || t.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** A property of an object literal by name. */
export function prop(obj: TS.Node | undefined, name: string): TS.Expression | undefined {
  const t = ts();
  if (!obj || !t.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) if (t.isPropertyAssignment(p) && propName(p.name) === name) return p.initializer;
  return undefined;
}

/** A reference located on the text of a string literal (without quotes) or an identifier. */
export function refAt(node: TS.Node, sf: TS.SourceFile, table: string, column: string | undefined, source: string, extra: Partial<RawReference> = {}): RawReference {
  const t = ts();
  const quoted = t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node);
  const start = node.getStart(sf) + (quoted ? 1 : 0);
  const end = node.getEnd() - (quoted ? 1 : 0);
  return { start, end, table, column, access: 'map', source, ...extra };
}

export { modelRefs as modelRef } from './modelRefs';

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}
