/** The shared last step of every string source: a decoded literal that looks like SQL → its references. */
import { sqlReferences } from '../sql';
import { appendAll, looksLikeSql, normalisePlaceholders, type MappedText } from '../text';
import type { RawReference } from '../types';

export const SQL_STRING = 'sql-string';

export function referencesInString(m: MappedText): RawReference[] {
  if (!looksLikeSql(m.value)) return [];
  return sqlReferences(normalisePlaceholders(m), SQL_STRING);
}

/** Concatenate literal pieces and `$1` holes (interpolations) into one mapped text. */
export function joinPieces(pieces: (MappedText | { hole: number })[]): MappedText {
  let value = '';
  const pos: number[] = [];
  for (const p of pieces) {
    if ('hole' in p) {
      value += '$1';
      pos.push(p.hole, p.hole);
    } else {
      value += p.value;
      appendAll(pos, p.pos);
    }
  }
  return { value, pos };
}
