/**
 * The language server's one database connection: opened when the client asks (it has the
 * password from SecretStorage), reopened once if the server dropped it, closed on disconnect.
 * Every failure becomes a status with one clear message; the server goes on working offline.
 */
import { classifyError, DatabaseError } from '../db/errors';
import { analysisVersion } from '../db/estimate';
import { ReadOnlySession } from '../db/session';
import { describeTarget, resolveTarget, type ConnectionTarget } from '../db/target';
import type { DatabaseConnectParams, DatabaseStatus } from './databaseProtocol';
import { unseal } from './secretChannel';

export class DatabaseLink {
  private session?: ReadOnlySession;
  private target?: ConnectionTarget;
  private current: DatabaseStatus = { state: 'offline' };
  /** Bumped on every connect/disconnect, so cached estimates of an old connection are not reused. */
  generation = 0;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly onChange: (status: DatabaseStatus) => void,
    /** Opens sealed passwords (secretChannel.ts); without it no password is accepted from the client. */
    private readonly secretKey?: string,
  ) {}

  get status(): DatabaseStatus {
    return this.current;
  }

  /** The server's major version while connected (it replaces the configured pgVersion). */
  get pgVersion(): number | undefined {
    return this.current.state === 'connected' ? this.current.pgVersion : undefined;
  }

  async connect(params: DatabaseConnectParams): Promise<DatabaseStatus> {
    const generation = ++this.generation;
    await this.closeSession();
    // The client is trusted but its messages are still input: anything but strings is ignored.
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const input = { settingUrl: text(params?.url), env: this.env, envPasswordForSetting: params?.urlFromUserSettings === true };
    const named = resolveTarget(input);
    // The password is bound to the connection it was sealed for: it only opens for that target.
    const password = named.ok ? unseal(params?.sealedPassword, this.secretKey, describeTarget(named.target)) : undefined;
    const resolved = password === undefined ? named : resolveTarget({ ...input, password });
    if (!resolved.ok) return this.set({ state: 'failed', message: resolved.message, errorKind: 'config' });
    this.target = resolved.target;
    this.set({ state: 'connecting', target: describeTarget(resolved.target) });
    let session: ReadOnlySession;
    try {
      session = await ReadOnlySession.open(resolved.target);
    } catch (error) {
      if (generation !== this.generation) return this.current;
      const e = classifyError(error, resolved.target);
      return this.set({ state: 'failed', target: describeTarget(resolved.target), message: e.message, errorKind: e.kind });
    }
    // A newer connect or a disconnect came in while this one was opening: it wins.
    if (generation !== this.generation) {
      await session.close();
      return this.current;
    }
    this.session = session;
    return this.set(this.connectedStatus(session));
  }

  async disconnect(): Promise<DatabaseStatus> {
    this.generation++;
    await this.closeSession();
    this.target = undefined;
    return this.set({ state: 'offline' });
  }

  /** Runs `work` on the live session, reopening it once if the server closed it meanwhile. */
  async withSession<T>(work: (session: ReadOnlySession) => Promise<T>): Promise<T> {
    if (this.current.state !== 'connected' || !this.target) throw new DatabaseError('refused', 'Not connected to a database: run "Lockstep: Connect to Database".');
    if (!this.session?.isOpen) {
      try {
        this.session = await ReadOnlySession.open(this.target);
      } catch (error) {
        const e = classifyError(error, this.target);
        this.set({ state: 'failed', target: describeTarget(this.target), message: e.message, errorKind: e.kind });
        throw e;
      }
    }
    return work(this.session);
  }

  private connectedStatus(session: ReadOnlySession): DatabaseStatus {
    return {
      state: 'connected',
      target: describeTarget(session.target),
      serverVersion: session.server.version,
      pgVersion: analysisVersion(session.server.major),
    };
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  private set(status: DatabaseStatus): DatabaseStatus {
    this.current = status;
    this.onChange(status);
    return status;
  }
}
