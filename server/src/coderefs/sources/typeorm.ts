/**
 * TypeORM entities: `@Entity('users')` (else the class name in snake_case, TypeORM's default naming)
 * and `@Column({ name: 'user_name' })` / `@Column('text', { name })` (else the property name);
 * `@PrimaryGeneratedColumn`, `@CreateDateColumn`, … count as columns too.
 */
import type * as TS from 'typescript';
import { ts } from '../../frameworks/tsAst';
import type { RawReference, ReferenceSource } from '../types';
import { calleeName, modelRef, prop, propName, refAt, snakeCase, sourceFile, stringArg, nodes } from './tsModels';
import { TS_EXTENSIONS } from './jsStrings';

function decoratorCall(node: TS.Node, match: (name: string) => boolean): TS.CallExpression | undefined {
  const t = ts();
  for (const d of t.canHaveDecorators(node) ? (t.getDecorators(node) ?? []) : []) {
    if (t.isCallExpression(d.expression) && match(calleeName(d.expression) ?? '')) return d.expression;
  }
  return undefined;
}

export const typeorm: ReferenceSource = {
  id: 'typeorm',
  accepts: (path) => TS_EXTENSIONS.test(path),
  extract(text, path) {
    if (!/@Entity\b/.test(text)) return [];
    const t = ts();
    const sf = sourceFile(text, path);
    const refs: RawReference[] = [];
    for (const n of nodes(sf)) {
      if (!t.isClassDeclaration(n) || !n.name) continue;
      const entity = decoratorCall(n, (name) => name === 'Entity');
      if (!entity) continue;
      const nameArg = stringArg(entity.arguments[0]) ?? stringArg(prop(entity.arguments[0], 'name'));
      const table = nameArg ? nameArg.text : snakeCase(n.name.text);
      const fields: RawReference[] = [];
      for (const m of n.members) {
        if (!t.isPropertyDeclaration(m)) continue;
        const col = decoratorCall(m, (name) => /Column$/.test(name) && name !== 'JoinColumn');
        if (!col) continue;
        const options = col.arguments.find((a) => t.isObjectLiteralExpression(a));
        const named = stringArg(prop(options, 'name'));
        const key = propName(m.name);
        if (named) fields.push(refAt(named, sf, table, named.text, 'typeorm'));
        else if (key) fields.push(refAt(m.name, sf, table, key, 'typeorm'));
      }
      refs.push(...modelRef(refAt(nameArg ?? n.name, sf, table, undefined, 'typeorm'), fields));
    }
    return refs;
  },
};
