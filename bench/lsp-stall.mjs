// Issue 14 target 2: does the language server's main thread stall while background work runs?
// A trace (PGlite in a worker thread), the workspace code scan (coderefs worker) and database
// estimates (`lockstep/estimate` against a private embedded PostgreSQL, startEstimateDatabase) are
// started with a 300-line migration open; meanwhile hovers are sent one after another and each is
// timed from request to answer. The longest such round trip bounds the main thread's longest stall
// (it includes the hover's own work and, on a busy machine, waiting for a CPU).
// While connected to a database a hover on a statement waits (up to 1.5 s, by design) for that
// statement's live figures, i.e. for the estimate itself: during the estimates the hovers are sent
// on the comment lines between statements, which go through the same request path without it.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateMigration } from './migration.mjs';
import { random } from './lsp-latency.mjs';
import { lockstepServerCommand } from './serverCommand.mjs';

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

/** The migration's lines without its CREATE TABLE statements (each spans the lines up to its `);`). */
function withoutCreateTable(lines) {
  const kept = [];
  let inCreate = false;
  for (const line of lines) {
    if (line.startsWith('CREATE TABLE')) inCreate = !line.endsWith(';');
    else if (inCreate) inCreate = line !== ');';
    else kept.push(line);
  }
  return kept;
}

/** Tables of the generated migration (bench_t0 … bench_tN, accounts) hold this many rows each. */
const ESTIMATE_ROWS = 50_000;

/**
 * A private PostgreSQL 18 cluster (test/support/pgCluster.ts: the npm package `pg18`, run as
 * `nobody` under root) with the tables the generated migration touches, filled and analysed, and
 * kept busy while the estimates run: one session sits idle in a transaction that read
 * `bench_t1` (an old transaction holding ACCESS SHARE: the estimate reports it as a blocker) and
 * one updates rows of `bench_t0` every 20 ms. `stop()` ends the sessions and removes the cluster.
 */
export async function startEstimateDatabase(migrationText) {
  // Through tsx's CommonJS loader: the module finds the server binaries from its own __dirname.
  const { startCluster } = require('tsx/cjs/api').require('../test/support/pgCluster.ts', import.meta.url);
  const cluster = await startCluster(18);
  const sessions = [];
  let timer;
  try {
    const admin = await cluster.client();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const db = await cluster.client('bench');
    sessions.push(db);
    const tables = [...new Set(migrationText.match(/\bbench_t\d+\b(?!_)/g))];
    await db.query(`CREATE TABLE accounts (id bigint PRIMARY KEY); INSERT INTO accounts SELECT g FROM generate_series(1, ${ESTIMATE_ROWS}) g`);
    for (const t of tables) {
      await db.query(`CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id bigint NOT NULL, name text NOT NULL, status text DEFAULT 'new', created_at timestamptz NOT NULL DEFAULT now())`);
      await db.query(`INSERT INTO ${t} (account_id, name) SELECT 1 + g % ${ESTIMATE_ROWS}, 'name ' || g FROM generate_series(1, ${ESTIMATE_ROWS}) g`);
    }
    await db.query('ANALYZE');
    const idle = await cluster.client('bench');
    sessions.push(idle);
    await idle.query('BEGIN');
    await idle.query('SELECT count(*) FROM bench_t1');
    const writer = await cluster.client('bench');
    sessions.push(writer);
    let updates = 0;
    let writing = false;
    timer = setInterval(() => {
      if (writing) return;
      writing = true;
      writer
        .query(`UPDATE bench_t0 SET status = 'busy' WHERE id = ${1 + (updates++ % ESTIMATE_ROWS)}`)
        .catch(() => {})
        .finally(() => (writing = false));
    }, 20);
  } catch (err) {
    clearInterval(timer);
    await Promise.allSettled(sessions.map((s) => s.end()));
    await cluster.stop();
    throw err;
  }
  return {
    url: cluster.connectionString('bench'),
    tables: ESTIMATE_ROWS,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled(sessions.map((s) => s.end()));
      await cluster.stop();
    },
  };
}

