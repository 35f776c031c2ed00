/** `.sql` files that are not migrations (views, functions, seeds, reports): every statement, parsed. */
import { splitSql } from '../../parse/split';
import { sqlReferences } from '../sql';
import { mapped } from '../text';
import type { RawReference, ReferenceSource } from '../types';

export const sqlFiles: ReferenceSource = {
  id: 'sql-file',
  accepts: (path) => /\.sql$/i.test(path),
  extract(text) {
    // One statement that does not parse must not hide the others: parse chunk by chunk.
    const refs: RawReference[] = [];
    for (const chunk of splitSql(text).chunks) {
      if (chunk.kind === 'sql') refs.push(...sqlReferences(mapped(chunk.text, chunk.span.start), 'sql-file'));
    }
    return refs;
  },
};
