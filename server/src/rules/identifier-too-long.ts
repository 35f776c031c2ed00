import { SqlScanner, skipTrivia } from '../parse/lexer';
import type { Rule, RuleHit } from './types';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut to this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Identifiers over 63 bytes are silently truncated (a NOTICE at most), so the object gets a name
 * other than the one in the migration. The parser hands Lockstep the truncated name, so this
 * rule reads the statement's tokens instead.
 */
export const rule: Rule = {
  id: 'identifier-too-long',
  title: 'Identifiers longer than 63 bytes are silently truncated',
  category: 'hygiene',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE subscriptions (id bigint PRIMARY KEY, customer_id bigint, plan_id bigint);',
    flagged: 'CREATE INDEX CONCURRENTLY subscriptions_customer_id_plan_id_created_at_including_inactive_idx ON subscriptions (customer_id, plan_id);',
    clean: 'CREATE INDEX CONCURRENTLY subscriptions_customer_plan_idx ON subscriptions (customer_id, plan_id);',
  },
  check(stmt) {
    const hits: RuleHit[] = [];
    const text = stmt.text;
    // Only a long word or quoted identifier can be too long: most statements have neither, and need
    // no token-by-token scan (a long function body took most of this rule's time).
    if (!LONG_WORD.test(text) && !LONG_QUOTED.test(text)) return hits;
    tokenScans.count++;
    const scanner = new SqlScanner(text);
    const seen = new Set<string>();
    for (let pos = skipTrivia(scanner, 0, text.length); pos < text.length; pos = skipTrivia(scanner, pos, text.length)) {
      const end = scanner.token(pos, text.length);
      const quoted = scanner.family === 'ident';
      // UTF-8 needs at most 4 bytes per UTF-16 code unit, so only tokens of 16+ units can exceed 63 bytes.
      if ((scanner.isWord || quoted) && end - pos >= 16) {
        const name = quoted ? text.slice(pos + 1, end - 1).replace(/""/g, '"') : text.slice(pos, end).toLowerCase();
        const bytes = Buffer.byteLength(name, 'utf8');
        if (bytes > MAX_IDENTIFIER_BYTES && !seen.has(name)) {
          seen.add(name);
          hits.push({
            span: { start: stmt.span.start + pos, end: stmt.span.start + end },
            message:
              `This identifier is ${bytes} bytes; PostgreSQL silently cuts identifiers to ${MAX_IDENTIFIER_BYTES} bytes, so the object is really named "${truncate(name)}". ` +
              `Tools and later migrations that use the full name will not find it, and two long names with the same start collide. Shorten it to ${MAX_IDENTIFIER_BYTES} bytes or less.`,
          });
        }
      }
      pos = Math.max(end, pos + 1);
    }
    return hits;
  },
};

/**
 * A name over 63 bytes has at least 22 UTF-16 units: a unit is at most 3 bytes in UTF-8, also once a
 * word is lower-cased (U+0130 becomes 3 bytes; a surrogate pair is 4 bytes for 2 units), and an ASCII
 * name needs 64 characters (lower-casing ASCII keeps its length). So a word too long lies in a run of
 * identifier characters (the lexer's IDENT_CHAR: ASCII letters, digits, `_`, `$`, any non-ASCII) that
 * starts with 64 ASCII ones, or holds a non-ASCII one and is 22 long. The look-behind tries each run
 * from its start only (a RegExp without it retried from every character of every word, and cost more
 * than the token scan it saves). Names of 22–63 ASCII characters are common (constraint and index
 * names): a third of the corpus's statements have one, and the old 22-unit test scanned them all.
 * A quoted identifier too long has 20 characters or doubled quotes after a quote (22 minus the 2
 * that `U&"` adds to the name the rule reads).
 */
const LONG_WORD = /(?<![A-Za-z0-9_$\u0080-\uffff])(?:[A-Za-z0-9_$]{64}|(?=[A-Za-z0-9_$]*[\u0080-\uffff])[A-Za-z0-9_$\u0080-\uffff]{22})/;
const LONG_QUOTED = /"(?:[^"]|""){20}/;

/** Statements this rule scanned token by token (tests: a statement with only short names is not). */
export const tokenScans = { count: 0 };

/** The first 63 bytes, without splitting a multi-byte character (as PostgreSQL's pg_mbcliplen does). */
function truncate(name: string): string {
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > MAX_IDENTIFIER_BYTES) break;
    out += ch;
  }
  return out;
}
