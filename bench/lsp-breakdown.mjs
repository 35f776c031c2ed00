// Where an edit's time goes on the 20,000-line file (one-line edits, debounce 0): the server's part
// (its stdin chunk of the didChange → its publishDiagnostics write returned; stdout is a pipe, written
// synchronously on Linux, so that includes waiting for the client to read past the pipe's 64 KB) and
// the rest (the client reading and parsing the message, and waiting for a core). Stamps come from a
// preload (bench/lsp-stamps.cjs), the same clock in both processes.
// Usage: node bench/lsp-breakdown.mjs [REPO] [EDITS]
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Socket } from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(process.argv[2] ?? join(here, '..'));
const edits = Number(process.argv[3] ?? 100);
const stampsDir = mkdtempSync(join(tmpdir(), 'lsp-stamps-'));
process.env.LOCKSTEP_STAMPS_DIR = stampsDir;
process.env.LOCKSTEP_BENCH_NODE_ARGS = `${process.env.LOCKSTEP_BENCH_NODE_ARGS ?? ''} --require ${join(here, 'lsp-stamps.cjs')}`;
// When the client wrote each didChange (its body: vscode-jsonrpc writes the header first), on the same clock.
const sentAt = [];
const socketWrite = Socket.prototype.write;
Socket.prototype.write = function (chunk, ...rest) {
  // A string or a Buffer: both have includes().
  if (chunk.includes('textDocument/didChange')) sentAt.push(performance.timeOrigin + performance.now());
  return socketWrite.call(this, chunk, ...rest);
};
const { measureLspLatency, percentile } = await import(join(here, 'lsp-latency.mjs'));
const run = await measureLspLatency({ repo, workDir: mkdtempSync(join(tmpdir(), 'lsp-breakdown-')), edits, lines: 20_000, editKind: 'rename-column', debounceMs: 0 });
const events = JSON.parse(readFileSync(join(stampsDir, readdirSync(stampsDir).find((name) => name.startsWith('stamps-'))), 'utf8'));

// The publishes are the large writes: the open's first, then one per edit.
const publishes = events.filter((e) => e.kind === 'out' && e.bytes > 10_000);
const rows = [];
for (let k = 1; k < publishes.length; k++) {
  const out = publishes[k];
  const edit = events.filter((e) => e.kind === 'in' && e.at > publishes[k - 1].at && e.at < out.at).at(-1);
  const cpu = (u) => (u.user + u.system) / 1000;
  rows.push({ readAt: edit.at, serverMs: out.at + out.blockedMs - edit.at, blockedMs: out.blockedMs, processCpuMs: cpu(out.cpu) - cpu(edit.cpu), bytes: out.bytes });
}
const latencies = run.latencies.slice(-rows.length);
const sent = sentAt.slice(-rows.length);
// Sent → read by the server: the server still busy with the previous edit (its work after publishing, GC).
const waitMs = rows.map((r, k) => r.readAt - sent[k]);
const clientMs = latencies.map((latency, k) => latency - waitMs[k] - rows[k].serverMs);
const figure = (values) => `p50 ${percentile(values, 50).toFixed(1)} / p95 ${percentile(values, 95).toFixed(1)}`;
console.log(`${repo}: ${rows.length} edits, ${run.diagnostics} diagnostics, ${percentile(rows.map((r) => r.bytes), 50)} bytes per publish`);
console.log(`edit → diagnostics (client): ${figure(latencies)} ms`);
console.log(`server (didChange read → publish written): ${figure(rows.map((r) => r.serverMs))} ms, of it the write call: ${figure(rows.map((r) => r.blockedMs))} ms`);
console.log(`process CPU in that window (all threads): ${figure(rows.map((r) => r.processCpuMs))} ms`);
console.log(`before it: the didChange waits to be read (the server finishing the previous edit): ${figure(waitMs)} ms`);
console.log(`after the write (the client reads and parses it, waits for a core): ${figure(clientMs)} ms`);
// GC pauses after the open's publish: inside an edit's server window, or after its publish (the next edit waits for them).
const pauses = events.filter((e) => e.kind === 'gc' && e.at > publishes[0].at);
if (pauses.length) {
  const inWindow = pauses.filter((gc) => rows.some((r) => gc.at >= r.readAt && gc.at < r.readAt + r.serverMs));
  const range = (list) => (list.length ? `${Math.min(...list.map((gc) => gc.ms)).toFixed(1)}–${Math.max(...list.map((gc) => gc.ms)).toFixed(1)} ms` : '-');
  const after = pauses.filter((gc) => !inWindow.includes(gc));
  // The client's part of the edits during whose reading and parsing a GC ran on the server, against the rest.
  const withGc = rows.map((r, k) => after.some((gc) => gc.at >= r.readAt + r.serverMs && gc.at < sent[k] + latencies[k]));
  const split = (flag) => clientMs.filter((_, k) => withGc[k] === flag);
  if (split(true).length && split(false).length) console.log(`after the write, edits with a server GC then (${split(true).length}): ${figure(split(true))} ms; without (${split(false).length}): ${figure(split(false))} ms`);
  console.log(`GC pauses on the main thread: ${pauses.length} in ${rows.length} edits (kinds ${[...new Set(pauses.map((gc) => gc.gcKind))].join(', ')}; 1 = scavenge, 4 = mark-compact), ${inWindow.length} inside an edit's server window (${range(inWindow)}), ${after.length} after a publish was written (${range(after)}), total ${pauses.reduce((sum, gc) => sum + gc.ms, 0).toFixed(0)} ms`);
}
console.log(`server CPU per edit (/proc, whole run): main thread ${run.editCpuMs?.mainThread.toFixed(1)} ms, all threads ${run.editCpuMs?.process.toFixed(1)} ms`);

// The client's share that is pure work: the last publish's body from bytes to objects, as vscode-jsonrpc does.
const frame = readFileSync(join(stampsDir, 'last-publish.bin'));
const body = frame.subarray(frame.indexOf('\r\n\r\n') + 4);
const parseMs = [];
for (let i = 0; i < 30; i++) {
  const start = performance.now();
  JSON.parse(body.toString('utf8'));
  parseMs.push(performance.now() - start);
}
console.log(`one publish's body decoded and JSON.parse'd in this process: median ${percentile(parseMs, 50).toFixed(1)} ms (30 times)`);
