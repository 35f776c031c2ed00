/**
 * `lockstep watch --db <url> [-- <command>]`: the lock watch and kill switch around a migration
 * another tool runs (Flyway, Rails, Prisma, …). With a command, it runs the command, watches until
 * it exits and returns its exit code; without one, it watches until interrupted (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { DatabaseError } from '../db/errors';
import { cliTarget } from './cliTarget';
import { looksLikeMigration, type SessionRow } from '../run/lockQueue';
import { openWatchSession } from '../run/sessions';
import { LockWatch, type WatchEvent } from '../run/watch';
import type { Subcommand } from './commands';
import { parseCount, parseGuardArgs, WATCH_FLAG_OPTIONS, WATCH_OPTIONS_HELP, WATCH_VALUE_OPTIONS, watchLimitsFrom } from './guardArgs';
import type { CliIO } from './run';

export const WATCH_HELP = `Usage: lockstep watch --db <url> [options] [-- <command> [args…]]

Watches the database's lock queues every 250 ms from a read-only session while a
migration runs, and cancels the migration's statement when the application
queues behind it too long (the kill switch). With a command, runs it, watches
until it exits and exits with its code; without one, watches until Ctrl-C.

Which sessions are the migration: --pid or --application-name; by default every
session running DDL or LOCK (ALTER, CREATE, DROP, LOCK, REINDEX, …). Application
queries are never cancelled.

Options:
${WATCH_OPTIONS_HELP}
  --pid <n>              guard this backend only
  --application-name <s> guard sessions with this application_name`;

function describe(e: WatchEvent, seen: Set<string>): string | undefined {
  if (e.kind === 'cancel') return `kill switch: ${e.terminated ? 'terminated' : 'cancelled'} pid ${e.pid} (${e.query.replace(/\s+/g, ' ').slice(0, 80)}): ${e.reason}`;
  if (e.kind === 'error') return `watch: ${e.message}`;
  // Report each queue once when it forms, not every 250 ms.
  const lines: string[] = [];
  for (const g of e.sample.guarded) {
    if (g.queue.waiting.length === 0 && g.blockers.length === 0) continue;
    const key = `${g.session.pid}:${g.queue.waiting.length}:${g.blockers.map((b) => b.pid).join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(
      `pid ${g.session.pid} ${g.blockers.length ? `waits for ${g.blockers.map((b) => `pid ${b.pid}`).join(', ')}; ` : ''}` +
        `${g.queue.waiting.length} session(s) queued behind it, oldest ${(g.queue.oldestWaitMs / 1000).toFixed(1)} s`,
    );
  }
  return lines.length ? lines.join('\n') : undefined;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseGuardArgs(argv, [...WATCH_VALUE_OPTIONS, '--pid', '--application-name'], WATCH_FLAG_OPTIONS);
  const fail = (message: string) => {
    io.writeErr(`lockstep watch: ${message}\nRun "lockstep watch --help" for usage.\n`);
    return 2;
  };
  if ('error' in args) return fail(args.error);
  if (args.flags.has('--help')) {
    io.writeOut(`${WATCH_HELP}\n`);
    return 0;
  }
  if (args.operands.length) return fail(`unexpected ${args.operands[0]}: put the command to run after --`);
  const watch = watchLimitsFrom(args);
  if ('error' in watch) return fail(watch.error);
  const pidText = args.values.get('--pid');
  const pid = pidText === undefined ? undefined : parseCount(pidText);
  if (pidText !== undefined && !pid) return fail(`--pid must be a backend process id, got "${pidText}"`);
  const appName = args.values.get('--application-name');
  const guards = (s: SessionRow) => (pid ? s.pid === pid : appName !== undefined ? s.applicationName === appName : looksLikeMigration(s));

  const resolved = cliTarget(args.values.get('--db'), io.env);
  if (!resolved.ok) return fail(resolved.message);
  let session;
  try {
    session = await openWatchSession(resolved.target);
  } catch (error) {
    return fail(error instanceof DatabaseError ? error.message : String(error));
  }
  const seen = new Set<string>();
  let cancels = 0;
  const limits = watch.killSwitch ? watch.limits : { ...watch.limits, maxQueueWaitMs: Infinity, maxQueue: Infinity };
  const watcher = new LockWatch(session.client, session.serverVersionNum, limits, guards, (e) => {
    if (e.kind === 'cancel' && e.ok) cancels++;
    const line = describe(e, seen);
    if (line) io.writeErr(`${line.split('\n').map((l) => `lockstep watch: ${l}`).join('\n')}\n`);
  });
  watcher.start();
  try {
    if (args.rest.length) {
      const [command, ...commandArgs] = args.rest;
      return await new Promise<number>((done) => {
        const child = spawn(command, commandArgs, { cwd: io.cwd, stdio: 'inherit', env: { ...process.env, ...io.env } as NodeJS.ProcessEnv });
        child.on('error', (error) => {
          io.writeErr(`lockstep watch: cannot run ${command}: ${error.message}\n`);
          done(2);
        });
        child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
      });
    }
    io.writeErr('lockstep watch: watching; press Ctrl-C to stop\n');
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
    return 0;
  } finally {
    await watcher.stop();
    await session.close();
    io.writeErr(`lockstep watch: stopped; the kill switch cancelled ${cancels} time(s)\n`);
  }
}

export const watchCommand: Subcommand = {
  summary: 'watch lock queues while a migration runs, with a kill switch (any tool)',
  run,
};
