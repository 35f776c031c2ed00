/**
 * ActiveRecord models: a class deriving from `ApplicationRecord` or `ActiveRecord::Base` loads and
 * writes every column of its table (`self.table_name = …`, else the class name in snake_case,
 * pluralised with English's common rules), except `self.ignored_columns`.
 */
import type { Node } from 'web-tree-sitter';
import type { RawReference, ReferenceSource } from '../types';
import { snakeCase } from './tsModels';
import { descendants, refsInTree } from './treeSitterNodes';

export function pluralise(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(?:s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function stringsIn(n: Node | null | undefined): { value: string; start: number }[] {
  if (!n) return [];
  const out: { value: string; start: number }[] = [];
  for (const d of descendants(n)) {
    if (d.type === 'string_content') out.push({ value: d.text, start: d.startIndex });
    else if (d.type === 'simple_symbol') out.push({ value: d.text.slice(1), start: d.startIndex + 1 });
  }
  return out;
}

export const activeRecord: ReferenceSource = {
  id: 'active-record',
  accepts: (path) => /\.rb$/i.test(path),
  extract(text) {
    if (!/<\s*(?:ApplicationRecord|ActiveRecord::Base)\b/.test(text)) return [];
    return refsInTree('ruby', text, (root) => {
      const refs: RawReference[] = [];
      for (const cls of root.descendantsOfType('class')) {
        if (!cls || !/^(?:ApplicationRecord|::)?(?:ActiveRecord::Base|ApplicationRecord)$/.test(cls.childForFieldName('superclass')?.namedChild(0)?.text ?? '')) continue;
        const nameNode = cls.childForFieldName('name')!;
        const className = nameNode.type === 'scope_resolution' ? (nameNode.childForFieldName('name')?.text ?? nameNode.text) : nameNode.text;
        let table = pluralise(snakeCase(className));
        let at = { start: nameNode.startIndex, end: nameNode.endIndex };
        const ignored: string[] = [];
        for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
          if (!stmt || !/assignment$/.test(stmt.type)) continue;
          const left = stmt.childForFieldName('left');
          const method = left?.type === 'call' && left.childForFieldName('receiver')?.type === 'self' ? left.childForFieldName('method')?.text : undefined;
          if (method === 'table_name') {
            const s = stringsIn(stmt.childForFieldName('right'))[0];
            if (s) {
              table = s.value;
              at = { start: s.start, end: s.start + s.value.length };
            }
          } else if (method === 'ignored_columns') ignored.push(...stringsIn(stmt.childForFieldName('right')).map((s) => s.value));
        }
        refs.push({ ...at, table, access: 'map', everyColumn: true, exceptColumns: ignored, source: 'active-record' });
      }
      return refs;
    });
  },
};
