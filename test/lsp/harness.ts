/**
 * A minimal LSP client for tests: spawns the bundled `dist/server.js --stdio` and speaks
 * JSON-RPC to it, answering the server's requests (workspace/configuration, registrations)
 * the way an editor would. Reusable by any suite that needs a live server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ConfigurationParams,
  Diagnostic,
  Hover,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  RegistrationParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import type { DocumentInfo } from '../../server/src/lsp/protocol';

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** LOCKSTEP_SERVER_BUNDLE lets a suite run against another build of the server. */
export const SERVER_BUNDLE = process.env.LOCKSTEP_SERVER_BUNDLE ?? resolve(REPO_ROOT, 'dist', 'server.js');

export interface HarnessOptions {
  /** What the "editor" answers for the `lockstep` settings section. */
  settings?: Record<string, unknown>;
  workspaceFolders?: string[];
  debounceMs?: number;
  /** Advertise dynamic registration of didChangeConfiguration (like VS Code does). */
  dynamicConfigRegistration?: boolean;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Advertise codeAction/resolve of `edit` (like VS Code): quick-fixes then come without edits, filled in on resolve. */
  codeActionResolve?: boolean;
  /**
   * Keep every message (traffic, diagnostics, document info, logs) for the test to read: the default.
   * A long run (the fuzz suite) turns it off, or the client's own heap grows and its garbage
   * collections delay the replies it times.
   */
  record?: boolean;
}

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
}

type Waiter<T> = { matches: (value: T) => boolean; resolve: (value: T) => void };

/** Collects a stream of values (per URI) and lets tests await the first one that matches. */
class Inbox<T> {
  private readonly received = new Map<string, T[]>();
  private readonly waiters = new Map<string, Waiter<T>[]>();

  push(key: string, value: T): void {
    this.all(key).push(value);
    const pending = this.waiters.get(key) ?? [];
    this.waiters.set(key, pending.filter((w) => (w.matches(value) ? (w.resolve(value), false) : true)));
  }

  all(key: string): T[] {
    let list = this.received.get(key);
    if (!list) this.received.set(key, (list = []));
    return list;
  }

