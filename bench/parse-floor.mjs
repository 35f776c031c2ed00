#!/usr/bin/env node
// The parse floor of issue 14's CLI targets: read every .sql file under a folder (or one file) and
// give each whole file to libpg-query once, the chosen parser, on N threads, and nothing else: no
// split, no positions, no rules, no schema. Lockstep's lint cannot take less time than this on the
// same machine, so a target below it is out of reach with this parser.
// Usage: node bench/parse-floor.mjs <folder-or-file> [threads]. Prints {"files","statements","failed"}.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { sqlFiles } from './cli-targets.mjs';

const require = createRequire(import.meta.url);
// WASM on Liftoff only, as dist/cli.js's launcher runs the parser (startup/launch.ts).
if (process.env.LOCKSTEP_WASM_TIER_UP !== '1') setFlagsFromString('--liftoff-only');

/** Parses `files` whole, one parser call each; a file PostgreSQL rejects counts as failed. */
async function parseAll(files) {
  const { loadModule, parseSync } = require('libpg-query');
  await loadModule();
  let statements = 0;
  let failed = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!/[^\s;]/.test(text)) continue;
    try {
      statements += parseSync(text).stmts?.length ?? 0;
    } catch {
      failed++;
    }
  }
  return { files: files.length, statements, failed };
}

if (isMainThread) {
  const [target, threadsArg] = process.argv.slice(2);
  const files = statSync(target).isDirectory() ? sqlFiles(target) : [target];
  const threads = Math.max(1, Math.min(Number(threadsArg ?? 1), files.length));
  // Files dealt round-robin so both threads get early and late migrations alike.
  const shares = Array.from({ length: threads }, (_, t) => files.filter((_, i) => i % threads === t));
  const results = threads === 1
    ? [await parseAll(files)]
    : await Promise.all(shares.map((share) => new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: share });
        worker.once('message', resolve);
        worker.once('error', reject);
      })));
  const total = results.reduce((a, r) => ({ files: a.files + r.files, statements: a.statements + r.statements, failed: a.failed + r.failed }), { files: 0, statements: 0, failed: 0 });
  process.stdout.write(JSON.stringify(total) + '\n');
} else {
  parentPort.postMessage(await parseAll(workerData));
}
