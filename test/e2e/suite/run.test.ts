/**
 * "Lockstep: Run Migration…" and "Lockstep: Watch Database" in the real editor, against the e2e
 * runner's PostgreSQL (LOCKSTEP_E2E_DATABASE_URL). A session of this test holds a lock; the run's
 * ALTER waits behind it; the live state (panel and status bar) names the blocker; the kill switch
 * command (the panel's Cancel button) stops the run with nothing applied; once the blocker is gone
 * the run applies. Every step waits for a condition read from the database or the live state.
 */
import * as assert from 'assert';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import pg from 'pg';
import * as vscode from 'vscode';
import { setWorkspaceSetting, waitFor, workspaceRoot } from './helpers';

interface LiveSession {
  pid: number;
}

interface RunState {
  mode: 'run' | 'watch';
  phase: string;
  current?: { pid?: number; statement: string; blockers: LiveSession[]; lockWaitMs: number };
  applied: number;
  cancels: number;
  samples: number;
  statusText: string;
  panelOpen: boolean;
}

interface RunCommandResult {
  outcome: string;
  message?: string;
  report?: { ok: boolean; units: { status: string; error?: string }[] };
}

const TABLE = 'run_e2e';
async function runState(): Promise<RunState | undefined> {
  const state = await vscode.commands.executeCommand<RunState & { message?: string } | undefined>('lockstep.runState');
  // A run or watch that failed to start will not get there: say why now, not after the timeout.
  if (state?.phase === 'failed') assert.fail(`the ${state.mode} failed: ${state.message}`);
  return state;
}

function liveTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('lockstep.livePanel'));
}

