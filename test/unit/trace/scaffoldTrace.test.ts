/**
 * `lockstep trace` on Lockstep's own scaffolded plans: every plan kind (`scaffold --list`), written
 * for Flyway (undo scripts and `.conf` files beside the migrations), and two for dbmate (in-file
 * markers), replays on
 * embedded PostgreSQL with no failure and no difference the model does not explain.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { runInProcess } from '../cli/inProcessCli';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { naturalCompare } from '../../../server/src/history/naturalCompare';
import { forwardFiles, planTraceJobs } from '../../../server/src/trace/jobs';
import { compareTrace, type TraceReport } from '../../../server/src/trace/plan';
import { runTrace } from '../../../server/src/trace/shadowRun';
import { KIND_CASES, SCHEMA, SEED } from '../scaffold/cases';

/**
 * `npm test` traces three kinds (a backfill CALL, a verification CALL, CONCURRENTLY, Flyway undo
 * scripts, a moved table); `npm run test:trace-scaffold` (LOCKSTEP_TRACE_ALL_KINDS=1) traces every
 * kind of `scaffold --list` for Flyway. Two kinds also run for dbmate (markers in the file).
 */
const ALL_KINDS = !!process.env.LOCKSTEP_TRACE_ALL_KINDS;
const SHORT_RUN = ['rename-column', 'change-primary-key', 'drop-table'];
const RUNNERS = [
  { runner: 'flyway', schemaFile: 'V1__schema.sql', wrap: (sql: string) => sql, kinds: KIND_CASES.filter((c) => ALL_KINDS || (SHORT_RUN.includes(c.kind) && c.args.to !== 'uuid' && c.args.to !== 'rename')) },
  {
    runner: 'dbmate',
    schemaFile: '20240101000000_schema.sql',
    wrap: (sql: string) => `-- migrate:up\n${sql}\n-- migrate:down\n`,
    kinds: KIND_CASES.filter((c) => (ALL_KINDS ? ['rename-column', 'add-foreign-key'] : ['add-foreign-key']).includes(c.kind)),
  },
] as const;

async function scaffold(cwd: string, argv: string[]): Promise<void> {
  const { status, stderr } = await runInProcess(cwd, ['scaffold', ...argv]);
  assert.equal(status, 0, stderr);
}

describe('trace on every scaffolded plan kind', function () {
  this.timeout(600_000);
  let db: PGlite;
  let root: string;
  before(async () => {
    await initEngine();
    db = new PGlite();
    await db.waitReady;
    root = mkdtempSync(join(tmpdir(), 'lockstep-scaffold-trace-'));
  });
  after(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  let n = 0;
  for (const { runner, schemaFile, wrap, kinds } of RUNNERS) {
    for (const { kind, args } of kinds) {
      it(`${runner}: ${kind} ${Object.values(args).join(' ')}`, async () => {
        const dir = join(root, `${runner}-${++n}`);
        mkdirSync(join(dir, 'migrations'), { recursive: true });
        writeFileSync(join(dir, 'migrations', schemaFile), wrap(`${SCHEMA}\n${SEED}`));
        const flags = Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]);
        await scaffold(dir, [kind, ...flags, '--runner', runner, '--dir', 'migrations']);

        // In the runner's order (V2 before V10), as the CLI lists them.
        const names = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.sql')).sort(naturalCompare);
        const files = forwardFiles(names.map((f) => ({ absolutePath: join(dir, 'migrations', f), displayPath: f, explicit: false })))
          .map((t) => ({ ...t, absolutePath: t.absolutePath!, text: readFileSync(t.absolutePath!, 'utf8') }));
        if (runner === 'flyway') assert.ok(names.some((f) => f.startsWith('U')) && files.every((f) => !f.displayPath.startsWith('U')), 'undo scripts are not replayed');
        const { linted, jobs } = planTraceJobs(files, () => DEFAULT_CONFIG);
        // One engine for every plan: each gets namespaces of its own.
        const response = await runTrace(db, { jobs: jobs.map((j) => ({ ...j, namespace: `${j.namespace}_${runner.replace('-', '_')}_${n}` })) });
        const reports: Array<{ file: string; report: TraceReport }> = linted.map((l, i) => ({ file: l.displayPath, report: compareTrace(l.result, response.jobs[i], response) }));

        const problems = reports.flatMap(({ file, report }) => [
          ...report.setupFailures.map((f) => `${file}: setup failed: ${f.error}`),
          ...report.statements.filter((s) => s.outcome === 'failed').map((s) => `${file}: ${s.summary} failed: ${s.error}`),
          ...report.statements.filter((s) => s.agrees === false).map((s) => `${file}: ${s.summary}: ${s.differences.join('; ')}`),
        ]);
        assert.deepEqual(problems, []);
        const all = reports.flatMap((r) => r.report.statements);
        // Whatever the model does not predict is a procedure or DO body, and says so.
        for (const s of all.filter((s) => s.unpredicted)) assert.match(s.summary, /^(CALL|DO)\b/, s.unpredicted);
        assert.ok(all.filter((s) => s.outcome === 'observed' && s.agrees === true).length >= 3, 'too little was compared');
        const backfills = all.filter((s) => /^CALL \w+_backfill\b/.test(s.summary));
        for (const s of backfills) assert.equal(s.outcome, 'applied', `${s.summary} runs outside a transaction, as the runner runs it`);
      });
    }
  }
});
