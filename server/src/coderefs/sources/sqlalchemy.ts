/**
 * SQLAlchemy declarative models (`__tablename__ = 'users'` with `Column(…)`/`mapped_column(…)`
 * attributes; a first string argument names the column, else the attribute does) and Core tables
 * (`Table('users', metadata, Column('name', …), …)`).
 */
import type { RawReference, ReferenceSource } from '../types';
import { assignments, callName, classes, plainString, positionalArgs, refOn } from './pyModels';
import { descendants, refsInTree } from './treeSitterNodes';
import { modelRefs } from './modelRefs';

const COLUMN_CALLS = new Set(['Column', 'mapped_column']);

export const sqlalchemy: ReferenceSource = {
  id: 'sqlalchemy',
  accepts: (path) => /\.py$/i.test(path),
  extract(text) {
    if (!/\b(?:__tablename__|Table\s*\()/.test(text)) return [];
    return refsInTree('python', text, (root) => {
      const refs: RawReference[] = [];
      for (const cls of classes(root)) {
        const attrs = assignments(cls);
        const tn = plainString(attrs.find((a) => a.name === '__tablename__')?.value);
        if (!tn) continue;
        const fields: RawReference[] = [];
        for (const a of attrs) {
          if (a.value.type !== 'call' || !COLUMN_CALLS.has(callName(a.value) ?? '')) continue;
          const named = plainString(positionalArgs(a.value)[0]);
          fields.push(named ? refOn(named.start, named.value, tn.value, named.value, 'sqlalchemy') : refOn(a.nameNode.startIndex, a.name, tn.value, a.name, 'sqlalchemy'));
        }
        refs.push(...modelRefs(refOn(tn.start, tn.value, tn.value, undefined, 'sqlalchemy'), fields));
      }
      for (const call of descendants(root)) {
        if (call.type !== 'call' || callName(call) !== 'Table') continue;
        const args = positionalArgs(call);
        const tn = plainString(args[0]);
        if (!tn) continue;
        const fields: RawReference[] = [];
        for (const c of args.slice(1)) {
          const col = c.type === 'call' && callName(c) === 'Column' ? plainString(positionalArgs(c)[0]) : undefined;
          if (col) fields.push(refOn(col.start, col.value, tn.value, col.value, 'sqlalchemy'));
        }
        refs.push(...modelRefs(refOn(tn.start, tn.value, tn.value, undefined, 'sqlalchemy'), fields));
      }
      return refs;
    });
  },
};
