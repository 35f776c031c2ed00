/**
 * Messages shared by the language server and the VS Code client.
 * Kept dependency-free so the client bundle can import it without pulling in the engine.
 */

/** Server → client notification sent after every lint, drives the status bar. */
export const DOCUMENT_INFO_METHOD = 'lockstep/documentInfo';

export interface DocumentInfo {
  uri: string;
  /** Detected (or configured) migration runner id, e.g. `goose`. */
  runner: string;
  /** Target PostgreSQL major version from the effective config. */
  pgVersion: number;
  /** Effective transaction mode: `auto`, `always` or `never`. */
  transaction: string;
}

/** `initializationOptions` the server understands; all optional. */
export interface LockstepInitOptions {
  /** Delay between the last edit and the re-lint, in milliseconds (default 150). */
  debounceMs?: number;
  /** Documents larger than this (MB) get only a prefix linted (default 5; `lockstep.maxFileSizeMB`). */
  maxFileSizeMB?: number;
  /** Index the workspace's application code for still-referenced (default true; false turns it off). */
  codeReferences?: boolean;
}

/** The settings section the server pulls through `workspace/configuration`. */
export const SETTINGS_SECTION = 'lockstep';

/** Project config file name; its changes re-lint every open document. */
export const CONFIG_FILE_NAME = 'lockstep.config.json';
