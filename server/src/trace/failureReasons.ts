/**
 * Why embedded PostgreSQL could not replay a statement, as one short reason a report can group
 * by: the message PostgreSQL (or the trace's own limits) gave, with the names taken out, and
 * "an earlier statement failed" when the missing object is one an earlier failed statement would
 * have made (so one unavailable extension is not counted as twenty unrelated failures).
 */

/** A statement the trace could not replay, in the order they were replayed. */
export interface FailedStatement {
  sql: string;
  error: string;
}

const MISSING = /^(relation|type|function|schema|column|constraint|index|table|sequence|view|operator class|operator|access method|text search configuration|trigger) "([^"]+)"(?: of relation "[^"]+"| for access method "[^"]+")? does not exist/i;

export function failureReason(error: string, earlier: FailedStatement[]): string {
  const extension = /extension "([^"]+)" is not available|could not open extension control file "[^"]*\/([^"/]+)\.control"/.exec(error);
  if (extension) return `PGlite lacks the extension ${extension[1] ?? extension[2]}`;
  if (/^not run: /.test(error)) return 'not run: the trace stopped before it (a time or memory limit)';
  if (/over (its|the) .*time limit|statement timeout/i.test(error)) return 'over the per-statement time limit';
  if (/COPY … PROGRAM/.test(error)) return 'COPY … PROGRAM runs a shell command: never run by a trace';
  if (/role "[^"]+" does not exist/.test(error)) return 'a role the shadow database does not have';
  if (/permission denied|must be (superuser|owner)|could not (open|access|stat) file/i.test(error)) return 'needs a privilege or a server file the shadow database does not have';
  const missing = MISSING.exec(error);
  if (missing) {
    const name = missing[2].split('.').pop()!.toLowerCase();
    if (earlier.some((f) => f.sql.toLowerCase().includes(name))) return 'depends on an earlier statement that could not be replayed';
    const kind = missing[1].toLowerCase();
    return `needs ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} that no replayed statement made`;
  }
  if (/current transaction is aborted/.test(error)) return 'an earlier statement of its transaction failed';
  // Anything else: PostgreSQL's message without the names, so equal causes group together.
  return `PostgreSQL: ${error.replace(/"[^"]*"/g, '"…"').replace(/\s+/g, ' ').trim()}`;
}
