/**
 * `lockstep lint --fix`: apply every safe fix to a file (server/src/fixes/fixAll.ts), write it back
 * in place, and say on standard error what changed, before the file is linted and reported as usual.
 * Only fixes that keep the end state and touch no other file are applied.
 */
import { writeFileSync } from 'node:fs';
import { fixAll } from '../fixes/fixAll';
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
    fixed = framework
      ? hostFixAll(source.text, framework, { path: job.enginePath, config: job.config, schema })
      : fixAll(source.text, { path: job.enginePath, config: job.config, schema });
  } catch (err) {
    io.writeErr(`lockstep: ${job.displayPath}: not fixed: ${err instanceof Error ? err.message : String(err)}\n`);
    return source;
  }
  if (fixed.text === source.text) return source;
  try {
    writeFileSync(job.absolutePath, fixed.text);
  } catch (err) {
    io.writeErr(`lockstep: ${job.displayPath}: cannot write the fixes: ${describeFsError(err)}\n`);
    return source;
  }
  const counts = new Map<string, number>();
  for (const a of fixed.applied) counts.set(a.ruleId, (counts.get(a.ruleId) ?? 0) + 1);
  const summary = [...counts].map(([rule, n]) => `${rule} (${n})`).join(', ');
  io.writeErr(`lockstep: fixed ${job.displayPath}: ${summary}\n`);
  return { text: fixed.text };
}
