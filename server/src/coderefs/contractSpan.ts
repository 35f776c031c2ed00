/**
 * Where in a statement's text the name a contract removes or constrains is written: the finding
 * underlines `username` in `ALTER TABLE users DROP COLUMN username`, not the whole statement (which
 * may drop several columns). Falls back to the statement when the name cannot be found.
 */
import type { StatementInfo } from '../document/model';
import type { TextSpan } from '../findings';
import type { Contract } from './contract';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIER = String.raw`(?:${IDENT}\s*\.\s*)*`;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Written unquoted, a name is folded to lower case: only an all-lower-case plain name can be. */
const foldable = (name: string) => /^[a-z_][a-z0-9_$]*$/.test(name);

/** The name, quoted or (when it can be) not, as group 1. The regex is case-insensitive: `isName` checks the case. */
function nameGroup(name: string): string {
  return foldable(name) ? `(${escape(quoted(name))}|${escape(name)}(?![\\w$]))` : `(${escape(quoted(name))})`;
}

function isName(written: string, name: string): boolean {
  return written.startsWith('"') ? written === quoted(name) : written.toLowerCase() === name;
}

/** Text before the name, per contract kind, then the name (group 1), then what must follow it. */
function patterns(c: Contract): Array<[before: string, after: string]> {
  switch (c.kind) {
    case 'drop-column':
      return [[String.raw`\bDROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?`, '']];
    case 'rename-column':
      return [[String.raw`\bRENAME\s+(?:COLUMN\s+)?`, String.raw`(?=\s+TO\b)`]];
    case 'type-change':
      return [[String.raw`\bALTER\s+(?:COLUMN\s+)?`, String.raw`(?=\s+(?:SET\s+DATA\s+)?TYPE\b)`]];
    case 'set-not-null':
      return [[String.raw`\bALTER\s+(?:COLUMN\s+)?`, String.raw`(?=\s+SET\s+NOT\s+NULL\b)`]];
    case 'required-column':
      return [[String.raw`\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?`, '']];
    case 'rename-table':
      return [[String.raw`\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${QUALIFIER}`, '']];
    case 'drop-table':
      return [[String.raw`\bDROP\s+(?:MATERIALIZED\s+)?(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?(?:${QUALIFIER}${IDENT}\s*,\s*)*${QUALIFIER}`, '']];
    case 'check':
      return [
        [String.raw`\bCHECK\s*\([^;]*?(?<![\w$."])`, String.raw`(?![\w$"])`],
        [String.raw`\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?`, ''],
      ];
    case 'foreign-key':
      return [
        [String.raw`\bFOREIGN\s+KEY\s*\(\s*(?:${IDENT}\s*,\s*)*`, ''],
        [String.raw`\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?`, ''],
      ];
  }
}

export function contractSpan(stmt: Pick<StatementInfo, 'text' | 'span'>, c: Contract): TextSpan {
  const name = c.kind === 'drop-table' || c.kind === 'rename-table' ? c.table : (c.column ?? c.columns?.[0]);
  if (name === undefined) return stmt.span;
  for (const [before, after] of patterns(c)) {
    const re = new RegExp(`${before}${nameGroup(name)}${after}`, 'gi');
    for (let m = re.exec(stmt.text); m; m = re.exec(stmt.text)) {
      if (!isName(m[1], name)) continue;
      const start = stmt.span.start + m.index + m[0].length - m[1].length;
      return { start, end: start + m[1].length };
    }
  }
  return stmt.span;
}
