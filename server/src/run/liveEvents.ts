/**
 * The live event stream of `lockstep run --events json` and `lockstep watch --events json`: one
 * JSON object per line on stderr, small and self-contained, for an editor (the VS Code panel) to
 * follow a run it started as a child process. `LiveState` folds the lines into what the panel
 * shows: the statement running, its lock wait and blockers, the queue behind it over time, backfill
 * progress, replication lag and the cancels. Pure: no `pg`, no `vscode`.
 */
import type { RunEvent, RunReport } from './execute';
import type { SessionRow } from './lockQueue';
import type { WatchEvent } from './watch';

export interface LiveSession {
  pid: number;
  applicationName: string;
  state: string;
  query: string;
  lockWaitMs: number;
}

export type LiveEvent =
  | { type: 'unit'; file: string; line: number; statement: string; attempt: number; transactional: boolean; blocking: boolean }
  | { type: 'skipped'; file: string; line: number; reason: string }
  | { type: 'applied'; file: string; line: number; attempts: number }
  | { type: 'retry'; file: string; line: number; attempt: number; delayMs: number; reason: string; blockers: LiveSession[] }
  | { type: 'invalid-index'; file: string; index: string; action: string }
  | { type: 'progress'; file: string; line: number; step: string; percent: number; rowsChanged: number; rowsPerSecond?: number; etaSeconds?: number; batchSize?: number; pauseMs?: number }
  | { type: 'throttle'; file: string; line: number; batchSize: number; pauseMs: number; reason: string }
  | { type: 'sample'; guarded: { session: LiveSession; blockers: LiveSession[]; queue: number; oldestWaitMs: number }[]; standbys: { name: string; replayLagMs?: number; replayLagBytes?: number }[]; longTransactions: number }
  | { type: 'cancel'; pid: number; query: string; reason: string; terminated: boolean; ok: boolean }
  | { type: 'error'; message: string }
  | { type: 'done'; ok: boolean; cancelled: boolean; message: string };

const short = (text: string, max = 200) => text.replace(/\s+/g, ' ').trim().slice(0, max);

function liveSession(s: SessionRow): LiveSession {
  return { pid: s.pid, applicationName: s.applicationName, state: s.state, query: short(s.query), lockWaitMs: s.lockWaitMs };
}

export function liveWatchEvent(e: WatchEvent): LiveEvent {
  if (e.kind === 'cancel') return { type: 'cancel', pid: e.pid, query: short(e.query), reason: e.reason, terminated: e.terminated, ok: e.ok };
  if (e.kind === 'error') return { type: 'error', message: e.message };
  return {
    type: 'sample',
    guarded: e.sample.guarded.map((g) => ({ session: liveSession(g.session), blockers: g.blockers.map(liveSession), queue: g.queue.waiting.length, oldestWaitMs: g.queue.oldestWaitMs })),
    standbys: e.sample.standbys,
    longTransactions: e.sample.longTransactions.length,
  };
}

export function liveRunEvent(e: RunEvent): LiveEvent {
  const line = 'unit' in e ? (e.unit.statements[0]?.line ?? 0) : 0;
  switch (e.kind) {
    case 'unit':
      return { type: 'unit', file: e.file, line, statement: short(e.unit.statements.map((s) => s.text).join(' ')), attempt: e.attempt, transactional: e.unit.transactional, blocking: e.unit.blocking };
    case 'skipped':
      return { type: 'skipped', file: e.file, line, reason: e.reason };
    case 'applied':
      return { type: 'applied', file: e.file, line, attempts: e.attempts };
    case 'retry':
      return { type: 'retry', file: e.file, line, attempt: e.attempt, delayMs: e.delayMs, reason: e.reason, blockers: e.blockers.map(liveSession) };
    case 'invalid-index':
      return { type: 'invalid-index', file: e.file, index: e.index, action: e.action };
    case 'progress': {
      const p = e.progress;
      return { type: 'progress', file: e.file, line, step: p.step, percent: p.percent, rowsChanged: p.rowsChanged, rowsPerSecond: p.rowsPerSecond, etaSeconds: p.etaSeconds };
    }
    case 'throttle':
      return { type: 'throttle', file: e.file, line, batchSize: e.change.batchSize, pauseMs: e.change.pauseMs, reason: e.change.reason };
    case 'watch':
      return liveWatchEvent(e.event);
  }
}

export function liveDone(report: RunReport): LiveEvent {
  const applied = report.units.filter((u) => u.status === 'applied').length;
  return { type: 'done', ok: report.ok, cancelled: report.cancelledByUser === true, message: report.ok ? `applied ${applied} unit(s)` : (report.error ?? 'the run stopped') };
}

/** A line of the stream back to an event; undefined for anything else (plain stderr text). */
export function parseLiveLine(line: string): LiveEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as LiveEvent;
    return typeof value === 'object' && value !== null && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The queue behind the migration over time: the chart's points (at most QUEUE_HISTORY, one per sample). */
