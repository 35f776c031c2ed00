#!/usr/bin/env node
// The code-reference index (issue 16, part 5) on a generated 20,000-file workspace, driven exactly as
// the language server drives it: dist/coderefsWorker.js in a worker thread, the first full index,
// then one-file edits announced with { type: 'changed' }. Prints Markdown for BENCHMARKS.md, and
// ripgrep / grep over the same tree for scale (what a check_code_references.sh does). Asserts
// nothing about speed. Run `npm run build` first (`npm run bench` does).
//
// Usage: node bench/coderefs.mjs [--files 20000] [--edits 20] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = join(REPO, 'dist/coderefsWorker.js');
// The language server's limits (server/src/coderefs/protocol.ts, WORKER_RESOURCE_LIMITS).
const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

const TABLES = 400;
const COLUMNS = 12;
/** A little code around each query, so files have the size of real ones (~1–2 KB). */
const filler = (lang, i) => {
  const lines = [];
  for (let k = 0; k < 12; k++) {
    if (lang === 'py') lines.push(`def helper_${i}_${k}(x):\n    return x * ${k} + ${i}  # arithmetic, not SQL`);
    else if (lang === 'rb') lines.push(`  def helper_${k}(x)\n    x * ${k} + ${i} # arithmetic\n  end`);
    else lines.push(`function helper${i}_${k}(x: number): number {\n  return x * ${k} + ${i}; // arithmetic, not SQL\n}`);
  }
  return lines.join('\n');
};

/** One generated file: the language mix of a polyglot monorepo, most files with one or two SQL strings. */
function fileFor(i) {
  const t = `table_${i % TABLES}`;
  const c = `col_${i % COLUMNS}`;
  switch (i % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
      return [`src/mod${i % 97}/f${i}.ts`, `import { db } from '../db';\nexport async function get${i}(id: number) {\n  return db.query('SELECT id, ${c} FROM ${t} WHERE id = $1', [id]);\n}\nexport const save${i} = (id: number, v: string) =>\n  db.query(\`UPDATE ${t} SET ${c} = $2 WHERE id = $1\`, [id, v]);\n${filler('ts', i)}\n`];
    case 8: case 9:
      return [`src/ui${i % 53}/c${i}.tsx`, `export function View${i}(props: { n: number }) {\n  const label = 'select a row';\n  return props.n + ${i};\n}\n${filler('ts', i)}\n`];
    case 10: case 11: case 12:
      return [`app/pkg${i % 41}/m${i}.py`, `def get_${i}(cur, id):\n    cur.execute("SELECT id, ${c} FROM ${t} WHERE id = %s", (id,))\n    return cur.fetchone()\n\n${filler('py', i)}\n`];
    case 13: case 14: case 15:
      return [`lib/r${i % 37}/q${i}.rb`, `class Report${i}\n  def run(conn)\n    conn.exec("UPDATE ${t} SET ${c} = 1 WHERE id = 2")\n  end\n${filler('rb', i)}\nend\n`];
    case 16:
      return [`svc/g${i % 29}/q${i}.go`, `package g\n\nfunc Get${i}(db *sql.DB) {\n\tdb.Query("SELECT ${c} FROM ${t} WHERE id = $1", 1)\n}\n`];
    case 17:
      return [`java/src/J${i}.java`, `class J${i} {\n  void run(java.sql.Connection c) throws Exception {\n    c.prepareStatement("DELETE FROM ${t} WHERE ${c} IS NULL").execute();\n  }\n}\n`];
    case 18:
      return [`reports/r${i}.sql`, `-- report ${i}\nSELECT ${c}, count(*) FROM ${t} GROUP BY ${c};\n`];
    default:
      return [`docs/n${i}.md`, `# Note ${i}\n\nNothing the index reads (SELECT ${c} FROM ${t} in prose).\n`];
  }
}

