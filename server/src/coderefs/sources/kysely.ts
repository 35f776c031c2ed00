/**
 * Kysely database types: `interface Database { users: UsersTable }` with `interface UsersTable { … }`
 * (or a type literal): each property of the table type maps a column. The interface holding the
 * tables is recognised by being passed as `Kysely<Database>` in the same file or named `Database`/`DB`.
 */
import type * as TS from 'typescript';
import { ts } from '../../frameworks/tsAst';
import type { RawReference, ReferenceSource } from '../types';
import { modelRef, nodes, propName, refAt, sourceFile } from './tsModels';
import { TS_EXTENSIONS } from './jsStrings';

export const kysely: ReferenceSource = {
  id: 'kysely',
  accepts: (path) => TS_EXTENSIONS.test(path),
  extract(text, path) {
    if (!/kysely/i.test(text)) return [];
    const t = ts();
    const sf = sourceFile(text, path);
    const types = new Map<string, readonly TS.TypeElement[]>();
    const dbNames = new Set(['Database', 'DB']);
    for (const n of nodes(sf)) {
      if (t.isInterfaceDeclaration(n)) types.set(n.name.text, n.members);
      else if (t.isTypeAliasDeclaration(n) && t.isTypeLiteralNode(n.type)) types.set(n.name.text, n.type.members);
      else if (t.isTypeReferenceNode(n) && t.isIdentifier(n.typeName) && n.typeName.text === 'Kysely' && n.typeArguments?.[0]) {
        const arg = n.typeArguments[0];
        if (t.isTypeReferenceNode(arg) && t.isIdentifier(arg.typeName)) dbNames.add(arg.typeName.text);
      }
    }
    const refs: RawReference[] = [];
    for (const db of dbNames) {
      for (const member of types.get(db) ?? []) {
        if (!t.isPropertySignature(member) || !member.type) continue;
        const table = propName(member.name);
        if (!table) continue;
        const tableType = member.type;
        const columns = t.isTypeLiteralNode(tableType)
          ? tableType.members
          : t.isTypeReferenceNode(tableType) && t.isIdentifier(tableType.typeName)
            ? types.get(tableType.typeName.text)
            : undefined;
        if (!columns) continue;
        const fields: RawReference[] = [];
        for (const c of columns) {
          const name = t.isPropertySignature(c) ? propName(c.name) : undefined;
          if (name) fields.push(refAt(c.name!, sf, table, name, 'kysely'));
        }
        refs.push(...modelRef(refAt(member.name, sf, table, undefined, 'kysely'), fields));
      }
    }
    return refs;
  },
};
