// Preload for the language server (node --require): wall-clock stamps of its stdin chunks and stdout
// writes (bytes, how long the write call blocked, process CPU so far) and of its GC pauses (kind 1: scavenge), written at exit to
// $LOCKSTEP_STAMPS_DIR/stamps-<pid>.json, with the last large write (a publishDiagnostics) in last-publish.bin. For bench/lsp-breakdown.mjs.
const { PerformanceObserver, performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const now = () => performance.timeOrigin + performance.now();
const events = [];
let lastPublish;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) events.push({ kind: 'gc', at: performance.timeOrigin + entry.startTime, ms: entry.duration, gcKind: entry.detail?.kind });
}).observe({ entryTypes: ['gc'] });
process.stdin.on('data', (chunk) => events.push({ kind: 'in', at: now(), bytes: chunk.length, cpu: process.cpuUsage() }));
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const at = now();
  const result = write(chunk, ...rest);
  events.push({ kind: 'out', at, bytes: chunk.length, blockedMs: now() - at, cpu: process.cpuUsage() });
  if (chunk.length > 10_000) lastPublish = Buffer.from(chunk);
  return result;
};
process.on('exit', () => {
  const dir = process.env.LOCKSTEP_STAMPS_DIR ?? '.';
  writeFileSync(join(dir, `stamps-${process.pid}.json`), JSON.stringify(events));
  if (lastPublish) writeFileSync(join(dir, 'last-publish.bin'), lastPublish);
});
