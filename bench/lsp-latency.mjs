// Edit-to-diagnostics latency of the language server (dist/server.js --stdio), spoken to over
// standard LSP JSON-RPC: open a generated 20,000-line migration, then make one-line edits one at a
// time and time each from the didChange being sent to the publishDiagnostics for that version.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EDITS, generateMigration } from './migration.mjs';

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

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * @param {{ repo: string, workDir: string, edits: number, lines: number, editKind: keyof EDITS, debounceMs?: number }} options
 * `debounceMs` undefined keeps the server's own default typing pause.
 */
export async function measureLspLatency({ repo, workDir, edits, lines, editKind, debounceMs }) {
  const server = spawn(process.execPath, [join(repo, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (d) => (serverErr = (serverErr + d).slice(-4000)));
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));

  const waiting = new Map(); // version → resolve(receivedAt)
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const receivedAt = performance.now();
    const resolveWait = waiting.get(params.version);
    if (resolveWait) {
      waiting.delete(params.version);
      resolveWait({ receivedAt, count: params.diagnostics.length });
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
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: debounceMs === undefined ? {} : { debounceMs },
    });
    await connection.sendNotification('initialized', {});

    const { text, lines: source, editable: editableByKind } = generateMigration(lines);
    const editable = editableByKind[editKind];
    const uri = pathToFileURL(join(workDir, 'V1__bench.sql')).href;
    let version = 1;
    const opened = diagnosticsFor(version);
    const openSentAt = performance.now();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
    const first = await opened;
    const openMs = first.receivedAt - openSentAt;

    const next = random(42);
    const latencies = [];
    for (let n = 0; n < edits; n++) {
      const line = editable[Math.floor(next() * editable.length)];
      const before = source[line];
      const after = EDITS[editKind].edit(before, n);
      if (after === before) throw new Error(`edit ${n} changed nothing on line ${line}`);
      source[line] = after;
      version++;
      const published = diagnosticsFor(version);
      const sentAt = performance.now();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: before.length } }, text: after }],
      });
      const { receivedAt, count } = await published;
      if (count !== first.count) throw new Error(`edit ${n} changed the diagnostics count (${first.count} → ${count}); the edit is not neutral`);
      latencies.push(receivedAt - sentAt);
    }
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return { openMs, diagnostics: first.count, latencies };
  } finally {
    connection.dispose();
    server.kill();
  }
}
