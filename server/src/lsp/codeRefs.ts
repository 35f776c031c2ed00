/**
 * The code-reference index in the language server: built by a worker thread (dist/coderefsWorker.js)
 * in the background so the server keeps answering, then updated file by file when the client reports
 * changes (workspace/didChangeWatchedFiles). An update re-lints the open migrations, so a
 * still-referenced finding appears or clears as the code changes, unless the index had no reference
 * before and has none after (nothing can change then). The hover of a contract statement
 * says how many places use what it removes, or that none does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileEvent } from 'vscode-languageserver/node';
import { codeHoverLines } from '../coderefs/hover';
import { LiveReferences } from '../coderefs/liveReferences';
import { WORKER_RESOURCE_LIMITS, type WorkerInput, type WorkerMessage } from '../coderefs/protocol';
import { loadConfigFile } from '../config/load';
import { statementAt } from '../engine';
import type { FeatureContext, ServerFeature } from './features';
import { CONFIG_FILE_NAME } from './protocol';

/**
 * The worker starts once the first opened document has its diagnostics, or this long after
 * `initialized` when none is opened: on 2 cores its start (a 0.7 MB bundle and its own SQL parser)
 * competed with the first lint (server ready 879 against 747 ms median without it, load ~5).
 */
export const INDEX_START_FALLBACK_MS = 3_000;
/**
 * …and once edits pause this long: its start (~190 ms of CPU, on the second core) ran alongside
 * the first edits' relints, which an editor sends right after the open's diagnostics.
 */
export const INDEX_START_QUIET_MS = 500;
/** Typing without a pause does not hold the index back longer than this after the first lint. */
export const INDEX_START_MAX_WAIT_MS = 10_000;

export function codeReferencesFeature(workerPath = join(__dirname, 'coderefsWorker.js')): ServerFeature {
  let ctx: FeatureContext | undefined;
  let worker: Worker | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  let startRequested = false;
  /** When the first document's lint asked for the start (the quiet wait counts from edits after it). */
  let quietWaitStarted: number | undefined;
  let live: LiveReferences | undefined;
  // The first index arrives in batches; it is published whole, on `ready`.
  let building: LiveReferences | undefined;
  /** Whether the index last handed to the linter had any reference (its findings depend on it then). */
  let handedOverReferences = false;

  const start = (roots: string[]) => {
    if (!ctx || roots.length === 0 || worker) return;
    if (!existsSync(workerPath)) {
      ctx.log(`Code references: ${workerPath} is missing; still-referenced is off.`);
      return;
    }
    // codeScan comes from the lockstep.config.json at the first root, if any.
    const configFile = join(roots[0], CONFIG_FILE_NAME);
    const settings = existsSync(configFile) ? loadConfigFile(configFile).config.codeScan : undefined;
    const input: WorkerInput = { roots, settings };
    const w = new Worker(workerPath, { workerData: input, resourceLimits: WORKER_RESOURCE_LIMITS });
    worker = w;
    w.unref();
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'error') {
        ctx?.log(`Code references: ${m.message}`);
        return;
      }
      if (m.type === 'batch') {
        (building ??= new LiveReferences()).replaceFiles(m.files);
        return;
      }
      if (m.type === 'ready') {
        live = building ?? new LiveReferences();
        building = undefined;
        ctx?.log(`Code references: indexed ${m.fileCount} files with references in ${m.ms} ms.`);
      }
      live!.replaceFiles(m.files);
      // An index without a single reference finds exactly what no index finds (still-referenced
      // reports only names that code uses): handing one over re-lints nothing. Re-linting every
      // open migration for it (seconds for a 20,000-line file) held up hovers right after the
      // first lint of a workspace without SQL in its code.
      const referenced = !live!.isEmpty();
      ctx?.setCodeReferences(live!, referenced || handedOverReferences);
      handedOverReferences = referenced;
    });
    w.on('error', (err) => ctx?.log(`Code references worker failed: ${err.message}`));
  };

  /** Start the worker after `delayMs` (or sooner, if asked again with less); once. */
  const startSoon = (delayMs: number) => {
    if (!startRequested || worker) return;
    clearTimeout(startTimer);
    if (delayMs === 0) {
      startTimer = undefined;
      start(ctx?.workspaceRoots() ?? []);
      return;
    }
    startTimer = setTimeout(() => startSoon(0), delayMs);
    startTimer.unref();
  };
  /** Start once no edit came for INDEX_START_QUIET_MS (each edit waits again), within INDEX_START_MAX_WAIT_MS. */
  const startWhenQuiet = () => {
    if (!startRequested || worker) return;
    quietWaitStarted ??= Date.now();
    const left = quietWaitStarted + INDEX_START_MAX_WAIT_MS - Date.now();
    clearTimeout(startTimer);
    startTimer = setTimeout(() => startSoon(0), Math.max(0, Math.min(INDEX_START_QUIET_MS, left)));
    startTimer.unref();
  };

  return {
    register(context) {
      ctx = context;
      context.documents.onDidOpen((event) => {
        if (!startRequested || worker) return;
        // After server.ts's own handler has started this document's lint, which linted() then
        // joins (same version): no second lint.
        setImmediate(() => context.linted(event.document.uri).then(startWhenQuiet, startWhenQuiet));
      });
      context.documents.onDidChangeContent(() => {
        if (quietWaitStarted !== undefined) startWhenQuiet();
      });
    },
    initialized() {
      startRequested = true;
      startSoon(INDEX_START_FALLBACK_MS);
    },
    watchedFilesChanged(changes: FileEvent[]) {
      if (!worker) return;
      const files = changes.filter((c) => c.uri.startsWith('file:')).map((c) => fileURLToPath(c.uri));
      if (files.length) worker.postMessage({ type: 'changed', files });
    },
    async hover(_uri, offset, linted) {
      if (!worker || !linted.result) return undefined;
      // A binary search (engine.ts statementAt): walking every statement cost ~20 ms per hover on a 20,000-line file under load.
      const stmt = statementAt(linted.result.document.statements, offset);
      if (!stmt) return undefined;
      if (!live) return 'Code references: still indexing the workspace.';
      const lines = codeHoverLines(stmt, live);
      return lines.length ? lines.join('\n\n') : undefined;
    },
    dispose() {
      clearTimeout(startTimer);
      startRequested = false;
      void worker?.terminate();
      worker = undefined;
    },
  };
}