  /** Resolves with the first value (already received or future) that matches. */
  next(key: string, matches: (value: T) => boolean, what: string, timeoutMs: number, fromIndex = 0): Promise<T> {
    const seen = this.all(key).slice(fromIndex).find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} of ${key}`)), timeoutMs);
      const waiter: Waiter<T> = {
        matches,
        resolve: (value) => {
          clearTimeout(timer);
          resolvePromise(value);
        },
      };
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter]);
    });
  }
}

export class LspHarness {
  readonly diagnostics = new Inbox<Published>();
  readonly documentInfo = new Inbox<DocumentInfo>();
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  /** Every byte on the wire, both ways: a superset of what a verbose LSP trace shows. */
  readonly traffic: Buffer[] = [];
  /** Every `workspace/configuration` request the server made. */
  readonly configurationRequests: ConfigurationParams[] = [];
  /** Methods the server registered dynamically (client/registerCapability). */
  readonly registrations: string[] = [];
  settings: Record<string, unknown>;
  initializeResult?: InitializeResult;
  /** While set, replies to workspace/configuration wait for it (a client busy elsewhere). */
  private configurationHeld: Promise<void> | undefined;
  private readonly versions = new Map<string, number>();
  private readonly recording: boolean;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    private readonly reader: StreamMessageReader,
    options: HarnessOptions,
  ) {
    this.settings = options.settings ?? {};
    this.recording = options.record ?? true;
  }

  static async start(options: HarnessOptions = {}): Promise<LspHarness> {
    if (!existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const reader = new StreamMessageReader(child.stdout!);
    const connection = createMessageConnection(reader, new StreamMessageWriter(child.stdin!));
    const harness = new LspHarness(child, connection, reader, options);
    if (harness.recording) {
      child.stdout!.on('data', (chunk: Buffer) => harness.traffic.push(chunk));
      const write = child.stdin!.write.bind(child.stdin!) as (...args: unknown[]) => boolean;
      child.stdin!.write = ((chunk: unknown, ...rest: unknown[]) => {
        harness.traffic.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
        return write(chunk, ...rest);
      }) as typeof child.stdin.write;
    }
    harness.wire();
    connection.listen();

    const folders = options.workspaceFolders ?? [];
    harness.initializeResult = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? pathToFileURL(folders[0]).href : null,
      workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).href, name: f })),
      initializationOptions: { debounceMs: options.debounceMs ?? 50 },
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: options.dynamicConfigRegistration ?? false },
          didChangeWatchedFiles: { dynamicRegistration: false },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          ...(options.codeActionResolve ? { codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } } } : {}),
        },
      },
    });
    await connection.sendNotification('initialized', {});
    return harness;
  }

  private wire(): void {
    const { connection } = this;
    const recording = this.recording;
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (recording) this.diagnostics.push(p.uri, { version: p.version, diagnostics: p.diagnostics });
    });
    connection.onNotification('lockstep/documentInfo', (info: DocumentInfo) => {
      if (recording) this.documentInfo.push(info.uri, info);
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      if (recording) this.logs.push(p.message);
    });
    connection.onRequest('workspace/configuration', async (p: ConfigurationParams) => {
      this.configurationRequests.push(p);
      await this.configurationHeld;
      return p.items.map((item) => (item.section === 'lockstep' ? this.settings : null));
    });
    connection.onRequest('client/registerCapability', (p: RegistrationParams) => {
      this.registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
  }

  open(uri: string, text: string, languageId = 'sql'): void {
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends one didChange with the given (incremental or full) changes; returns the new version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  }

  /** Holds every workspace/configuration reply until the returned function is called. */
  holdConfiguration(): () => void {
    let release!: () => void;
    this.configurationHeld = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.configurationHeld = undefined;
      release();
    };
  }

  /** Replaces the settings the editor reports, and tells the server they changed. */
  updateSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { lockstep: settings } });
  }

  /** type: 1 created, 2 changed, 3 deleted (LSP FileChangeType). */
  fileChanged(uri: string, type: 1 | 2 | 3 = 2): void {
    void this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type }] });
  }

  /** The first diagnostics for `uri` published for `version` (or any version when omitted). */
  diagnosticsFor(uri: string, version?: number, timeoutMs = 15_000): Promise<Published> {
    const what = version === undefined ? 'diagnostics' : `diagnostics for version ${version}`;
    return this.diagnostics.next(uri, (p) => version === undefined || p.version === version, what, timeoutMs);
  }

  /** The first diagnostics for `uri` published after this call that satisfy `matches`. */
  nextDiagnostics(uri: string, matches: (p: Published) => boolean, timeoutMs = 15_000): Promise<Published> {
    return this.diagnostics.next(uri, matches, 'matching diagnostics', timeoutMs, this.diagnostics.all(uri).length);
  }

  /** Clean LSP shutdown; resolves with the server's exit code. */
  async shutdown(timeoutMs = 5_000): Promise<number | null> {
    const exited = new Promise<number | null>((resolveExit) => {
      if (this.child.exitCode !== null) resolveExit(this.child.exitCode);
      else this.child.once('exit', (code) => resolveExit(code));
    });
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('server did not exit after shutdown/exit')), timeoutMs).unref(),
    );
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      this.dispose();
    }
  }

  /** Force-stops the server (for afterEach hooks after a failed test). */
  dispose(): void {
    // A server killed in the middle of a message leaves the reader a partial one, and vscode-jsonrpc
    // re-arms its 10 s partial-message timer forever (dispose does not clear it): that timer kept
    // mocha from exiting after every test had passed. 0 stops the re-arming.
    this.reader.partialMessageTimeout = 0;
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The LSP position (UTF-16 line/character) of `offset` in `text`, computed independently of the server. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Diagnostic messages may be plain strings or MarkupContent (LSP 3.18). */
export function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

export function codesOf(published: Published): string[] {
  return published.diagnostics.map((d) => String(d.code));
}

export const FIXTURES = resolve(REPO_ROOT, 'test', 'fixtures', 'lsp');

export function readFixture(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}
