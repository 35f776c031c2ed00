import type { RawReference } from '../types';

/** A model: the table-level reference (a writer of exactly its fields' columns), then its fields. */
export function modelRefs(at: RawReference, fields: RawReference[]): RawReference[] {
  return [{ ...at, column: undefined, writesColumns: fields.map((f) => f.column!) }, ...fields];
}
