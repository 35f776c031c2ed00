#!/usr/bin/env node
// The split-and-parse floor of issue 14's corpus targets: every .sql file under a folder read, split
// and parsed by Lockstep's own code (splitSql, parseChunksTogether with parseChunk as the fallback,
// as buildDocument calls them), taken from the built bundle with the launcher's WASM flag and parser preload, in one process, and nothing else: no
// schema, no history, no rules, no report. Lockstep's lint of the same files cannot take less.
// Usage: node bench/split-parse-floor.mjs <folder-or-file>. Prints {"files","statements","failed"}.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlFiles } from './cli-targets.mjs';

const require = createRequire(import.meta.url);
const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
// As dist/cli.js's launcher does (startup/launch.ts, parserPreload.ts): WASM on Liftoff only, and the
// parser compiled in the background while the bundle loads. Without them the first parse of a
// one-file run waited ~1 s for V8's optimising compile here, more than the whole lint.
if (process.env.LOCKSTEP_WASM_TIER_UP !== '1') setFlagsFromString('--liftoff-only');
globalThis[Symbol.for('lockstep.parserWasm')] = { compiled: WebAssembly.compile(readFileSync(join(dist, 'libpg-query.wasm'))), used: false };
// The bundle runs its CLI only as the main module: required, it only loads.
const { loadParser, parseChunk, parseChunksTogether, splitSql } = require(join(dist, 'cli.bundle.js'));

const target = process.argv[2];
const files = statSync(target).isDirectory() ? sqlFiles(target) : [target];
await loadParser();
let statements = 0;
let failed = 0;
for (const file of files) {
  const sql = splitSql(readFileSync(file, 'utf8')).chunks.filter((c) => c.kind === 'sql');
  const together = parseChunksTogether(sql);
  for (const chunk of sql) {
    const outcome = together?.get(chunk) ?? parseChunk(chunk);
    if (outcome.ok) statements += outcome.statements.length;
    else failed++;
  }
}
process.stdout.write(JSON.stringify({ files: files.length, statements, failed }) + '\n');
