/**
 * Prisma schemas (`schema.prisma`): each model maps a table (`@@map("…")` or the model name) and
 * each scalar field a column (`@map("…")` or the field name). Relation fields (typed by another
 * model) are not columns. Prisma writes the fields it knows on create, so a model is a writer that
 * omits any column it does not list.
 */
import type { RawReference, ReferenceSource } from '../types';

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes', 'Unsupported']);

export const prisma: ReferenceSource = {
  id: 'prisma',
  accepts: (path) => /\.prisma$/i.test(path),
  extract(text) {
    const clean = text.replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length));
    const enums = new Set([...clean.matchAll(/\benum\s+(\w+)/g)].map((m) => m[1]));
    const refs: RawReference[] = [];
    for (const model of clean.matchAll(/\bmodel\s+(\w+)\s*\{([^}]*)\}/g)) {
      const bodyStart = model.index + model[0].indexOf('{') + 1;
      const body = model[2];
      const map = /@@map\(\s*"([^"]+)"\s*\)/.exec(body);
      const table = map ? map[1] : model[1];
      const tableAt = map ? bodyStart + map.index + map[0].indexOf('"') + 1 : model.index + model[0].indexOf(model[1], 5);
      const fields: RawReference[] = [];
      for (const f of body.matchAll(/^[ \t]*(\w+)[ \t]+(\w+)(\[\])?(\?)?([^\n]*)/gm)) {
        const [, name, type, list, , attrs] = f;
        if (!SCALARS.has(type) && !enums.has(type)) continue; // a relation field
        if (list && !SCALARS.has(type) && !enums.has(type)) continue;
        const colMap = /@map\(\s*"([^"]+)"\s*\)/.exec(attrs);
        const lineStart = bodyStart + f.index;
        const start = colMap ? lineStart + f[0].indexOf(colMap[0]) + colMap[0].indexOf('"') + 1 : lineStart + f[0].indexOf(name);
        const column = colMap ? colMap[1] : name;
        fields.push({ start, end: start + column.length, table, column, access: 'map', source: 'prisma' });
      }
      refs.push({ start: tableAt, end: tableAt + table.length, table, access: 'map', writesColumns: fields.map((f) => f.column!), source: 'prisma' }, ...fields);
    }
    return refs;
  },
};
