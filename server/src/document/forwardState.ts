/**
 * A fingerprint of everything earlier statements hand on to later ones: the schema they build,
 * transaction boundaries and session settings. Two positions with the same fingerprint see the
 * same world, so an edit can reuse every later statement's analysis when the fingerprint before
 * it did not change (typing inside an INSERT, or adding CONCURRENTLY, changes nothing downstream).
 */
import { AstNode, kindOf } from '../parse/ast';

/**
 * Statement kinds whose effect reaches later statements (schema, transactions, settings), and
 * those that hold a blocking lock until COMMIT (rules about lock windows read them).
 */
const STATEFUL = /^(Create|Alter|Drop|Rename|Index|View|Transaction|VariableSet|Define|Composite|Lock|Truncate|RefreshMatView|Cluster|Reindex)/;

/** The part of a statement that matters downstream, as a stable string ('' for none). */
export function forwardStateKey(ast: AstNode, text: string): string {
  const kind = kindOf(ast);
  if (STATEFUL.test(kind) || (kind === 'SelectStmt' && /set_config/i.test(text))) {
    // Locations differ when only whitespace or comments changed; the effect does not.
    return JSON.stringify(ast, (key, value) => (key === 'location' || key === 'stmt_location' ? undefined : value));
  }
  return '';
}

/** Hash of `forwardStateKey`, or 0 for statements that hand nothing on. */
export function forwardKeyHash(ast: AstNode, text: string): number {
  const key = forwardStateKey(ast, text);
  return key ? hashString(key) || 1 : 0;
}

export function hashString(text: string, seed = 0): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** foldState's digits, last first (reused: no array per fold). */
const digits = new Int32Array(10);

/** Fold one statement's key hash into the running fingerprint (0 keys leave it unchanged). */
export function foldState(state: number, keyHash: number): number {
  if (keyHash === 0) return state;
  // hashString(String(keyHash), state), digit by digit without making the string (a column patch folds
  // every later statement's key again: columnPatch.ts). Key hashes are unsigned 32-bit integers.
  if (!Number.isInteger(keyHash) || keyHash < 0 || keyHash > 0xffffffff) return hashString(String(keyHash), state);
  let h = (state ^ 0x811c9dc5) >>> 0;
  // The digit above 10^9 (0–4), then the nine below it from the last, in small-integer arithmetic: a
  // float division and `%` per digit was half of a rename's patchLater (9,600 folds per edit).
  const high = Math.floor(keyHash / 1e9);
  let low = (keyHash - high * 1e9) | 0;
  let count = 0;
  do {
    const rest = (low / 10) | 0;
    digits[count++] = low - rest * 10;
    low = rest;
  } while (low > 0);
  if (high > 0) {
    h = Math.imul(h ^ (48 + high), 16777619);
    while (count < 9) digits[count++] = 0;
  }
  while (count > 0) h = Math.imul(h ^ (48 + digits[--count]), 16777619);
  return h >>> 0;
}

/** A number per object, the same for as long as it lives: identity as part of a fingerprint or key. */
export function identityIds<T extends object>(): (value: T) => number {
  const ids = new WeakMap<T, number>();
  let next = 1;
  return (value) => {
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = next++));
    return id;
  };
}