function generate(root, n) {
  for (let i = 0; i < n; i++) {
    const [path, text] = fileFor(i);
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(join(root, 'schema.prisma'), `model Table0 {\n  id Int @id\n  col_0 String\n  @@map("table_0")\n}\n`);
  mkdirSync(join(root, 'migrations'), { recursive: true });
  writeFileSync(join(root, 'migrations/001_init.sql'), 'CREATE TABLE table_0 (id bigint PRIMARY KEY);\n');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const mb = (bytes) => bytes / 1048576;

function timed(cmd, args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, out: r.stdout ?? '', status: r.status };
}

async function main() {
  const files = option('--files', 20000);
  // Edits rewrite the generated TypeScript files f0, f20, f40 …
  const edits = Math.min(option('--edits', 20), Math.floor(files / 20));
  const root = mkdtempSync(join(tmpdir(), 'lockstep-coderefs-'));
  const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
  try {
    generate(root, files);
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const worker = new Worker(WORKER, { workerData: { roots: [root] }, resourceLimits: WORKER_RESOURCE_LIMITS });
    const next = () => new Promise((resolveMessage, reject) => {
      const onError = (err) => {
        worker.off('message', onMessage);
        reject(err);
      };
      const onMessage = (m) => {
        worker.off('error', onError);
        if (m.type === 'error') reject(new Error(m.message));
        else resolveMessage(m);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
    // The first index arrives in `batch` messages, then `ready` with the rest (as the server takes it).
    // Kept, as the language server keeps them, so the memory figure includes the server's copy.
    const kept = [];
    let refs = 0;
    let ready;
    for (;;) {
      const m = await next();
      kept.push(m.files);
      refs += m.files.reduce((n, f) => n + f.references.length, 0);
      if (m.type === 'ready') {
        ready = m;
        break;
      }
    }
    const firstMs = performance.now() - started;
    // The worker is a thread of this process: its CPU time is in the process's (user + system).
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const rssReady = process.memoryUsage().rss;

    // One-file edits, as the client reports them: rewrite the file, announce it, wait for its references.
    const updates = [];
    for (let k = 0; k < edits; k++) {
      const [path, text] = fileFor(k * 20);
      const file = join(root, path);
      writeFileSync(file, `${text}export const edited${k} = () => db.query('SELECT col_${k % COLUMNS} FROM table_${k} WHERE id = ${k}');\n`);
      const t = performance.now();
      worker.postMessage({ type: 'changed', files: [file] });
      const m = await next();
      updates.push(performance.now() - t);
      if (m.type !== 'updated' || m.files[0]?.references.length === 0) throw new Error(`edit ${k}: unexpected answer ${JSON.stringify(m).slice(0, 200)}`);
    }
    const peakRss = process.resourceUsage().maxRSS * 1024;
    if (kept.length === 0) throw new Error('nothing received');
    await worker.terminate();

    // What a grep script does on the same tree: every line naming one column.
    const rg = timed('rg', ['-n', '--no-messages', 'col_3', root], root);
    const grep = timed('grep', ['-rn', 'col_3', root], root);

    console.log(`### Code-reference index, generated workspace (${files} files; ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load ${load} at the start)`);
    console.log('');
    console.log('| measure | figure | target |');
    console.log('| --- | --- | --- |');
    console.log(`| first index (worker start → \`ready\`, ${ready.fileCount} files with references, ${refs} references) | ${firstMs.toFixed(0)} ms (the worker's own count: ${ready.ms} ms, of which ${ready.initMs} ms loading the SQL parser and grammars; ${cpuMs.toFixed(0)} ms of CPU) | < 10 s ${firstMs < 10000 ? 'met' : '**missed**'} |`);
    console.log(`| re-index after one file edit (\`changed\` → \`updated\`), ${edits} edits | median ${median(updates).toFixed(1)} ms, p95 ${percentile(updates, 95).toFixed(1)} ms, max ${Math.max(...updates).toFixed(1)} ms | < 50 ms ${percentile(updates, 95) < 50 ? 'met' : '**missed**'} (p95) |`);
    console.log(`| memory: process RSS with the index built (peak) | ${mb(rssReady).toFixed(0)} MiB (peak ${mb(peakRss).toFixed(0)} MiB; ${mb(rssBefore).toFixed(0)} MiB before the worker) | < 200 MB ${mb(peakRss) * 1.048576 < 200 ? 'met' : '**missed**'} (peak) |`);
    console.log(`| for scale: \`rg -n col_3 <tree>\` (text only: no SQL, no tables, no models) | ${rg.ms.toFixed(0)} ms, ${rg.out.split('\n').filter(Boolean).length} lines | |`);
    console.log(`| for scale: \`grep -rn col_3 <tree>\` | ${grep.ms.toFixed(0)} ms, ${grep.out.split('\n').filter(Boolean).length} lines | |`);
    console.log('');
    if (process.argv.includes('--keep')) console.log(`workspace kept: ${root}`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
