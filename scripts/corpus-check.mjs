#!/usr/bin/env node
// Lints every .sql file of ../shared/corpus with the bundled engine (dist/cli.js) and reports
// files, statements, parse rate, syntax errors, crashes, hangs, time and findings per rule.
// Each file runs in a worker process with a deadline, so a hang is detected and reported.
// Every syntax error Lockstep reports is then checked against real PostgreSQL 18: the run fails
// when PostgreSQL accepts SQL that Lockstep calls a syntax error, or when a file crashes or hangs.
//
// It also checks require-lock-timeout's promise: at most one finding per transaction (or run of
// autocommit statements), and none that says a statement "waits" for a lock.
// --save FILE writes the per-rule counts as JSON; --compare FILE prints them next to a saved run's.
//
// Then ../shared/frameworks-corpus: its SQL-file frameworks (scripts/corpus-frameworks-sql.mjs) and
// its host-language migrations (scripts/corpus-frameworks.mjs).
//
// Usage: node scripts/corpus-check.mjs [--corpus DIR] [--frameworks-corpus DIR] [--timeout-ms N] [--workers N] [--no-pg] [--save FILE] [--compare FILE]
import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { reportSqlFrameworks } from './corpus-frameworks-sql.mjs';
import { checkFrameworkCorpus } from './corpus-frameworks.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_BUNDLE = join(REPO, 'dist/cli.js');
const SYNTAX_ERROR = '42601';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Same decoding as the CLI: UTF-8, invalid bytes replaced, BOM dropped. */
function readText(file) {
  return new TextDecoder('utf-8').decode(readFileSync(file));
}

// ---------------------------------------------------------------- worker side

async function runWorker() {
  const engine = createRequire(import.meta.url)(CLI_BUNDLE);
  await engine.initEngine();
  process.on('message', ({ file }) => {
    const started = performance.now();
    try {
      const text = readText(file);
      const { document, findings } = engine.lintText(text, { path: file, config: engine.DEFAULT_CONFIG });
      const sqlChunks = engine.splitSql(text).chunks.filter((c) => c.kind === 'sql');
      const syntaxErrors = document.syntaxErrors.map((e) => {
        const chunk = sqlChunks.find((c) => c.span.start <= e.span.start && e.span.start <= c.span.end);
        return { message: e.message, line: text.slice(0, e.span.start).split('\n').length, chunk: chunk?.text ?? '' };
      });
      const rules = {};
      for (const f of findings) rules[f.ruleId] = (rules[f.ruleId] ?? 0) + 1;
      const notAnalysed = (document.notAnalysed ?? []).map((n) => n.reason);
      process.send({ ok: true, parsed: document.statements.length, syntaxErrors, rules, notAnalysed, runner: document.runner, lockTimeout: lockTimeoutShape(document, findings), ms: performance.now() - started });
    } catch (err) {
      process.send({ ok: false, error: String(err?.stack ?? err), ms: performance.now() - started });
    }
  });
  process.send({ ready: true });
}

/**
 * The most require-lock-timeout findings in one unit (a transaction, or a run of autocommit
 * statements of one section), and how many of its messages say "waits".
 */
function lockTimeoutShape(document, findings) {
  const unitOf = [];
  let unit = -1;
  document.statements.forEach((s, i) => {
    const prev = document.statements[i - 1];
    const same = prev && prev.section === s.section && prev.inTransaction === s.inTransaction && (!s.inTransaction || prev.transactionId === s.transactionId);
    if (!same) unit++;
    unitOf.push(unit);
  });
  const perUnit = new Map();
  let waits = 0;
  for (const f of findings) {
    if (f.ruleId !== 'require-lock-timeout') continue;
    const u = unitOf[f.statementIndex];
    perUnit.set(u, (perUnit.get(u) ?? 0) + 1);
    if (/\bwaits\b/.test(f.message)) waits++;
  }
  return { maxPerUnit: Math.max(0, ...perUnit.values()), units: perUnit.size, waits };
}

// ---------------------------------------------------------------- main side

function listSqlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSqlFiles(path));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) out.push(path);
  }
  return out.sort();
}

/** One worker process; `lint(file)` resolves with its answer, or with a crash/hang verdict. */
class Worker {
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.start();
  }

  start() {
    this.child = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.stderr = '';
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.ready = new Promise((resolveReady, rejectReady) => {
      this.child.once('message', () => resolveReady());
      this.child.once('exit', (code) => rejectReady(new Error(`worker exited (${code}) before it was ready: ${this.stderr}`)));
    });
  }

  async lint(file) {
    await this.ready;
    return new Promise((resolveLint) => {
      const child = this.child;
      const finish = (verdict) => {
        clearTimeout(timer);
        child.removeListener('message', onMessage);
        child.removeListener('exit', onExit);
        resolveLint(verdict);
      };
      const onMessage = (message) => finish(message);
      const onExit = (code, signal) => {
        finish({ ok: false, crashed: true, error: `worker died (${signal ?? code}): ${this.stderr.trim()}` });
        this.start();
      };
      const timer = setTimeout(() => {
        child.removeListener('exit', onExit);
        child.kill('SIGKILL');
        finish({ ok: false, hung: true, error: `no answer within ${this.timeoutMs} ms` });
        this.start();
      }, this.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ file });
    });
  }

  stop() {
    this.child.removeAllListeners('exit');
    this.child.kill();
  }
}

