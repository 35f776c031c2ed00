/**
 * Runs the lint, edit and hover paths on a small migration while the server starts, before it answers
 * `initialize`. The SQL parser's WASM functions are compiled on their first call (~60 ms for the
 * first parse) and the engine's JavaScript starts cold: without this, the first hover of a fresh
 * server took 55–80 ms, the only hovers over 50 ms in 10,000 fuzz cases (BENCHMARKS.md, issue 18).
 * An edit's relint takes other paths than a first lint (the parse cache, reused analyses and rule
 * hits): the first edits of a 300-line migration took 5–28 ms where a warm one takes ~1 ms, so the
 * sample is edited and relinted too, through the same DocumentLinter and diagnostics the server uses.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../config/types';
import { DocumentLinter } from './documentLinter';
import { toDiagnostic } from './diagnostics';
import { QuickLints, quickHover } from './quickHover';

export const SAMPLE = [
  'CREATE TABLE lockstep_warm_up (id bigint PRIMARY KEY, name text);',
  "ALTER TABLE lockstep_warm_up ADD COLUMN email text NOT NULL DEFAULT '';",
  'CREATE INDEX lockstep_warm_up_email ON lockstep_warm_up (email);',
  "COMMENT ON TABLE lockstep_warm_up IS 'warm-up';",
  'ALTER TABLE lockstep_warm_up ALTER COLUMN name SET NOT NULL;',
  'SELECT (;',
  '',
].join('\n');

/**
 * Edits of the sample, each relinted: one that changes only a string (nothing later depends on it)
 * and one that changes the schema every later statement sees, alternately, so both paths are
 * compiled. A few only: each costs ~1–10 ms of the server's start.
 */
export const WARM_UP_EDITS = 6;

export interface WarmUp {
  /** Findings of the sample's first lint (never 0). */
  findings: number;
  /** Relints after an edit, and how many of their statements came from the parse cache. */
  relints: number;
  reusedParses: number;
}

/** Lints the sample, edits and relints it WARM_UP_EDITS times, and hovers on it. */
export function warmUp(): WarmUp {
  const linter = new DocumentLinter(() => {});
  const doc = TextDocument.create('untitled:lockstep-warm-up', 'sql', 1, SAMPLE);
  const first = linter.lint(doc, undefined, DEFAULT_CONFIG);
  for (const finding of first.findings) toDiagnostic(finding, doc);
  const cache = linter.cacheFor(doc.uri);
  cache.stats.reusedParses = 0;
  let relints = 0;
  for (let n = 0; n < WARM_UP_EDITS; n++) {
    const text = doc.getText();
    const [old, replacement] = n % 2 === 0 ? [/'warm-up[^']*'/, `'warm-up ${n}'`] : [/ADD COLUMN email\w*/, `ADD COLUMN email${n}`];
    const match = old.exec(text)!;
    const range = { start: doc.positionAt(match.index), end: doc.positionAt(match.index + match[0].length) };
    TextDocument.update(doc, [{ range, text: replacement }], doc.version + 1);
    const linted = linter.lint(doc, undefined, DEFAULT_CONFIG);
    for (const finding of linted.findings) toDiagnostic(finding, doc);
    relints++;
  }
  quickHover(doc, doc.getText().indexOf('INDEX'), DEFAULT_CONFIG, undefined, new QuickLints(1));
  return { findings: first.findings.length, relints, reusedParses: cache.stats.reusedParses };
}
