/**
 * Database messages between the VS Code client and the language server. Dependency-free (types
 * only), so the client bundle can import it without the engine or `pg`.
 */
import type { EstimateReport } from '../db/report';

/** Client → server request: connect with the editor's `lockstep.database.url` (or the environment). */
export const DATABASE_CONNECT_METHOD = 'lockstep/database/connect';
export interface DatabaseConnectParams {
  /** `lockstep.database.url`; empty means the PG* variables, then DATABASE_URL. Never holds a password. */
  url?: string;
  /**
   * The password from VS Code SecretStorage, sealed with the key the client gave the server process
   * at start (secretChannel.ts): LSP messages are traced to log files, so no message carries it readably.
   */
  sealedPassword?: string;
  /**
   * The URL comes from the user's own (global) settings, not from a workspace's (which may be
   * committed by anyone). Only then may PGPASSWORD from the environment be sent to its host.
   */
  urlFromUserSettings?: boolean;
}

/** Client → server request: close the session and forget the password. Returns the new status. */
export const DATABASE_DISCONNECT_METHOD = 'lockstep/database/disconnect';

/** Server → client notification whenever the connection state changes (drives the status bar). */
export const DATABASE_STATUS_METHOD = 'lockstep/database/status';

export type DatabaseState = 'offline' | 'connecting' | 'connected' | 'failed';

export interface DatabaseStatus {
  state: DatabaseState;
  /** `user@host:port/db`, once known. */
  target?: string;
  /** e.g. `18.4`. */
  serverVersion?: string;
  /** The version rules and the lock model now use. */
  pgVersion?: number;
  /** Why it failed, in one sentence. */
  message?: string;
  /** `auth`, `password-needed`, `refused`, `timeout`, … (DatabaseErrorKind). */
  errorKind?: string;
}

/** Client → server request: the estimate of one open document. Cancellable. */
export const ESTIMATE_METHOD = 'lockstep/estimate';
export interface EstimateParams {
  uri: string;
  /** What the report calls the file (e.g. workspace-relative); the path or URI otherwise. */
  displayPath?: string;
}
export type EstimateResult = { ok: true; report: EstimateReport } | { ok: false; message: string; errorKind?: string };
