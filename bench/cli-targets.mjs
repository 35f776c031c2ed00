// Issue 14's CLI figures, each measured in the same run as squawk where squawk has one:
// corpus wall time with and without schema history, peak RSS, one-file cold start, the per-file
// cost at the start and the end of the largest migration set, and the two scale cases.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { generateMigration } from './migration.mjs';

const TIME = '/usr/bin/time';

/**
 * Wall time, CPU time (user + system) and peak RSS of one process (CPU and RSS from GNU time when it
 * is installed). On a machine shared with other jobs the CPU time is the steadier figure.
 */
export function run(command, args, cwd, env = process.env) {
  const withTime = existsSync(TIME);
  const started = performance.now();
  const result = withTime
    ? spawnSync(TIME, ['-f', '%U %S %M', command, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 })
    : spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.error) throw result.error;
  if (!/^\s*[[{]/.test(result.stdout)) throw new Error(`${command} ${args.join(' ')}: no JSON report (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
  const [user, system, rssKb] = withTime ? result.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { ms, cpuMs: (user + system) * 1000, rssMb: rssKb / 1024 };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs each tool `repetitions` times after one warm-up round, alternating so background load hits all
 * alike. `tools`: name → [command, args, env?].
 */
export function compare(tools, repetitions, cwd) {
  const out = Object.fromEntries(Object.keys(tools).map((name) => [name, { ms: [], cpuMs: [], rssMb: [] }]));
  for (let round = 0; round <= repetitions; round++) {
    for (const [name, [command, args, env]] of Object.entries(tools)) {
      const r = run(command, args, cwd, env);
      if (round > 0) {
        out[name].ms.push(r.ms);
        out[name].cpuMs.push(r.cpuMs);
        out[name].rssMb.push(r.rssMb);
      }
    }
  }
  return out;
}

export function sqlFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sqlFiles(path, found);
    else if (entry.name.endsWith('.sql')) found.push(path);
  }
  return found;
}

/**
 * Per-file cost with history at the start and the end of the largest migration set, linted in
 * order in one process the way the CLI does (schema before, lint, record).
 */
export function perFileCost(repo, corpus, count = 100) {
  const engine = createRequire(import.meta.url)(join(repo, 'dist/cli.js'));
  const sets = new Map();
  for (const file of sqlFiles(corpus)) {
    // Diesel keeps one folder per migration: the set is the folder above.
    const set = /^(up|down)\.sql$/.test(basename(file)) ? dirname(dirname(file)) : dirname(file);
    sets.set(set, [...(sets.get(set) ?? []), file]);
  }
  const [folder, files] = [...sets].sort((a, b) => b[1].length - a[1].length)[0];
  files.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return engine.initEngine().then(() => {
    const history = new engine.SchemaHistory(engine.snapshotFileSystem(), 0, Date.now, 'latest');
    const times = files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const started = performance.now();
      const schema = history.schemaBefore(file, text, engine.DEFAULT_CONFIG);
      const result = engine.lintText(text, { path: file, config: engine.DEFAULT_CONFIG, schema });
      history.record(file, schema, result.document.catalog);
      return performance.now() - started;
    });
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { folder, files: files.length, first: mean(times.slice(0, count)), last: mean(times.slice(-count)), count };
  });
}

/** A folder of `count` Flyway migrations (a few statements each, every file alters earlier tables). */
export function writeManyFiles(dir, count) {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const text = [
      `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text);`,
      `CREATE INDEX t${i}_name_idx ON t${i} (name);`,
      i > 1 ? `ALTER TABLE t${i - 1} ADD COLUMN note text;` : '',
      i > 2 ? `ALTER TABLE t${i - 2} ALTER COLUMN name SET NOT NULL;` : '',
      '',
    ].join('\n');
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `V${i}__step.sql`), text);
  }
  return bytes;
}

/**
 * A 20,000-file folder of real SQL: the corpus's files in order, repeated, as one Flyway-style set
 * (V1__m.sql …). It has the corpus's content per byte, so against the corpus it measures what scale
 * alone costs; writeManyFiles's 190-byte files measure a folder of tiny, dense files. Written to a
 * temporary folder at run time: nothing of the corpus is kept.
 */
export function writeCorpusFolder(dir, corpus, count) {
  const files = sqlFiles(corpus).sort();
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const text = readFileSync(files[(i - 1) % files.length]);
    bytes += text.length;
    writeFileSync(join(dir, `V${i}__m.sql`), text);
  }
  return bytes;
}

export function writeBigMigration(path, lines) {
  const { text } = generateMigration(lines);
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

export function bytesOf(files) {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}