describe('Run Migration… and Watch Database against a live database', function () {
  this.timeout(120_000);
  const url = process.env.LOCKSTEP_E2E_DATABASE_URL;
  let db: pg.Client;
  let blocker: pg.Client;
  let migration: vscode.Uri;

  async function columns(): Promise<string[]> {
    const { rows } = await db.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [TABLE]);
    return rows.map((r) => String(r.column_name));
  }

  /** A session holding a lock the ALTER conflicts with (its last statement is a SELECT, so the watch never guards it). */
  async function holdLock(): Promise<number> {
    blocker = new pg.Client({ connectionString: url, application_name: 'e2e-blocker' });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT count(*) FROM ${TABLE}`);
    return Number((await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  }

  async function releaseLock(): Promise<void> {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }

  before(async () => {
    assert.ok(url, 'the e2e runner starts a PostgreSQL cluster and passes LOCKSTEP_E2E_DATABASE_URL');
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} (id bigint PRIMARY KEY); INSERT INTO ${TABLE} SELECT generate_series(1, 100)`);
    await db.query('DROP SCHEMA IF EXISTS lockstep CASCADE');
    const dir = join(workspaceRoot().fsPath, 'run-e2e');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0001_add_note.sql'), `ALTER TABLE ${TABLE} ADD COLUMN note text;\n`);
    migration = vscode.Uri.file(join(dir, '0001_add_note.sql'));
    await setWorkspaceSetting('lockstep.database.url', url);
    // The ALTER must wait until the test cancels it, not until a short lock_timeout retries it.
    await setWorkspaceSetting('lockstep.run.lockTimeout', '600s');
  });

  after(async () => {
    await vscode.commands.executeCommand('lockstep.stopWatching');
    await setWorkspaceSetting('lockstep.run.lockTimeout', undefined);
    await setWorkspaceSetting('lockstep.database.url', undefined);
    await vscode.commands.executeCommand('lockstep.disconnectDatabase');
    for (const tab of liveTabs()) await vscode.window.tabGroups.close(tab);
    await db?.end();
  });

  it('shows the run waiting behind the blocker live, and Cancel (the kill switch) stops it with nothing applied', async () => {
    const blockerPid = await holdLock();
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(migration));
      const running = Promise.resolve(vscode.commands.executeCommand<RunCommandResult>('lockstep.runMigration', migration, { yes: true }));
      const state = await waitFor(
        'the live state to show the ALTER waiting for the blocker',
        async () => {
          const s = await runState();
          return s?.mode === 'run' && s.current?.blockers.some((b) => b.pid === blockerPid) ? s : undefined;
        },
        60_000,
      );
      assert.match(state.current?.statement ?? '', /ALTER TABLE run_e2e ADD COLUMN note text/);
      assert.ok(state.panelOpen, 'the live panel is open');
      assert.match(state.statusText, new RegExp(`waiting \\d+\\.\\d s for pid ${blockerPid}`));
      await waitFor('the live panel tab', () => liveTabs()[0]);
      const waiting = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lockstep-run' AND wait_event_type = 'Lock'");
      assert.strictEqual(waiting.rows[0].n, 1, 'the run session waits for a lock');

      assert.strictEqual(await vscode.commands.executeCommand('lockstep.cancelRun'), true);
      const result = await running;
      assert.strictEqual(result?.outcome, 'cancelled', JSON.stringify(result));
      assert.strictEqual(result.report?.ok, false);
      assert.match(result.report?.units[0]?.error ?? '', /cancelled from the editor/);
      assert.strictEqual((await runState())?.phase, 'cancelled');
      assert.deepStrictEqual(await columns(), ['id'], 'nothing was applied');
    } finally {
      await releaseLock();
    }
  });

  it('applies the migration once nothing blocks it, and the status bar says so', async () => {
    const result = await vscode.commands.executeCommand<RunCommandResult>('lockstep.runMigration', migration, { yes: true });
    assert.strictEqual(result?.outcome, 'applied', JSON.stringify(result));
    assert.deepStrictEqual(result.report?.units.map((u) => u.status), ['applied']);
    assert.deepStrictEqual(await columns(), ['id', 'note']);
    const state = await runState();
    assert.strictEqual(state?.applied, 1);
    assert.match(state?.statusText ?? '', /Lockstep run: applied 1 unit/);
    const journal = await db.query('SELECT count(*)::int AS n FROM lockstep.run_journal');
    assert.strictEqual(journal.rows[0].n, 1);
  });

  it('Watch Database shows another tool\'s blocked ALTER, and Cancel cancels that statement only', async () => {
    const blockerPid = await holdLock();
    const tool = new pg.Client({ connectionString: url, application_name: 'e2e-tool' });
    await tool.connect();
    try {
      const toolPid = Number((await tool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      const altering = tool.query(`ALTER TABLE ${TABLE} ADD COLUMN other int`).then(
        () => undefined,
        (error: { code?: string }) => error,
      );
      const started = await vscode.commands.executeCommand<RunCommandResult>('lockstep.watchDatabase');
      assert.strictEqual(started?.outcome, 'started', JSON.stringify(started));
      await waitFor(
        'the watch to show the tool\'s ALTER waiting for the blocker',
        async () => {
          const s = await runState();
          return s?.mode === 'watch' && s.current?.pid === toolPid && s.current.blockers.some((b) => b.pid === blockerPid) ? s : undefined;
        },
        60_000,
      );
      assert.strictEqual(await vscode.commands.executeCommand('lockstep.cancelRun'), true);
      const error = await altering;
      assert.strictEqual(error?.code, '57014', 'the ALTER was cancelled (query_canceled)');
      await waitFor('the cancel in the live state', async () => ((await runState())?.cancels === 1 ? true : undefined));
      const blockerAlive = await db.query('SELECT state FROM pg_stat_activity WHERE pid = $1', [blockerPid]);
      assert.strictEqual(blockerAlive.rows[0]?.state, 'idle in transaction', 'the blocker was not touched');
      assert.strictEqual(await vscode.commands.executeCommand('lockstep.stopWatching'), true);
      assert.strictEqual((await runState())?.phase, 'finished');
      assert.deepStrictEqual(await columns(), ['id', 'note']);
    } finally {
      // The blocker first: a client whose query still waits for a lock cannot end cleanly.
      await releaseLock();
      await tool.end();
    }
  });
});
