/**
 * The code-reference index in the language server: built by a worker thread (dist/coderefsWorker.js)
 * in the background so the server keeps answering, then updated file by file when the client reports
 * changes (workspace/didChangeWatchedFiles). Every update re-lints the open migrations, so a
 * still-referenced finding appears or clears as the code changes. The hover of a contract statement
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

export function codeReferencesFeature(workerPath = join(__dirname, 'coderefsWorker.js')): ServerFeature {
  let ctx: FeatureContext | undefined;
  let worker: Worker | undefined;
  let live: LiveReferences | undefined;
  // The first index arrives in batches; it is published whole, on `ready`.
  let building: LiveReferences | undefined;

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
      ctx?.setCodeReferences(live);
    });
    w.on('error', (err) => ctx?.log(`Code references worker failed: ${err.message}`));
  };

  return {
    register(context) {
      ctx = context;
    },
    initialized() {
      start(ctx?.workspaceRoots() ?? []);
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
      void worker?.terminate();
      worker = undefined;
    },
  };
}
