#!/usr/bin/env node
// Traces every migration set of ../shared/corpus on embedded PostgreSQL (PGlite) with
// `lockstep trace` (dist/cli.js) and reports, per set, how many statements agreed with the lock
// model, how many did not (with the differences), how many ran code the model does not analyse
// (procedure and DO bodies) and how many PGlite could not replay (failed statements, e.g. an
// extension PGlite lacks, and everything after them that depends on it), grouped by reason.
//
// Usage: node scripts/trace-corpus.mjs [--corpus DIR] [--set NAME] [--json FILE] [--timeout-ms N] (N: the whole set's limit)
// Exit code: 0 when every replayed statement agrees with the model or differs only in ways that
// depend on the data (docs/trace.md, "Known differences"), 1 otherwise, 2 when the corpus is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist/cli.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const corpus = resolve(option('--corpus', join(REPO, '..', 'shared', 'corpus')));
const only = option('--set', undefined);
const timeoutMs = Number(option('--timeout-ms', '1800000'));

/**
 * The migration folders of each corpus project. Other dialects' files (ory/kratos keeps MySQL,
 * SQLite and CockroachDB versions beside the PostgreSQL ones) are left out.
 */
const SETS = [
  { name: 'LemmyNet+lemmy', folder: 'migrations' },
  { name: 'rust-lang+crates.io', folder: 'migrations' },
  { name: 'UPchieve+subway', folder: 'database/migrations' },
  { name: 'goharbor+harbor', folder: 'make/migrations/postgresql' },
  { name: 'hatchet-dev+hatchet', folder: 'cmd/hatchet-migrate/migrate/migrations' },
  { name: 'ory+kratos', folder: 'persistence/sql/migrations/sql', keep: (f) => /\.postgres\.up\.sql$/.test(f) },
];


function sqlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sqlFiles(path));
    else if (entry.endsWith('.sql')) out.push(path);
  }
  return out;
}

function traceSet(set) {
  const root = join(corpus, set.name, set.folder);
  if (!existsSync(root)) return { name: set.name, error: `missing ${relative(corpus, root)}` };
  const files = sqlFiles(root).filter((f) => !/(^|[/._-])down\.sql$/i.test(f) && (!set.keep || set.keep(f)));
  const started = Date.now();
  const run = spawnSync(process.execPath, [CLI, 'trace', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs + 60_000 });
  const ms = Date.now() - started;
  if (run.status === 2 || !run.stdout) return { name: set.name, ms, error: (run.stderr || String(run.error ?? 'no output')).trim().split('\n').slice(-3).join(' | ') };
  const reports = JSON.parse(run.stdout);
  const summary = { name: set.name, ms, files: reports.length, agree: 0, disagree: 0, explained: 0, unpredicted: 0, applied: 0, skipped: 0, failed: 0, setupFailed: 0, failedReasons: {}, differences: [] };
  for (const report of reports) {
    summary.setupFailed += report.setupFailures.length;
    for (const s of report.statements) {
      // Rollback sections (dbmate's migrate:down) and the file's BEGIN/COMMIT are not replayed.
      if (s.outcome === 'skipped') summary.skipped++;
      else if (s.outcome === 'failed') {
        summary.failed++;
        // Why, grouped (server/src/trace/failureReasons.ts).
        const reason = s.failureReason ?? 'unknown';
        summary.failedReasons[reason] = (summary.failedReasons[reason] ?? 0) + 1;
      }
      else if (s.outcome === 'applied') summary.applied++;
      else if (s.unpredicted) summary.unpredicted++;
      else if (s.agrees) summary.agree++;
      else {
        // Differences that depend on the data are marked by the trace itself (docs/trace.md, Known differences).
        if (s.explained) summary.explained++;
        else {
          summary.disagree++;
          summary.differences.push({ file: report.path, summary: s.summary, differences: s.differences });
        }
      }
    }
  }
  return summary;
}

if (!existsSync(corpus)) {
  console.error(`trace-corpus: no corpus at ${corpus}`);
  process.exit(2);
}
if (!existsSync(CLI)) {
  console.error('trace-corpus: dist/cli.js is missing; run npm run build');
  process.exit(2);
}

const results = [];
for (const set of SETS.filter((s) => !only || s.name === only)) {
  process.stderr.write(`tracing ${set.name}…\n`);
  const r = traceSet(set);
  results.push(r);
  if (r.error) console.log(`${r.name}: not traced: ${r.error}`);
  else {
    console.log(
      `${r.name}: ${r.files} files in ${(r.ms / 1000).toFixed(1)} s — ${r.agree} agree, ${r.disagree} differ, ${r.explained} explained, ` +
        `${r.unpredicted} procedure/DO bodies, ${r.applied} applied outside a transaction, ${r.skipped} skipped (rollbacks, BEGIN/COMMIT), ${r.failed} not replayable on PGlite, ${r.setupFailed} setup statements skipped`,
    );
    for (const [reason, n] of Object.entries(r.failedReasons).sort((a, b) => b[1] - a[1])) console.log(`  not replayable: ${n} × ${reason}`);
    for (const d of r.differences) console.log(`  ${d.file}: ${d.summary}\n    ${d.differences.join('\n    ')}`);
  }
}
const json = option('--json', undefined);
if (json) writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
const total = (k) => results.reduce((n, r) => n + (r[k] ?? 0), 0);
console.log(`\nall sets: ${total('agree')} agree, ${total('disagree')} differ, ${total('explained')} explained, ${total('unpredicted')} procedure/DO bodies, ${total('failed')} not replayable`);
process.exit(total('disagree') > 0 ? 1 : 0);
