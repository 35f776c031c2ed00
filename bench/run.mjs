#!/usr/bin/env node
// `npm run bench`: Lockstep's CLI against squawk on ../shared/corpus, and the language server's
// edit-to-diagnostics latency on a generated 20,000-line migration. Prints the figures as
// Markdown for BENCHMARKS.md. Not a test: it asserts nothing about speed.
//
// Usage: node bench/run.mjs [--repetitions N] [--edits N] [--requests N] [--skip-corpus] [--skip-lsp] [--skip-requests]
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCorpus, median } from './corpus-speed.mjs';
import { measureLspLatency, percentile } from './lsp-latency.mjs';
import { measureRequestLatency } from './lsp-requests.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = resolve(REPO, '../shared/corpus');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

const ms = (value) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function main() {
  const repetitions = option('--repetitions', 5);
  const edits = option('--edits', 60);
  const squawkVersion = JSON.parse(readFileSync(join(REPO, 'node_modules/@squawk-cli/linux-x64/package.json'), 'utf8')).version;
  console.log(`## Run of ${new Date().toISOString()}`);
  console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`Command: npm run bench (node bench/run.mjs --repetitions ${repetitions} --edits ${edits})\n`);

  if (!process.argv.includes('--skip-corpus')) {
    if (!existsSync(CORPUS)) {
      console.log(`Corpus: skipped, no ${CORPUS}\n`);
    } else {
      const times = measureCorpus({ repo: REPO, corpus: CORPUS, repetitions });
      const lockstep = median(times.lockstep);
      const squawk = median(times.squawk);
      console.log(`### Corpus (${CORPUS}), median of ${repetitions} runs after a warm-up`);
      console.log('| tool | median wall time | all runs |');
      console.log('| --- | --- | --- |');
      console.log(`| lockstep (node dist/cli.js lint <corpus> --format json) | ${ms(lockstep)} | ${times.lockstep.map((t) => t.toFixed(0)).join(', ')} |`);
      console.log(`| squawk ${squawkVersion} (squawk '<corpus>/**/*.sql' --reporter json) | ${ms(squawk)} | ${times.squawk.map((t) => t.toFixed(0)).join(', ')} |`);
      console.log(`\nLockstep / squawk: ${(lockstep / squawk).toFixed(2)}× (target ≤ 1.0×)\n`);
    }
  }

  if (!process.argv.includes('--skip-lsp')) {
    const workDir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
    try {
      console.log(`### Language server: ${edits} one-line edits to a generated 20,000-line migration`);
      console.log('| edit | server debounce | open → first diagnostics | edit → diagnostics p50 | p95 | max |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      const runs = [
        ['rename-column', 0],
        ['comment-text', 0],
        ['rename-column', undefined],
      ];
      for (const [editKind, debounceMs] of runs) {
        const run = await measureLspLatency({ repo: REPO, workDir, edits, lines: 20_000, editKind, debounceMs });
        const label = debounceMs === undefined ? 'default (typing pause)' : `${debounceMs} ms (processing only)`;
        const cells = [editKind, label, ms(run.openMs), ms(percentile(run.latencies, 50)), ms(percentile(run.latencies, 95)), ms(Math.max(...run.latencies))];
        console.log(`| ${cells.join(' | ')} |`);
      }
      console.log('\nrename-column renames the column an `ADD COLUMN` line adds (every later statement sees the schema change);');
      console.log('comment-text edits the string of a `COMMENT ON TABLE` line (nothing later depends on it).');
      console.log('\nTarget: p95 < 10 ms (with debounce 0, i.e. the server\'s own work).');
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  if (!process.argv.includes('--skip-requests')) {
    const workDir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
    try {
      const requests = option('--requests', 100);
      const busyLints = option('--busy-lints', 4);
      const run = await measureRequestLatency({ repo: REPO, workDir, lines: 20_000, requests, busyLints });
      console.log(`\n### Language server: hovers and code actions on the generated 20,000-line migration`);
      console.log(`Load average now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
      console.log('| request | when | count | p50 | p95 | p99 | max | target |');
      console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
      const row = (name, when, values, target) =>
        console.log(`| ${name} | ${when} | ${values.length} | ${[50, 95, 99].map((p) => (values.length ? ms(percentile(values, p)) : '–')).join(' | ')} | ${values.length ? ms(Math.max(...values)) : '–'} | ${target} |`);
      row('hover', 'idle (document linted)', run.hover, 'p95 ≤ 5 ms');
      row('hover', `while the whole document relints (${busyLints} lints)`, run.hoverWhileLinting, 'p99 ≤ 50 ms');
      row('codeAction (quick-fixes listed, client resolves)', 'idle', run.codeAction, 'p95 ≤ 20 ms');
      row('codeAction/resolve (one fix built and verified)', 'idle', run.resolve, '–');
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  console.log(`\nLoad average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
