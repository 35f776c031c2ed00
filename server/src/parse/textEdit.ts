import { wholeText, type SourceText } from './pieceText';
/** Where two texts differ: the one edit (a replaced range) that turns the first into the second. */
export interface Edit {
  /** Common prefix length: the first offset that differs. */
  start: number;
  /** End of the replaced text in the old text, and of its replacement in the new one. */
  oldEnd: number;
  newEnd: number;
  delta: number;
}

export function editBetween(oldText: string, newText: string): Edit {
  const shorter = Math.min(oldText.length, newText.length);
  // Whole blocks compared as strings first (a native comparison; a character loop over a 20,000-line
  // file took milliseconds per keystroke), then characters within the first block that differs.
  let start = 0;
  while (start + COMPARE_BLOCK <= shorter && oldText.slice(start, start + COMPARE_BLOCK) === newText.slice(start, start + COMPARE_BLOCK)) start += COMPARE_BLOCK;
  while (start < shorter && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  const room = shorter - start;
  let suffix = 0;
  while (suffix + COMPARE_BLOCK <= room && oldText.slice(oldText.length - suffix - COMPARE_BLOCK, oldText.length - suffix) === newText.slice(newText.length - suffix - COMPARE_BLOCK, newText.length - suffix)) {
    suffix += COMPARE_BLOCK;
  }
  while (suffix < room && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  return { start, oldEnd: oldText.length - suffix, newEnd: newText.length - suffix, delta: newText.length - oldText.length };
}

const COMPARE_BLOCK = 1024;

/** `editBetween` for texts that may be kept in pieces (parse/pieceText.ts): two piece texts are compared without building either. */
export function editBetweenSources(oldText: SourceText, newText: SourceText): Edit {
  if (typeof oldText === 'string' || typeof newText === 'string') return editBetween(wholeText(oldText), wholeText(newText));
  const { prefix, suffix } = oldText.sharedEnds(newText);
  return { start: prefix, oldEnd: oldText.length - suffix, newEnd: newText.length - suffix, delta: newText.length - oldText.length };
}
