// Issue 14 target 2: does the language server's main thread stall while background work runs?
// A trace (PGlite in a worker thread) and the workspace code scan (coderefs worker) are started
// with a 300-line migration open; meanwhile hovers are sent one after another and each is timed
// from request to answer. The longest such round trip bounds the main thread's longest stall
// (it includes the hover's own work and, on a busy machine, waiting for a CPU).
// The database estimate needs a live database connection: not driven here.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateMigration } from './migration.mjs';
import { random } from './lsp-latency.mjs';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

/** Application code with SQL strings, for the code scan to index (`files` TypeScript files). */
function writeCode(dir, files) {
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `mod${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.ts`), `import { db } from '../db';\nexport const get${i} = (id: number) => db.query('SELECT id, name FROM bench_t${i % 300} WHERE id = $1', [id]);\n`);
  }
}

/**
 * @param {{ repo: string, workDir: string, codeFiles: number, timeoutMs?: number }} options
 * Returns hover round trips (ms) while the code scan ran and while a trace ran, and how each ended.
 */
export async function measureStalls({ repo, workDir, codeFiles, timeoutMs = 600_000 }) {
  writeCode(workDir, codeFiles);
  // STALL_PROF=<dir>: the server writes a CPU profile there (node --cpu-prof) when it exits.
  const server = spawn(process.execPath, [...(process.env.STALL_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.STALL_PROF] : []), join(repo, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  let scanDone = false;
  let scanLog = '';
  const firstDiagnostics = new Promise((resolve) => connection.onNotification('textDocument/publishDiagnostics', resolve));
  connection.onNotification('window/logMessage', (p) => {
    if (/^Code references: (indexed|.*failed)/.test(p.message)) {
      scanDone = true;
      scanLog = p.message;
    }
  });
  connection.onRequest(() => null);
  connection.onNotification(() => {});
  connection.listen();
  const started = performance.now();
  const { text, lines } = generateMigration(300);
  const statementLines = lines.map((l, i) => (/^(CREATE|ALTER|UPDATE|DROP|COMMENT)/.test(l) ? i : -1)).filter((i) => i >= 0);
  const next = random(11);
  const uri = pathToFileURL(join(workDir, 'V1__stall.sql')).href;
  const hoverUntil = async (done) => {
    const times = [];
    while (!done() && performance.now() - started < timeoutMs) {
      const line = statementLines[Math.floor(next() * statementLines.length)];
      const t = performance.now();
      await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 2 } });
      times.push(performance.now() - t);
    }
    return times;
  };
  try {
    writeFileSync(join(workDir, 'V1__stall.sql'), text);
    const rootUri = pathToFileURL(workDir).href;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { debounceMs: 0 },
    });
    await connection.sendNotification('initialized', {}); // starts the code scan
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    await firstDiagnostics;
    const duringScan = await hoverUntil(() => scanDone);
    const scanEndedBeforeHovers = duringScan.length === 0;
    let traced;
    const trace = connection.sendRequest('lockstep/trace', { uri }).then((r) => (traced = r ?? {}));
    const duringTrace = await hoverUntil(() => traced !== undefined);
    await trace;
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    // Let it exit by itself (a --cpu-prof run writes its profile on exit), but not for ever.
    await new Promise((resolve) => {
      server.once('exit', resolve);
      setTimeout(resolve, 5000).unref();
    });
    return { duringScan, scanLog, scanEndedBeforeHovers, duringTrace, trace: traced };
  } finally {
    connection.dispose();
    server.kill();
  }
}
