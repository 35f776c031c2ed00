/**
 * Extension points of the language server. A feature (code actions, commands, database
 * estimates, …) lives in its own module under server/src/lsp/ and is listed in FEATURES;
 * server.ts merges its capabilities and calls `register` once the shared pieces exist.
 */
import { traceFeature } from './trace';
import type { CancellationToken, ClientCapabilities, Connection, FileEvent, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { ReferenceLookup } from '../coderefs/index';
import { codeReferencesFeature } from './codeRefs';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintedDocument } from './documentLinter';
import type { LockstepConfig } from '../config/types';
import type { EngineCache } from '../engine';
import { databaseFeature } from './estimate';
import { codeActionsFeature } from './codeActions';
import { scaffoldFeature } from './scaffold';

export interface FeatureContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The current lint of an open SQL document (linting it now if its last lint is stale). */
  linted(uri: string): Promise<LintedDocument | undefined>;
  /**
   * Wraps a handler so an exception is logged and `fallback` returned instead of crashing, and a
   * request the client cancelled is answered with RequestCancelled (before or after the work).
   */
  guard<P, R>(name: string, fallback: R, handler: (params: P, token?: CancellationToken) => R | Promise<R>): (params: P, token?: CancellationToken) => Promise<R>;
  log(message: string): void;
  /** Re-lint every open document (e.g. after `adjustConfig` would answer differently). */
  relintAll(): void;
  /** The document's warm parse cache (fix verification re-lints only what a fix changed). */
  cacheFor(uri: string): EngineCache;
  /** Absolute folders of the workspace (from initialize: workspaceFolders, else rootUri). */
  workspaceRoots(): string[];
  /**
   * Lint with these application-code references from now on (still-referenced), and re-lint every
   * open document unless `relint` is false (the caller knows no finding can change).
   */
  setCodeReferences(code: ReferenceLookup | undefined, relint?: boolean): void;
  /** The application-code references lint uses now (undefined until the index is built). */
  codeReferences(): ReferenceLookup | undefined;
  /** What the client said it supports in `initialize` (empty before it). */
  clientCapabilities(): ClientCapabilities;
}

export interface ServerFeature {
  /** Merged into the server's InitializeResult capabilities. */
  capabilities?: ServerCapabilities;
  register(context: FeatureContext): void;
  /** Adjusts a document's effective config before each lint (e.g. the connected server's version). */
  adjustConfig?(config: LockstepConfig, uri: string): LockstepConfig;
  /** Markdown appended to the lock hover at `offset` (UTF-16) of a linted document. */
  hover?(uri: string, offset: number, linted: LintedDocument): Promise<string | undefined>;
  /** After the client's `initialized`. */
  initialized?(): void;
  /** Files changed on disk (workspace/didChangeWatchedFiles), besides the config files server.ts handles. */
  watchedFilesChanged?(changes: FileEvent[]): void;
  /** On shutdown: stop workers. */
  dispose?(): void;
}

/** Add a feature: import it here and append it to this list. */
export const FEATURES: ServerFeature[] = [databaseFeature(), codeActionsFeature, traceFeature, scaffoldFeature, codeReferencesFeature()];
