/**
 * Lints documents through the engine, keeping one EngineCache per open document so an
 * edit only re-parses the statements whose text changed. Engine failures never escape:
 * they become an empty result for that document.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EngineCache, lintSteps, type LintResult } from '../engine';
import { runToEnd } from '../document/model';
import { runSliced, SLICE_MS } from './slicedLint';
import type { ReferenceLookup } from '../coderefs/index';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import type { Finding } from '../findings';
import { nodeFileSystem, SchemaHistory } from '../history/schemaHistory';
import { prefixEnd, type LargeDocument } from './largeDocument';
import { detectFramework, isHostPath } from '../frameworks/registry';
import { lintHostText } from '../frameworks/lint';
import { sourceOf } from './pieceDocument';
import { wholeText, type SourceText } from '../parse/pieceText';

/** How much of a SQL file's text SchemaHistory reads (runnerMarkers of its first 4,096 characters). */
const HISTORY_READS = 4096;

/** Earlier migrations rarely change while one is edited: look at them again at most this often. */
const HISTORY_RECHECK_MS = 2_000;

export interface LintedDocument {
  version: number;
  config: LockstepConfig;
  findings: Finding[];
  /** Wall time of the lint; big documents use it to space out re-lints. */
  durationMs: number;
  /** The document's first lint, with nothing cached: its duration says nothing about what an edit's relint costs. */
  cold?: boolean;
  /** Missing when the engine failed on this text. */
  result?: LintResult;
  /** The text linted, as the engine was given it (pieces: reading `result.document.text` would build them whole). */
  source?: SourceText;
  /** The schema it was linted against (fixes re-lint their result against the same one). */
  schema?: Catalog;
  /** Set when only a prefix of an oversized document was linted (largeDocument.ts). */
  large?: LargeDocument;
}

export class DocumentLinter {
  /** The application code's references (the code-reference worker's), for still-referenced. */
  code: ReferenceLookup | undefined;
  private readonly caches = new Map<string, EngineCache>();
  private readonly latest = new Map<string, LintedDocument>();
  /** Documents linted with a config that has since changed. */
  private readonly stale = new Set<string>();
  /** The schema each file runs against, replayed from the earlier migrations of its set. */
  private readonly history = new SchemaHistory(nodeFileSystem, HISTORY_RECHECK_MS);

  constructor(private readonly logError: (message: string) => void) {}

  /** `maxChars`: documents longer than this get only a prefix of whole statements linted. */
  lint(doc: TextDocument, path: string | undefined, config: LockstepConfig, maxChars = Infinity): LintedDocument {
    return runToEnd(this.lintSteps(doc, path, config, maxChars));
  }

  /**
   * `lint` in slices that give the event loop back every SLICE_MS, so hovers and other requests are
   * answered while a big document lints (from the last completed lint). Stops, keeping nothing, as
   * soon as `wanted()` says the lint is superseded (the text changed, or a newer lint started).
   */
  lintSliced(doc: TextDocument, path: string | undefined, config: LockstepConfig, maxChars: number, wanted: () => boolean, sliceMs = SLICE_MS): Promise<LintedDocument | undefined> {
    return runSliced(this.lintSteps(doc, path, config, maxChars), wanted, sliceMs);
  }

  private *lintSteps(doc: TextDocument, path: string | undefined, config: LockstepConfig, maxChars: number): Generator<void, LintedDocument> {
    const started = Date.now();
    const cold = !this.caches.has(doc.uri);
    let linted: LintedDocument;
    try {
      // The document's pieces when it keeps them (pieceDocument.ts): the engine's patch path reads only around the edit.
      const source = sourceOf(doc);
      const large = source.length > maxChars ? { size: source.length, linted: prefixEnd(wholeText(source)) } : undefined;
      const host = path && isHostPath(path);
      const text: SourceText = large ? wholeText(source).slice(0, large.linted) : host ? wholeText(source) : source;
      const framework = host ? detectFramework(path, wholeText(text)) : undefined;
      if (host && !framework) {
        // A .ts/.js file that is not a migration of any framework Lockstep reads: nothing to say.
        linted = { version: doc.version, config, findings: [], durationMs: Date.now() - started };
      } else {
        // Of a SQL file the history reads only the first lines (its runner's markers: schemaHistory.ts).
        const head = typeof text === 'string' ? text : text.slice(0, HISTORY_READS);
        const schema = path ? this.history.schemaBefore(path, head, config) : undefined;
        // An oversized document gets no parse cache: holding its statements is what exhausted memory.
        const options = { path, config, cache: large ? undefined : this.cacheFor(doc.uri), schema, code: this.code };
        const result = framework ? lintHostText(wholeText(text), framework, options) : yield* lintSteps(text, options);
        if (large) this.caches.delete(doc.uri);
        const findings = Array.isArray(result.findings) ? result.findings : [];
        linted = { version: doc.version, config, findings, durationMs: Date.now() - started, result, source: framework ? undefined : text, schema, large };
      }
    } catch (error) {
      // The cache may hold half-updated state after a throw; start clean next time.
      this.caches.delete(doc.uri);
      this.logError(`Lint failed for ${doc.uri}: ${describeError(error)}`);
      linted = { version: doc.version, config, findings: [], durationMs: Date.now() - started };
    }
    if (cold) linted.cold = true;
    this.latest.set(doc.uri, linted);
    this.stale.delete(doc.uri);
    return linted;
  }

  /** The last lint of `uri`, if it was for exactly this version and the config has not changed since. */
  current(uri: string, version: number): LintedDocument | undefined {
    const linted = this.latest.get(uri);
    return linted && linted.version === version && !this.stale.has(uri) ? linted : undefined;
  }

  /** The last lint of `uri`, whatever its version. */
  last(uri: string): LintedDocument | undefined {
    return this.latest.get(uri);
  }

  /** A closed document: drop everything kept for it, so its memory can be returned. */
  forget(uri: string, path?: string): void {
    this.caches.delete(uri);
    this.latest.delete(uri);
    this.stale.delete(uri);
    if (path) this.history.forget(path);
  }

  /** How many documents each cache holds (tests assert closing empties them). */
  sizes(): { caches: number; latest: number; stale: number; history: number } {
    return { caches: this.caches.size, latest: this.latest.size, stale: this.stale.size, history: this.history.size() };
  }

  /** The document's parse cache, warm: fix verification re-lints only the statements a fix changed. */

  /** Config changed: results are stale, but parse caches stay valid. */
  invalidateResults(): void {
    for (const uri of this.latest.keys()) this.stale.add(uri);
  }

  cacheFor(uri: string): EngineCache {
    let cache = this.caches.get(uri);
    if (!cache) {
      cache = new EngineCache();
      this.caches.set(uri, cache);
    }
    return cache;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
