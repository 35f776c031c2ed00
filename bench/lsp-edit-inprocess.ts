/**
 * The language server's edit path in process: DocumentLinter on bench/migration.mjs's generated
 * migration, the same seeded one-line edits as bench/lsp-latency.mjs, wall and CPU time per relint.
 * Usage: node <bundle> [lines=20000] [edit kind=rename-column] [edits=20]; PROFILE=<file> (a V8 profile
 * of the edits), HEAPPROFILE=<file> (a sampling profile of what the edits allocate, .heapprofile), SLOW=<ms> (each slower edit, with its GC time), STATS=1 (the engine's counters per edit),
 * ANALYZED=1 (only edits of the tables the file's last lines `ANALYZE`: a statement at the end reads them).
 * Bundle it (real function names in profiles), into dist/ so it finds the WASM files:
 *   npx esbuild bench/lsp-edit-inprocess.ts --bundle --platform=node --format=cjs --target=node20 \
 *     --external:vscode --external:pg-native --external:typescript \
 *     --banner:js="const __importMetaUrl=require('url').pathToFileURL(__filename).href;" \
 *     --define:import.meta.url=__importMetaUrl --outfile=dist/edit.cjs
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { initEngine } from '../server/src/engine';
import { DocumentLinter } from '../server/src/lsp/documentLinter';
import { PIECE_DOCUMENTS as PIECES } from '../server/src/lsp/pieceDocument';
import { DEFAULT_CONFIG } from '../server/src/config/types';
// @ts-ignore
import { EDITS, generateMigration } from './migration.mjs';
// @ts-expect-error: a plain .mjs module (no types)
import { random } from './lsp-latency.mjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  await initEngine();
  const lines = Number(process.argv[2] ?? 20000);
  const kind = process.argv[3] ?? 'rename-column';
  const edits = Number(process.argv[4] ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'lsph-'));
  const path = join(dir, 'V1__bench.sql');
  const { text, lines: source, editable: byKind } = generateMigration(lines);
  const analyzed = new Set(source.filter((l: string) => l.startsWith('ANALYZE ')).map((l: string) => l.slice(8, -1)));
  const editable = process.env.ANALYZED ? byKind[kind].filter((n: number) => analyzed.has(/ALTER TABLE (\w+)/.exec(source[n])?.[1])) : byKind[kind];
  // DOCUMENTS=library: the library's TextDocument (a whole-text string per edit); else the server's (pieces, where the tree has them).
  type Documents = { create(uri: string, languageId: string, version: number, text: string): TextDocument; update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument };
  const library: Documents = { create: TextDocument.create, update: TextDocument.update };
  const documents: Documents = process.env.DOCUMENTS === 'library' || !PIECES ? library : (PIECES as unknown as Documents);
  let doc = documents.create('file://' + path, 'sql', 1, text) as TextDocument;
  const linter = new DocumentLinter((m) => console.error(m));
  const config = DEFAULT_CONFIG;
  let t = performance.now();
  const first = linter.lint(doc, path, config);
  console.log(`open ${(performance.now() - t).toFixed(1)} ms, ${first.findings.length} findings`);
  // PROFILE=<file>: a V8 CPU profile of the edits only (not the open), for bench/profile.mjs's summaries.
  const session = process.env.PROFILE || process.env.HEAPPROFILE ? new Session() : undefined;
  const post = (method: string, params?: object) => new Promise<any>((done, fail) => session!.post(method, params ?? {}, (e, r) => (e ? fail(e) : done(r))));
  if (session) session.connect();
  if (process.env.HEAPPROFILE) await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  if (process.env.PROFILE) {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  }
  const next = random(42);
  const times: number[] = [];
  // CPU time of the process per edit (all threads, GC helpers included): steadier than wall time on a busy machine.
  const cpuTimes: number[] = [];
  const updateTimes: number[] = [];
  const withUpdate: number[] = [];
  const cpuWithUpdate: number[] = [];
  // Relints the engine patched (engine.ts patchedLint) rather than building the whole document.
  let patched = 0;
  // SLOW=<ms>: print each edit slower than that, with the garbage collection inside it.
  const slow = Number(process.env.SLOW ?? Infinity);
  let gcMs = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration))).observe({ entryTypes: ['gc'] });
  for (let n = 0; n < edits; n++) {
    const line = editable[Math.floor(next() * editable.length)];
    const before = source[line];
    const after = EDITS[kind].edit(before, n);
    source[line] = after;
    const change = { range: { start: { line, character: 0 }, end: { line, character: before.length } }, text: after };
    // The document's update is timed too (as the server spends it per edit): TextDocument's builds the whole text.
    const updated = performance.now();
    const cpuUpdate = process.cpuUsage();
    doc = documents.update(doc, [change], doc.version + 1);
    updateTimes.push(performance.now() - updated);
    t = performance.now();
    const gcBefore = gcMs;
    const cpu = process.cpuUsage();
    const r = linter.lint(doc, path, config);
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    const usedWithUpdate = process.cpuUsage(cpuUpdate);
    withUpdate.push(performance.now() - updated);
    cpuWithUpdate.push((usedWithUpdate.user + usedWithUpdate.system) / 1000);
    await new Promise((resolve) => setImmediate(resolve)); // let the gc observer report
    if (ms > slow) console.log(`edit ${n}: ${ms.toFixed(1)} ms, of which gc ${(gcMs - gcBefore).toFixed(1)} ms`);
    times.push(ms);
    if (r.findings.length !== first.findings.length) throw new Error('count changed');
    if (linter.cacheFor(doc.uri).stats.patched) patched++;
    if (process.env.STATS) console.log(ms.toFixed(1), JSON.stringify(linter.cacheFor(doc.uri).stats));
  }
  if (process.env.PROFILE) writeFileSync(process.env.PROFILE, JSON.stringify((await post('Profiler.stop')).profile));
  if (process.env.HEAPPROFILE) writeFileSync(process.env.HEAPPROFILE, JSON.stringify((await post('HeapProfiler.stopSampling')).profile));
  globalThis.gc?.();
  if (globalThis.gc) console.log(`heap after the edits (after a full GC): ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);
  console.log(`${lines} ${kind} update+lint: p50 ${percentile(withUpdate, 50).toFixed(2)} p95 ${percentile(withUpdate, 95).toFixed(2)}; cpu p50 ${percentile(cpuWithUpdate, 50).toFixed(2)} mean ${(cpuWithUpdate.reduce((a, b) => a + b, 0) / cpuWithUpdate.length).toFixed(2)}; update alone p50 ${percentile(updateTimes, 50).toFixed(3)} p95 ${percentile(updateTimes, 95).toFixed(3)}`);
  console.log(`${lines} ${kind}: p50 ${percentile(times, 50).toFixed(2)} p95 ${percentile(times, 95).toFixed(2)} max ${Math.max(...times).toFixed(2)}; cpu p50 ${percentile(cpuTimes, 50).toFixed(2)} p95 ${percentile(cpuTimes, 95).toFixed(2)} mean ${(cpuTimes.reduce((a, b) => a + b, 0) / cpuTimes.length).toFixed(2)}; ${patched} of ${edits} patched`);
}
main();
