/**
 * One `lockstep run` or `lockstep watch` started from the editor: the CLI shipped in the
 * extension (dist/cli.js) as a child process with `--events json`, so the editor runs exactly the
 * engine the CLI runs. Its JSON lines are folded into a LiveState for the panel and the status
 * bar; "cancel" on its stdin is the kill switch; closing stdin stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { applyLiveEvent, newLiveState, parseLiveLine, type LiveState } from '../../../server/src/run/liveEvents';

export interface LiveSessionOptions {
  cliPath: string;
  mode: LiveState['mode'];
  target: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Every line that is not an event (usage errors, connection errors). */
  onText(line: string): void;
  onChange(state: LiveState): void;
}

export interface LiveOutcome {
  exitCode: number | null;
  /** stdout: the final report (`--format json` for run). */
  stdout: string;
  /** Plain-text stderr lines (errors before the run started). */
  errors: string[];
  state: LiveState;
}

export class LiveSession {
  readonly state: LiveState;
  readonly finished: Promise<LiveOutcome>;
  private readonly child: ChildProcess;

  constructor(private readonly options: LiveSessionOptions) {
    this.state = newLiveState(options.mode, options.target);
    // In desktop VS Code the extension host's executable is Electron: run it as plain node.
    this.child = spawn(process.execPath, [options.cliPath, options.mode, ...options.args], {
      cwd: options.cwd,
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    const errors: string[] = [];
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const lines = createInterface({ input: this.child.stderr! });
    lines.on('line', (line) => {
      const event = parseLiveLine(line);
      if (!event) {
        errors.push(line);
        options.onText(line);
        return;
      }
      applyLiveEvent(this.state, event);
      options.onChange(this.state);
    });
    const closed = new Promise<void>((done) => lines.once('close', done));
    this.finished = new Promise<LiveOutcome>((done) => {
      this.child.once('error', (error) => {
        errors.push(`cannot start ${options.cliPath}: ${error.message}`);
        this.finish(errors);
        done({ exitCode: null, stdout, errors, state: this.state });
      });
      this.child.once('close', (code) => {
        // Every stderr line is read before the outcome is settled.
        void closed.then(() => {
          this.finish(errors, code);
          done({ exitCode: code, stdout, errors, state: this.state });
        });
      });
    });
  }

  get running(): boolean {
    return !['finished', 'failed', 'cancelled'].includes(this.state.phase);
  }

  /** The kill switch: run cancels its statement and stops; watch cancels the guarded statements it sees. */
  cancel(): void {
    if (!this.running) return;
    if (this.options.mode === 'run') this.state.phase = 'cancelling';
    this.child.stdin?.write('cancel\n');
    this.options.onChange(this.state);
  }

  /** Stop watching (watch), or cancel and stop (run): both end when stdin closes. */
  stop(): void {
    if (this.options.mode === 'run' && this.running) this.state.phase = 'cancelling';
    this.child.stdin?.end();
  }

  private finish(errors: string[], code?: number | null): void {
    if (this.running) {
      // Exited without a done line: a usage or connection error, or a crash.
      this.state.phase = code === 0 ? 'finished' : 'failed';
      this.state.message = errors.filter((l) => l.trim()).slice(-3).join(' ') || `exited with code ${code}`;
    }
    this.options.onChange(this.state);
  }
}
