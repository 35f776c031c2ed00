/**
 * From migration files to trace jobs: lint each file against the schema its earlier migrations
 * build, and group files of one migration set into one namespace that replays them in order.
 * Shared by `lockstep trace`, the corpus script and the tests.
 */
import type { LockstepConfig } from '../config/types';
import { isRollbackFile } from '../document/runner';
import { lintText, type LintResult } from '../engine';
import { migrationSetFolder } from '../history/migrationSet';
import { runnerLintOrder } from '../history/lintOrder';
import { SchemaHistory, snapshotFileSystem } from '../history/schemaHistory';
import type { TraceJob } from './protocol';
import { traceJob } from './plan';
import { earlierSetup } from './setup';

export interface TraceFile {
  absolutePath: string;
  displayPath: string;
  /** Named on purpose: a rollback file is traced only then. */
  explicit: boolean;
  text: string;
}

export interface PlannedTrace {
  linted: Array<{ displayPath: string; text: string; result: LintResult }>;
  jobs: TraceJob[];
}

/**
 * A trace replays migrations forwards: rollbacks (down files, Flyway undo `U…__` scripts, Sqitch
 * reverts) are left out unless named explicitly.
 */
export function forwardFiles<T extends { absolutePath?: string; explicit: boolean }>(targets: T[]): T[] {
  return targets.filter((t) => t.absolutePath && (t.explicit || !isRollbackFile(t.absolutePath)));
}

/**
 * The files in the order their runners apply them (history/lintOrder.ts): Diesel compares versions
 * with dashes removed, which path order does not follow when a project mixes `2017-10-06-234455_x`
 * and `20170305095748_y` (crates.io). Other files keep their order.
 */
export function inRunnerLintOrder<T extends { absolutePath: string }>(files: T[], configFor: (path: string) => LockstepConfig): T[] {
  return runnerLintOrder(files.map((f) => ({ path: f.absolutePath, runner: configFor(f.absolutePath).runner }))).map((i) => files[i]);
}

export function planTraceJobs(files: TraceFile[], configFor: (path: string) => LockstepConfig): PlannedTrace {
  const history = new SchemaHistory(snapshotFileSystem());
  const linted: PlannedTrace['linted'] = [];
  const jobs: TraceJob[] = [];
  const seenSets: string[] = [];
  const ordered = inRunnerLintOrder(files, configFor);
  const traced = ordered.map((f) => f.absolutePath);
  for (const file of ordered) {
    const path = file.absolutePath;
    const config = configFor(path);
    const schema = history.schemaBefore(path, file.text, config);
    const result = lintText(file.text, { path, config, schema });
    history.record(path, schema, result.document.catalog);
    // Files of one migration set share a namespace and run in order; the first one builds the
    // schema from the set's earlier migrations that are not traced themselves.
    const set = `${migrationSetFolder(path, result.document.runner)}|${result.document.runner}`;
    const first = !seenSets.includes(set);
    if (first) seenSets.push(set);
    const namespace = `lockstep_trace_${seenSets.indexOf(set) + 1}`;
    const setup = first ? earlierSetup(path, result.document.runner, config, traced) : [];
    jobs.push(traceJob(result, namespace, setup));
    linted.push({ displayPath: file.displayPath, text: file.text, result });
  }
  return { linted, jobs };
}