async function lintCorpus(files, workerCount, timeoutMs) {
  const workers = Array.from({ length: workerCount }, () => new Worker(timeoutMs));
  const results = new Array(files.length);
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < files.length) {
        const i = next++;
        results[i] = { file: files[i], ...(await worker.lint(files[i])) };
      }
    }),
  );
  workers.forEach((w) => w.stop());
  return results;
}

/**
 * PostgreSQL's own verdict on SQL, without keeping its effects: the text runs inside a transaction
 * that is rolled back, on a fresh connection each time (so a COMMIT or SET in the text cannot leak).
 * SQLSTATE 42601 means PostgreSQL rejects the syntax; success or any other error means the grammar
 * accepted it. The simple-query protocol parses the whole text before running any of it, so for a
 * whole file, 42601 is decided before the first statement executes.
 */
async function postgresRejectsSyntax(cluster, sql) {
  const client = await cluster.client();
  try {
    await client.query("SET statement_timeout = '5s'");
    await client.query('BEGIN');
    await client.query('SET LOCAL check_function_bodies = off');
    try {
      await client.query(sql);
      return false;
    } catch (err) {
      return err.code === SYNTAX_ERROR;
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

async function confirmWithPostgres(withErrors, corpus) {
  // The cluster helper is TypeScript (shared with the test suites); tsx loads it as CommonJS.
  const tsx = createRequire(import.meta.url)('tsx/cjs/api');
  const { startCluster } = tsx.require(join(REPO, 'test/support/pgCluster.ts'), import.meta.url);
  const cluster = await startCluster(18);
  const verdict = { chunks: 0, chunksRejected: 0, chunksAccepted: [], files: withErrors.length, filesAccepted: [] };
  try {
    for (const result of withErrors) {
      const where = relative(corpus, result.file);
      for (const e of result.syntaxErrors) {
        verdict.chunks++;
        if (await postgresRejectsSyntax(cluster, e.chunk)) verdict.chunksRejected++;
        else verdict.chunksAccepted.push(`${where}:${e.line}: ${e.message}`);
      }
      if (!(await postgresRejectsSyntax(cluster, readText(result.file)))) verdict.filesAccepted.push(where);
    }
  } finally {
    await cluster.stop();
  }
  return verdict;
}

function pad(label, value) {
  return `  ${label.padEnd(28)} ${value}`;
}

async function main() {
  const corpus = resolve(option('--corpus', join(REPO, '../shared/corpus')));
  if (!existsSync(corpus)) {
    console.log(`corpus-check: no corpus at ${corpus}; skipped.`);
    return 0;
  }
  if (!existsSync(CLI_BUNDLE)) {
    console.error('corpus-check: dist/cli.js is missing; run `npm run build` (npm run corpus does).');
    return 2;
  }
  const timeoutMs = Number(option('--timeout-ms', 30_000));
  const workerCount = Number(option('--workers', Math.max(1, Math.min(availableParallelism(), 4))));
  const files = listSqlFiles(corpus);

  const started = performance.now();
  let results;
  try {
    results = await lintCorpus(files, workerCount, timeoutMs);
  } catch (err) {
    console.error(`corpus-check: ${err?.message ?? err}`);
    return 2;
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const linted = results.filter((r) => r.ok);
  const crashes = results.filter((r) => !r.ok && !r.hung);
  const hangs = results.filter((r) => r.hung);
  const parsed = linted.reduce((n, r) => n + r.parsed, 0);
  const syntaxErrors = linted.reduce((n, r) => n + r.syntaxErrors.length, 0);
  const statements = parsed + syntaxErrors;
  const engineSeconds = linted.reduce((n, r) => n + r.ms, 0) / 1000;
  const slowest = linted.reduce((a, b) => (b.ms > (a?.ms ?? -1) ? b : a), undefined);
  const rules = {};
  for (const r of linted) for (const [id, n] of Object.entries(r.rules)) rules[id] = (rules[id] ?? 0) + n;

  console.log(`Lockstep corpus check: ${corpus}`);
  console.log(pad('files', `${files.length} (${linted.length} linted)`));
  console.log(pad('statements', `${statements} (${parsed} parsed, ${syntaxErrors} syntax errors)`));
  console.log(pad('parse rate', `${statements ? ((100 * parsed) / statements).toFixed(2) : '100.00'} %`));
  console.log(pad('files with syntax errors', linted.filter((r) => r.syntaxErrors.length > 0).length));
  console.log(pad('crashes', crashes.length));
  console.log(pad(`hangs (> ${timeoutMs} ms)`, hangs.length));
  console.log(pad('time', `${wallSeconds.toFixed(1)} s wall, ${workerCount} workers; ${engineSeconds.toFixed(1)} s linting in total`));
  if (slowest) console.log(pad('slowest file', `${relative(corpus, slowest.file)} (${slowest.ms.toFixed(0)} ms)`));
  const total = Object.values(rules).reduce((a, b) => a + b, 0);
  const baselineFile = option('--compare', undefined);
  const baseline = baselineFile ? JSON.parse(readFileSync(baselineFile, 'utf8')).rules : undefined;
  console.log(`Findings per rule (${total} in all${baseline ? `; before: ${Object.values(baseline).reduce((a, b) => a + b, 0)}` : ''}):`);
  const ids = [...new Set([...Object.keys(rules), ...Object.keys(baseline ?? {})])].sort((a, b) => (rules[b] ?? 0) - (rules[a] ?? 0) || a.localeCompare(b));
  for (const id of ids) console.log(pad(id, baseline ? `${String(baseline[id] ?? 0).padStart(6)} → ${rules[id] ?? 0}` : rules[id]));
  const timeouts = linted.map((r) => r.lockTimeout);
  const maxPerUnit = Math.max(0, ...timeouts.map((t) => t.maxPerUnit));
  const waits = timeouts.reduce((n, t) => n + t.waits, 0);
  console.log(pad('lock-timeout per unit (max)', `${maxPerUnit} (in ${timeouts.reduce((n, t) => n + t.units, 0)} transactions/runs); messages saying "waits": ${waits}`));
  const saveFile = option('--save', undefined);
  if (saveFile) writeFileSync(saveFile, `${JSON.stringify({ corpus: relative(REPO, corpus), files: files.length, rules }, null, 2)}\n`);
  for (const r of [...crashes, ...hangs]) console.log(`  ${r.hung ? 'HANG' : 'CRASH'} ${relative(corpus, r.file)}: ${r.error.split('\n')[0]}`);

  const failures = [];
  if (maxPerUnit > 1) failures.push(`require-lock-timeout reported ${maxPerUnit} findings in one transaction or run`);
  if (waits > 0) failures.push(`${waits} require-lock-timeout message(s) say "waits"`);
  if (crashes.length) failures.push(`${crashes.length} file(s) crashed the engine`);
  if (hangs.length) failures.push(`${hangs.length} file(s) hung`);

  const withErrors = linted.filter((r) => r.syntaxErrors.length > 0);
  if (withErrors.length > 0 && process.argv.includes('--no-pg')) {
    console.log('Syntax errors were not checked against PostgreSQL (--no-pg).');
  } else if (withErrors.length > 0) {
    try {
      const pgStarted = performance.now();
      const v = await confirmWithPostgres(withErrors, corpus);
      console.log(`Syntax errors checked against PostgreSQL 18 (${((performance.now() - pgStarted) / 1000).toFixed(1)} s):`);
      console.log(pad('statements PG rejects too', `${v.chunksRejected} of ${v.chunks}`));
      console.log(pad('statements PG accepts', v.chunksAccepted.length));
      console.log(pad('files PG parses whole', `${v.filesAccepted.length} of ${v.files}`));
      for (const line of v.chunksAccepted) console.log(`  ACCEPTED BY PG ${line}`);
      for (const file of v.filesAccepted) console.log(`  FILE PARSED BY PG ${file}`);
      if (v.chunksAccepted.length) failures.push(`${v.chunksAccepted.length} statement(s) PostgreSQL accepts were reported as syntax errors`);
      if (v.filesAccepted.length) failures.push(`${v.filesAccepted.length} file(s) PostgreSQL parses whole were reported with syntax errors`);
    } catch (err) {
      failures.push(`could not check syntax errors against PostgreSQL: ${err?.message ?? err}`);
    }
  }

  const frameworks = resolve(option('--frameworks-corpus', join(REPO, '../shared/frameworks-corpus')));
  if (existsSync(frameworks)) {
    try {
      failures.push(...(await reportSqlFrameworks({
        corpus: frameworks, lintCorpus, confirmWithPostgres, workerCount, timeoutMs, pad, checkWithPostgres: !process.argv.includes('--no-pg'),
      })));
    } catch (err) {
      failures.push(`could not check the SQL frameworks corpus: ${err?.message ?? err}`);
    }
  }

  console.log(failures.length ? `RESULT: FAIL: ${failures.join('; ')}` : 'RESULT: ok');
  return failures.length ? 1 : 0;
}

/** The framework corpus, linted in-process with the same bundle. */
async function frameworks() {
  if (!existsSync(CLI_BUNDLE)) return 0;
  const corpus = resolve(option('--frameworks-corpus', join(REPO, '../shared/frameworks-corpus')));
  const failures = await checkFrameworkCorpus(createRequire(import.meta.url)(CLI_BUNDLE), corpus);
  console.log(failures.length ? `FRAMEWORKS RESULT: FAIL: ${failures.join('; ')}` : 'FRAMEWORKS RESULT: ok');
  return failures.length ? 1 : 0;
}

if (process.argv[2] === '--worker') {
  await runWorker();
} else {
  const sql = await main();
  process.exitCode = Math.max(sql, await frameworks());
}
