/**
 * `lockstep lint --fix`: apply every safe fix to a file (server/src/fixes/fixAll.ts), write it back
 * in place, and say on standard error what changed, before the file is linted and reported as usual.
 * Only fixes that keep the end state are applied; when the runner's transaction forces a safe rewrite
 * into new migrations after this one (CONCURRENTLY, VALIDATE), those files are written too, never over
 * an existing file.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fixAll } from '../fixes/fixAll';
import { readMigrationFolder } from '../fixes/folder';
import { hostFixAll } from '../frameworks/fixes';
import { detectFramework, isHostPath } from '../frameworks/registry';
import { describeFsError, type SourceResult } from './source';
import type { LintJob } from './lintFile';
import type { CliIO } from './run';

export function fixSource(job: LintJob, source: SourceResult, io: Pick<CliIO, 'writeErr'>): SourceResult {
  if ('error' in source || !job.absolutePath) return source;
  let fixed;
  try {
    const schema = job.history?.schemaBefore(job.absolutePath, source.text, job.config);
    // A framework migration is fixed in its own idiom; other .ts/.js files are left alone.
    const framework = isHostPath(job.absolutePath) ? detectFramework(job.absolutePath, source.text) : undefined;
    if (isHostPath(job.absolutePath) && !framework) return source;
    const path = job.absolutePath;
    // Framework migrations are fixed inside their own file only (no new files).
    fixed = framework
      ? { ...hostFixAll(source.text, framework, { path: job.enginePath, config: job.config, schema }), files: [] }
      : fixAll(source.text, { path, config: job.config, schema, folder: (runner) => readMigrationFolder(path, runner) });
  } catch (err) {
    io.writeErr(`lockstep: ${job.displayPath}: not fixed: ${err instanceof Error ? err.message : String(err)}\n`);
    return source;
  }
  if (fixed.text === source.text && fixed.files.length === 0) return source;
  const clash = fixed.files.find((f) => existsSync(resolve(f.path)));
  if (clash) {
    io.writeErr(`lockstep: ${job.displayPath}: not fixed: ${clash.path} already exists\n`);
    return source;
  }
  try {
    for (const f of fixed.files) {
      mkdirSync(dirname(resolve(f.path)), { recursive: true });
      writeFileSync(resolve(f.path), f.text, { flag: 'wx' });
    }
    writeFileSync(job.absolutePath, fixed.text);
  } catch (err) {
    io.writeErr(`lockstep: ${job.displayPath}: cannot write the fixes: ${describeFsError(err)}\n`);
    return source;
  }
  const counts = new Map<string, number>();
  for (const a of fixed.applied) counts.set(a.ruleId, (counts.get(a.ruleId) ?? 0) + 1);
  const summary = [...counts].map(([rule, n]) => `${rule} (${n})`).join(', ');
  const added = fixed.files.map((f) => relative(process.cwd(), resolve(f.path)) || f.path);
  io.writeErr(`lockstep: fixed ${job.displayPath}: ${summary}${added.length ? `; new migration files: ${added.join(', ')}` : ''}\n`);
  return { text: fixed.text };
}