export interface QueuePoint {
  sample: number;
  queue: number;
  oldestWaitMs: number;
  lockWaitMs: number;
}

export const QUEUE_HISTORY = 240;
const LOG_LINES = 200;

export interface LiveState {
  mode: 'run' | 'watch';
  phase: 'starting' | 'running' | 'cancelling' | 'finished' | 'failed' | 'cancelled';
  target: string;
  /** The statement the run is applying (run), or the guarded session's query (watch). */
  current?: { file?: string; line?: number; statement: string; attempt?: number; pid?: number; lockWaitMs: number; blockers: LiveSession[]; queue: number; oldestWaitMs: number };
  applied: number;
  skipped: number;
  retries: number;
  cancels: number;
  samples: number;
  history: QueuePoint[];
  progress?: Extract<LiveEvent, { type: 'progress' }>;
  standbys: { name: string; replayLagMs?: number; replayLagBytes?: number }[];
  longTransactions: number;
  /** Human-readable lines, newest last (the panel's log). */
  log: string[];
  message?: string;
}

export function newLiveState(mode: LiveState['mode'], target: string): LiveState {
  return { mode, phase: 'starting', target, applied: 0, skipped: 0, retries: 0, cancels: 0, samples: 0, history: [], standbys: [], longTransactions: 0, log: [] };
}

function addLog(state: LiveState, text: string): void {
  state.log.push(text);
  if (state.log.length > LOG_LINES) state.log.splice(0, state.log.length - LOG_LINES);
}

/** Folds one event into the state (in place) and returns it. */
export function applyLiveEvent(state: LiveState, e: LiveEvent): LiveState {
  if (state.phase === 'starting') state.phase = 'running';
  const at = (file: string, line: number) => `${file}:${line}`;
  switch (e.type) {
    case 'unit':
      state.current = { file: e.file, line: e.line, statement: e.statement, attempt: e.attempt, lockWaitMs: 0, blockers: [], queue: 0, oldestWaitMs: 0 };
      addLog(state, `${at(e.file, e.line)}: ${e.attempt > 1 ? `try ${e.attempt}` : 'running'}: ${e.statement}`);
      break;
    case 'skipped':
      state.skipped++;
      addLog(state, `${at(e.file, e.line)}: skipped, ${e.reason}`);
      break;
    case 'applied':
      state.applied++;
      state.current = undefined;
      addLog(state, `${at(e.file, e.line)}: applied${e.attempts > 1 ? ` after ${e.attempts} tries` : ''}`);
      break;
    case 'retry':
      state.retries++;
      addLog(state, `${at(e.file, e.line)}: ${e.reason}${e.blockers.length ? `, behind ${e.blockers.map((b) => `pid ${b.pid}`).join(', ')}` : ''}; retrying in ${(e.delayMs / 1000).toFixed(1)} s`);
      break;
    case 'invalid-index':
      addLog(state, `${e.file}: ${e.action}`);
      break;
    case 'progress':
      state.progress = { ...e, batchSize: state.progress?.batchSize, pauseMs: state.progress?.pauseMs };
      break;
    case 'throttle':
      if (state.progress) state.progress = { ...state.progress, batchSize: e.batchSize, pauseMs: e.pauseMs };
      addLog(state, `${at(e.file, e.line)}: throttle: batches of ${e.batchSize} rows, ${e.pauseMs} ms apart: ${e.reason}`);
      break;
    case 'sample': {
      state.samples++;
      state.standbys = e.standbys;
      state.longTransactions = e.longTransactions;
      const g = e.guarded[0];
      if (g) {
        const base = state.mode === 'run' ? state.current : undefined;
        state.current = {
          ...(base ?? { statement: g.session.query }),
          pid: g.session.pid,
          lockWaitMs: g.session.lockWaitMs,
          blockers: g.blockers,
          queue: g.queue,
          oldestWaitMs: g.oldestWaitMs,
        };
      } else if (state.mode === 'watch') state.current = undefined;
      state.history.push({ sample: state.samples, queue: g?.queue ?? 0, oldestWaitMs: g?.oldestWaitMs ?? 0, lockWaitMs: g?.session.lockWaitMs ?? 0 });
      if (state.history.length > QUEUE_HISTORY) state.history.splice(0, state.history.length - QUEUE_HISTORY);
      break;
    }
    case 'cancel':
      if (e.ok) state.cancels++;
      addLog(state, `kill switch: ${e.terminated ? 'terminated' : 'cancelled'} pid ${e.pid}: ${e.reason}`);
      break;
    case 'error':
      addLog(state, `watch: ${e.message}`);
      break;
    case 'done':
      state.phase = e.ok ? 'finished' : e.cancelled ? 'cancelled' : 'failed';
      state.message = e.message;
      addLog(state, e.message);
      break;
  }
  return state;
}
