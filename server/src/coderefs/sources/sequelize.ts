/**
 * Sequelize models: `sequelize.define('User', { firstName: { type, field: 'first_name' } }, { tableName })`
 * and `User.init({ … }, { tableName })`. Without `tableName` the table is the model name plus "s"
 * (Sequelize's inflection is not reproduced beyond that).
 */
import type * as TS from 'typescript';
import { ts } from '../../frameworks/tsAst';
import type { RawReference, ReferenceSource } from '../types';
import { calleeName, modelRef, nodes, prop, propName, refAt, sourceFile, stringArg } from './tsModels';
import { TS_EXTENSIONS } from './jsStrings';

export const sequelize: ReferenceSource = {
  id: 'sequelize',
  accepts: (path) => TS_EXTENSIONS.test(path),
  extract(text, path) {
    if (!/\b(?:define|init)\s*\(/.test(text) || !/sequelize/i.test(text)) return [];
    const t = ts();
    const sf = sourceFile(text, path);
    const refs: RawReference[] = [];
    for (const n of nodes(sf)) {
      if (!t.isCallExpression(n)) continue;
      const callee = calleeName(n);
      let modelName: string | undefined;
      let attrs: TS.Expression | undefined;
      let options: TS.Expression | undefined;
      let at: TS.Node | undefined;
      if (callee === 'define' && stringArg(n.arguments[0])) {
        at = n.arguments[0];
        modelName = stringArg(at)!.text;
        [, attrs, options] = n.arguments;
      } else if (callee === 'init' && t.isPropertyAccessExpression(n.expression) && t.isIdentifier(n.expression.expression)) {
        at = n.expression.expression;
        modelName = n.expression.expression.text;
        [attrs, options] = n.arguments;
        if (!prop(options, 'sequelize')) continue;
      }
      if (!modelName || !at || !attrs || !t.isObjectLiteralExpression(attrs)) continue;
      const tableArg = stringArg(prop(options, 'tableName'));
      const table = tableArg ? tableArg.text : `${modelName}s`;
      const fields: RawReference[] = [];
      for (const p of attrs.properties) {
        if (!t.isPropertyAssignment(p)) continue;
        const field = stringArg(prop(p.initializer, 'field'));
        const key = propName(p.name);
        if (field) fields.push(refAt(field, sf, table, field.text, 'sequelize'));
        else if (key) fields.push(refAt(p.name, sf, table, key, 'sequelize'));
      }
      refs.push(...modelRef(refAt(tableArg ?? at, sf, table, undefined, 'sequelize'), fields));
    }
    return refs;
  },
};
