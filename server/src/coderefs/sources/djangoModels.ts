/**
 * Django models: a class deriving from `models.Model` (or `Model`) maps the table `Meta.db_table`,
 * else `<app>_<model name in lower case>` (the app being the folder that holds models.py or the
 * models/ package). Each `models.XField(…)` maps the column `db_column=…`, else the attribute name;
 * `ForeignKey`/`OneToOneField` map `<name>_id`; `ManyToManyField` maps no column of this table.
 */
import { basename, dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { RawReference, ReferenceSource } from '../types';
import { assignments, callName, classes, keywordArg, plainString, refOn, superclassText } from './pyModels';
import { refsInTree } from './treeSitterNodes';
import { modelRefs } from './modelRefs';

function appLabel(path: string): string {
  const dir = dirname(path);
  return basename(basename(dir) === 'models' ? dirname(dir) : dir);
}

export const djangoModels: ReferenceSource = {
  id: 'django',
  accepts: (path) => /\.py$/i.test(path),
  extract(text, path) {
    if (!/\bmodels\.Model\b|\(Model\)/.test(text)) return [];
    return refsInTree('python', text, (root) => {
      const refs: RawReference[] = [];
      for (const cls of classes(root)) {
        if (!/(?:^|[(,\s.])Model\b/.test(superclassText(cls))) continue;
        const nameNode = cls.childForFieldName('name')!;
        const meta = (cls.childForFieldName('body')?.namedChildren ?? []).find((c) => c?.type === 'class_definition' && c.childForFieldName('name')?.text === 'Meta');
        const dbTable = meta ? assignments(meta).find((a) => a.name === 'db_table') : undefined;
        const tableString = plainString(dbTable?.value);
        const table = tableString?.value ?? `${appLabel(path)}_${nameNode.text.toLowerCase()}`;
        const fields: RawReference[] = [];
        for (const a of assignments(cls)) {
          if (a.value.type !== 'call') continue;
          const field = callName(a.value) ?? '';
          if (!/Field$|^ForeignKey$/.test(field) || field === 'ManyToManyField') continue;
          const dbColumn = plainString(keywordArg(a.value, 'db_column'));
          if (dbColumn) fields.push(refOn(dbColumn.start, dbColumn.value, table, dbColumn.value, 'django'));
          else {
            const column = /^(?:ForeignKey|OneToOneField)$/.test(field) ? `${a.name}_id` : a.name;
            fields.push({ ...refOn(a.nameNode.startIndex, a.name, table, column, 'django') });
          }
        }
        const at: Node = nameNode;
        refs.push(...modelRefs(tableString ? refOn(tableString.start, tableString.value, table, undefined, 'django') : refOn(at.startIndex, at.text, table, undefined, 'django'), fields));
      }
      return refs;
    });
  },
};
