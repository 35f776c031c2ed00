/**
 * Runs the lint and hover paths once on a small migration while the server starts, before it answers
 * `initialize`. The SQL parser's WASM functions are compiled on their first call (~60 ms for the
 * first parse) and the engine's JavaScript starts cold: without this, the first hover of a fresh
 * server took 55–80 ms, the only hovers over 50 ms in 10,000 fuzz cases (BENCHMARKS.md, issue 18).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../config/types';
import { lintText } from '../engine';
import { QuickLints, quickHover } from './quickHover';

const SAMPLE = [
  'CREATE TABLE lockstep_warm_up (id bigint PRIMARY KEY, name text);',
  "ALTER TABLE lockstep_warm_up ADD COLUMN email text NOT NULL DEFAULT '';",
  'CREATE INDEX lockstep_warm_up_email ON lockstep_warm_up (email);',
  'SELECT (;',
  '',
].join('\n');

/** Lints the sample and hovers on it; returns how many findings the lint had (never 0). */
export function warmUp(): number {
  const result = lintText(SAMPLE, { config: DEFAULT_CONFIG });
  const doc = TextDocument.create('untitled:lockstep-warm-up', 'sql', 1, SAMPLE);
  quickHover(doc, SAMPLE.indexOf('INDEX'), DEFAULT_CONFIG, undefined, new QuickLints(1));
  return result.findings.length;
}
