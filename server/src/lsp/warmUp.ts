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

/** How long after `initialized` the warm-up runs when no document has been opened by then. */
export const IDLE_WARM_UP_MS = 300;

/**
 * Runs warmUp() once, after the first diagnostics are published, not before answering `initialize`:
 * the first lint warms the lint path itself, and the warm-up (~70 ms, mostly the parser's first
 * call) no longer stands between spawn and the first diagnostics (issue 14, server ready). With no
 * document opened, it runs IDLE_WARM_UP_MS after `initialized`, unless a lint is then under way.
 */
export class DeferredWarmUp {
  private done = false;
  constructor(private readonly log: { info(message: string): void; error(message: string): void }, private readonly describe: (error: unknown) => string) {}

  /** After a publish: warm up on the next turn (the publish is written first). */
  afterPublish(): void {
    if (!this.done) setImmediate(() => this.run());
  }

  /** After `initialized` (and the engine loaded): warm up when idle, if nothing has published by then. */
  afterInitialized(linting: () => boolean): void {
    setTimeout(() => {
      if (!linting()) this.run();
    }, IDLE_WARM_UP_MS).unref();
  }

  private run(): void {
    if (this.done) return;
    this.done = true;
    try {
      const started = performance.now();
      const findings = warmUp();
      this.log.info(`Lockstep engine ready: warmed up in ${Math.round(performance.now() - started)} ms (${findings} findings on the sample)`);
    } catch (error) {
      this.log.error(`Lockstep engine warm-up failed: ${this.describe(error)}`);
    }
  }
}
