/** Writing identifiers into generated SQL: quoting, and PostgreSQL-style generated names. */
import type { Catalog } from '../catalog/catalog';
import type { MigrationDocument } from '../document/model';
import { walk } from '../parse/ast';
import { scanTokens } from './tokens';

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** `name` as it must be written in SQL: bare when PostgreSQL's scanner reads it back as the same plain name. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) {
    const tokens = scanTokens(name);
    // Unreserved and column-name keywords work as names; type/function-name and reserved ones (`user`, `order`) need quotes.
    if (tokens.length === 1 && tokens[0].text === name && tokens[0].keywordKind < 3) return name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cut `s` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (bytes(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/**
 * `parts` joined with `_`, then `_suffix`, shortened to fit 63 bytes by trimming the longest part first
 * (as PostgreSQL's makeObjectName does), so the name a fix writes is the name PostgreSQL keeps.
 */
export function generatedName(parts: readonly string[], suffix: string): string {
  const trimmed = parts.filter(Boolean).map((p) => p);
  const total = () => bytes([...trimmed, suffix].join('_'));
  while (total() > MAX_IDENTIFIER_BYTES) {
    let longest = 0;
    trimmed.forEach((p, i) => {
      if (bytes(p) > bytes(trimmed[longest])) longest = i;
    });
    trimmed[longest] = truncateBytes(trimmed[longest], bytes(trimmed[longest]) - 1);
    if (trimmed.every((p) => p === '')) return truncateBytes(suffix, MAX_IDENTIFIER_BYTES);
  }
  return [...trimmed.filter(Boolean), suffix].join('_');
}

/** `base`, or `base` with the lowest numeric suffix that `taken` does not hold. */
export function unusedName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 1; ; n++) {
    const suffix = String(n);
    const candidate = truncateBytes(base, MAX_IDENTIFIER_BYTES - bytes(suffix)) + suffix;
    if (!taken(candidate)) return candidate;
  }
}

/** snake_case words for file names: lower-case letters, digits and `_`, at most `max` characters. */
export function slugify(words: string, max = 60): string {
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (slug.slice(0, max).replace(/_+$/, '') || 'migration');
}

/**
 * Is `name` taken by a relation or constraint: in the schema before the file, or written out
 * anywhere in it? (The catalog after the file would also hold the flagged constraint's own default name.)
 */
export function nameTaken(doc: MigrationDocument, schema: Catalog | undefined): (name: string) => boolean {
  const written = new Set<string>();
  for (const stmt of doc.statements) {
    walk(stmt.ast, (kind, value) => {
      if (kind === 'Constraint' && value.conname) written.add(value.conname);
      if (kind === 'IndexStmt' && value.idxname) written.add(value.idxname);
      if (kind === 'RangeVar' && value.relname) written.add(value.relname);
    });
  }
  return (name) => written.has(name) || !!schema?.constraint(name) || !!schema?.relation(name);
}
