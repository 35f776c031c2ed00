// Edit-to-diagnostics latency of the language server (dist/server.js --stdio), spoken to over
// standard LSP JSON-RPC: open a generated 20,000-line migration, then make one-line edits one at a
// time and time each from the didChange being sent to the publishDiagnostics for that version.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EDITS, generateMigration } from './migration.mjs';
import { lockstepServerCommand } from './serverCommand.mjs';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const DIAGNOSTICS_TIMEOUT_MS = 60_000;

/** Small deterministic PRNG (mulberry32), so every run edits the same lines. */
export function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU time (ms) a process has used, all its threads, and its main thread alone (Linux /proc; undefined
 * elsewhere). The per-edit CPU is steadier than wall time on a shared machine.
 */
export function cpuOf(pid) {
  const ticks = (path) => {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  try {
    return { process: ticks(`/proc/${pid}/stat`), mainThread: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

/** The largest value; `Math.max(...values)` overflows the stack past ~100,000 values (hovers sent during a long trace). */
export function maxOf(values) {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * @param {{ repo: string, workDir: string, edits: number, lines: number, editKind: keyof EDITS, debounceMs?: number, server?: [string, string[]] }} options
 * `debounceMs` undefined keeps the server's own default typing pause. `server`: another language
 * server to drive the same way (`squawk server`); default Lockstep's dist/server.js.
 * Returns `readyMs` (spawn → first diagnostics of the opened file) and `openMs` (didOpen → them).
 */
/** `editsOn`: only the editable lines whose text it accepts (a subset of the edits, e.g. one table's). */
export async function measureLspLatency({ repo, workDir, edits, lines, editKind, debounceMs, server: command, editsOn }) {
  const lockstep = command === undefined;
  const spawnedAt = performance.now();
  const [exe, args] = command ?? lockstepServerCommand(repo);
  const server = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (d) => (serverErr = (serverErr + d).slice(-4000)));
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));

  const waiting = new Map(); // version → resolve(receivedAt)
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const receivedAt = performance.now();
    // A server that does not version its diagnostics (squawk) answers the oldest edit waiting.
    const key = params.version ?? waiting.keys().next().value;
    const resolveWait = waiting.get(key);
    if (resolveWait) {
      waiting.delete(key);
      resolveWait({ receivedAt, count: params.diagnostics.length, diagnostics: params.diagnostics });
    }
  });
  // Anything the server asks of the client (configuration, registrations) gets an empty answer.
  connection.onRequest(() => null);
  connection.onNotification(() => {});
  connection.listen();

  const diagnosticsFor = (version) =>
    new Promise((resolveWait, rejectWait) => {
      const timer = setTimeout(() => rejectWait(new Error(`no diagnostics for version ${version} within ${DIAGNOSTICS_TIMEOUT_MS} ms\n${serverErr}`)), DIAGNOSTICS_TIMEOUT_MS);
      waiting.set(version, (value) => {
        clearTimeout(timer);
        resolveWait(value);
      });
    });

  try {
    const rootUri = pathToFileURL(workDir).href;
    const uri = pathToFileURL(join(workDir, 'V1__bench.sql')).href;
    const init = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: debounceMs === undefined ? {} : { debounceMs },
    });
    await connection.sendNotification('initialized', {});
    // squawk's server publishes nothing: the client pulls (textDocument/diagnostic) after each change.
    const pull = !lockstep && Boolean(init?.capabilities?.diagnosticProvider);
    const pulled = async () => {
      const report = await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      return { receivedAt: performance.now(), count: report?.items?.length ?? 0 };
    };

    const { text, lines: source, editable: editableByKind } = generateMigration(lines);
    const editable = editableByKind[editKind].filter((n) => !editsOn || editsOn(source[n]));
    let version = 1;
    const opened = pull ? undefined : diagnosticsFor(version);
    const openSentAt = performance.now();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
    const first = await (opened ?? pulled());
    const openMs = first.receivedAt - openSentAt;

    const next = random(42);
    const latencies = [];
    const cpuBefore = cpuOf(server.pid);
    for (let n = 0; n < edits; n++) {
      const line = editable[Math.floor(next() * editable.length)];
      const before = source[line];
      const after = EDITS[editKind].edit(before, n);
      if (after === before) throw new Error(`edit ${n} changed nothing on line ${line}`);
      source[line] = after;
      version++;
      const published = pull ? undefined : diagnosticsFor(version);
      const sentAt = performance.now();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: before.length } }, text: after }],
      });
      const { receivedAt, count } = await (published ?? pulled());
      if (lockstep && count !== first.count) throw new Error(`edit ${n} changed the diagnostics count (${first.count} → ${count}); the edit is not neutral`);
      latencies.push(receivedAt - sentAt);
    }
    const cpuAfter = cpuOf(server.pid);
    // The server's CPU per edit (10 ms ticks: meaningful over many edits), main thread and whole process.
    const editCpuMs = cpuBefore && cpuAfter && edits > 0 ? { mainThread: (cpuAfter.mainThread - cpuBefore.mainThread) / edits, process: (cpuAfter.process - cpuBefore.process) / edits } : undefined;
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    // Let it exit on its own (a --cpu-prof profile is written at exit), then kill it anyway.
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : (server.once('exit', resolve), setTimeout(resolve, 10_000))));
    // `published`: the first diagnostics themselves (the echo server of bench/floors.mjs replays them).
    return { readyMs: first.receivedAt - spawnedAt, openMs, diagnostics: first.count, published: first.diagnostics, latencies, editCpuMs };
  } finally {
    connection.dispose();
    server.kill();
  }
}

/**
 * Server ready (spawn → first diagnostics of a `lines`-line file) over `times` spawns, one after the
 * other: the median and every sample. One spawn on a shared 2-core machine varied 300–520 ms with
 * nothing changed (BENCHMARKS.md, issue 14, seventeenth session); the target is what a start takes, not one draw.
 */
export async function measureServerReady({ repo, workDir, lines = 300, times = 5 }) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push((await measureLspLatency({ repo, workDir, edits: 0, lines, editKind: 'rename-column', debounceMs: 0 })).readyMs);
  return { median: percentile(samples, 50), samples };
}
