#!/usr/bin/env node
// Profiles one corpus lint with V8's sampler (node --cpu-prof) and prints the functions with the
// most self time, for BENCHMARKS.md. Not part of `npm run bench`'s figures: a profile slows the run.
//
// Usage: node bench/profile.mjs [--no-history] [--inclusive] [--top N] [--corpus DIR]
// --inclusive: also the time per function with its callees (where the time goes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** A function's name and file:line, the unit both summaries count by. */
function frameKey(node) {
  const frame = node.callFrame;
  const file = frame.url ? frame.url.replace(/^.*\//, '') : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** Microseconds sampled per profile node. */
function sampledTime(profile) {
  const hits = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (deltas[i] ?? 0)));
  return hits;
}

function ranked(totals, all) {
  return { totalMs: all / 1000, rows: [...totals].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / all })) };
}

/** Self time per function (name + file:line), from a .cpuprofile's samples. */
export function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  let all = 0;
  for (const [id, us] of sampledTime(profile)) {
    const key = frameKey(byId.get(id));
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  }
  return ranked(totals, all);
}

/** Total time per function: its own samples plus its callees', each sample counted once per function. */
export function summarizeInclusive(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map();
  let all = 0;
  for (const [id, us] of sampledTime(profile)) {
    all += us;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = frameKey(byId.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + us);
    }
  }
  return ranked(totals, all);
}

function main() {
  const corpus = resolve(REPO, option('--corpus', '../shared/corpus'));
  const top = Number(option('--top', 25));
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-prof-'));
  try {
    const args = ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(REPO, 'dist/cli.js'), 'lint', corpus, '--format', 'json'];
    if (process.argv.includes('--no-history')) args.push('--no-history');
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    if (run.error) throw run.error;
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const tables = process.argv.includes('--inclusive') ? [['self time', summarize], ['total (with callees)', summarizeInclusive]] : [['self time', summarize]];
    for (const [heading, summary] of tables) {
      const { totalMs, rows } = summary(profile);
      console.log(`Profile of \`node dist/cli.js lint <corpus> --format json${process.argv.includes('--no-history') ? ' --no-history' : ''}\`: ${totalMs.toFixed(0)} ms sampled`);
      console.log(`| ${heading} | share | function |`);
      console.log('| --- | --- | --- |');
      for (const r of rows.slice(0, top)) console.log(`| ${r.ms.toFixed(0)} ms | ${(r.share * 100).toFixed(1)} % | \`${r.name}\` |`);
      console.log('');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
