/**
 * Runs the lint, edit and hover paths once on a small migration while the server starts, before it
 * answers `initialize`. The SQL parser's WASM functions are compiled on their first call (~60 ms for
 * the first parse) and the engine's JavaScript starts cold: without this, the first hover of a fresh
 * server took 55–80 ms, the only hovers over 50 ms in 10,000 fuzz cases (BENCHMARKS.md, issue 18).
 *
 * The edit path too: the sample is linted through an EngineCache and relinted after two one-line
 * edits (a renamed column, a changed comment), as an edited document is, and the findings converted
 * to diagnostics. Without that the patch relint (document/patch.ts, columnPatch.ts) first ran on the
 * user's first edit: that edit of a 300-line migration took 17–51 ms against 3–10 ms for the next
 * ones (BENCHMARKS.md, issue 14, eleventh session).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../config/types';
import { EngineCache, lintText } from '../engine';
import { DiagnosticReuse } from './diagnostics';
import { QuickLints, quickHover } from './quickHover';

const SAMPLE = [
  'CREATE TABLE lockstep_warm_up (id bigint PRIMARY KEY, name text);',
  "ALTER TABLE lockstep_warm_up ADD COLUMN email text NOT NULL DEFAULT '';",
  'CREATE INDEX lockstep_warm_up_email ON lockstep_warm_up (email);',
  "COMMENT ON TABLE lockstep_warm_up IS 'warm-up';",
  'SELECT (;',
  '',
].join('\n');

/** The one-line edits relinted: the added column renamed, then the comment's text changed. */
const EDITS: readonly ((text: string) => string)[] = [
  (text) => text.replace('ADD COLUMN email', 'ADD COLUMN email_address'),
  (text) => text.replace("IS 'warm-up'", "IS 'warm-up, edited'"),
];

export interface WarmUpReport {
  /** Findings of the sample's first lint (never 0). */
  findings: number;
  /** Relints after an edit that took the patch path (the edit path), of EDITS.length. */
  patchedRelints: number;
}

export function warmUp(): WarmUpReport {
  const cache = new EngineCache();
  const reuse = new DiagnosticReuse();
  let text = SAMPLE;
  let version = 1;
  const lint = () => {
    const result = lintText(text, { config: DEFAULT_CONFIG, cache });
    reuse.convert(result.findings, TextDocument.create('untitled:lockstep-warm-up', 'sql', version++, text));
    return result;
  };
  const findings = lint().findings.length;
  let patchedRelints = 0;
  for (const edit of EDITS) {
    text = edit(text);
    lint();
    if (cache.stats.patched) patchedRelints++;
  }
  const doc = TextDocument.create('untitled:lockstep-warm-up', 'sql', version, text);
  quickHover(doc, text.indexOf('INDEX'), DEFAULT_CONFIG, undefined, new QuickLints(1));
  return { findings, patchedRelints };
}