/**
 * @param {{ repo: string, workDir: string, codeFiles: number, timeoutMs?: number, estimates?: number }} options
 * `estimates`: how many `lockstep/estimate` requests to time hovers against (0: none, no database started).
 * Returns hover round trips (ms) while the code scan ran, while a trace ran and while the
 * estimates ran, and how each ended.
 */
export async function measureStalls({ repo, workDir, codeFiles, timeoutMs = 600_000, estimates = 0 }) {
  writeCode(workDir, codeFiles);
  // STALL_PROF=<dir>: the server writes a CPU profile there (node --cpu-prof) when it exits.
  const profile = process.env.STALL_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.STALL_PROF] : [];
  const [exe, args] = lockstepServerCommand(repo);
  const server = spawn(exe, [...profile, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
  const hoverUntil = async (done, onLines = statementLines, onUri = uri) => {
    const times = [];
    while (!done() && performance.now() - started < timeoutMs) {
      const line = onLines[Math.floor(next() * onLines.length)];
      const t = performance.now();
      await connection.sendRequest('textDocument/hover', { textDocument: { uri: onUri }, position: { line, character: 2 } });
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
    const duringEstimate = [];
    const estimated = [];
    if (estimates > 0) {
      // The generated migration creates its tables first, and an estimate reads nothing live for a
      // table the migration creates: the estimated file is the same migration without its CREATE TABLEs,
      // so every statement works on a filled table of the database (one of them held by an old transaction).
      const alterLines = withoutCreateTable(lines);
      const alterUri = pathToFileURL(join(workDir, 'V2__stall_existing.sql')).href;
      const database = await startEstimateDatabase(text);
      try {
        // Connecting sets the target version: the open documents relint once; wait for that.
        const relinted = new Promise((resolve) => connection.onNotification('textDocument/publishDiagnostics', resolve));
        const status = await connection.sendRequest('lockstep/database/connect', { url: database.url });
        if (status?.state !== 'connected') throw new Error(`could not connect to the bench database: ${status?.message ?? status?.state}`);
        await Promise.race([relinted, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        const opened = new Promise((resolve) => connection.onNotification('textDocument/publishDiagnostics', (p) => p.uri === alterUri && resolve(p)));
        await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: alterUri, languageId: 'sql', version: 1, text: `${alterLines.join('\n')}\n` } });
        await opened;
        const betweenStatements = alterLines.map((l, i) => (l.startsWith('-- ') ? i : -1)).filter((i) => i >= 0);
        for (let n = 0; n < estimates; n++) {
          let answer;
          const sent = performance.now();
          const request = connection.sendRequest('lockstep/estimate', { uri: alterUri }).then((r) => (answer = r ?? {}));
          duringEstimate.push(...(await hoverUntil(() => answer !== undefined, betweenStatements, alterUri)));
          await request;
          if (!answer.ok) throw new Error(`estimate failed: ${answer.message}`);
          const relations = answer.report.statements.flatMap((s) => s.relations);
          estimated.push({ ms: performance.now() - sent, statements: answer.report.statements.length, measured: relations.filter((r) => r.rows !== null).length, waitsFor: relations.filter((r) => r.waitsFor.length).length });
        }
        await connection.sendRequest('lockstep/database/disconnect');
      } finally {
        await database.stop();
      }
    }
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    // Let it exit by itself (a --cpu-prof run writes its profile on exit), but not for ever.
    await new Promise((resolve) => {
      server.once('exit', resolve);
      setTimeout(resolve, 5000).unref();
    });
    return { duringScan, scanLog, scanEndedBeforeHovers, duringTrace, trace: traced, duringEstimate, estimated };
  } finally {
    connection.dispose();
    server.kill();
  }
}
