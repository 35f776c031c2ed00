/**
 * Drizzle schemas: `pgTable('users', { userName: text('user_name'), … })`. A column builder without
 * a name argument maps the property name (Drizzle's default, or its `casing` option, which is not read).
 */
import type { RawReference, ReferenceSource } from '../types';
import { ts } from '../../frameworks/tsAst';
import { calleeName, modelRef, nodes, propName, refAt, sourceFile, stringArg } from './tsModels';
import { TS_EXTENSIONS } from './jsStrings';

export const drizzle: ReferenceSource = {
  id: 'drizzle',
  accepts: (path) => TS_EXTENSIONS.test(path),
  extract(text, path) {
    if (!/\bpgTable\b/.test(text)) return [];
    const t = ts();
    const sf = sourceFile(text, path);
    const refs: RawReference[] = [];
    for (const n of nodes(sf)) {
      if (!t.isCallExpression(n) || calleeName(n) !== 'pgTable') continue;
      const name = stringArg(n.arguments[0]);
      const cols = n.arguments[1];
      if (!name || !cols || !t.isObjectLiteralExpression(cols)) continue;
      const table = name.text;
      const fields: RawReference[] = [];
      for (const p of cols.properties) {
        if (!t.isPropertyAssignment(p)) continue;
        // The builder call at the root of `text('user_name').notNull().default(…)`.
        let call: import('typescript').Expression = p.initializer;
        while (t.isCallExpression(call) && t.isPropertyAccessExpression(call.expression)) call = call.expression.expression;
        const colName = t.isCallExpression(call) ? stringArg(call.arguments[0]) : undefined;
        const key = propName(p.name);
        if (colName) fields.push(refAt(colName, sf, table, colName.text, 'drizzle'));
        else if (key) fields.push(refAt(p.name, sf, table, key, 'drizzle'));
      }
      refs.push(...modelRef(refAt(name, sf, table, undefined, 'drizzle'), fields));
    }
    return refs;
  },
};
