/**
 * Extension points of the VS Code client. A feature (commands, webviews, pickers) lives in its
 * own module under client/src/ and is listed in CLIENT_FEATURES; activate() calls each once.
 */
import { traceClientFeature } from './trace/feature';
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { databaseClientFeature } from './database/feature';
import { scaffoldClientFeature } from './scaffold/command';
import { createConfigClientFeature } from './init/command';
import { walkthroughClientFeature } from './walkthrough';
import { ruleDocsClientFeature } from './ruleDocs';
import { runClientFeature } from './run/feature';

export interface ClientContext {
  extension: vscode.ExtensionContext;
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  /** Seals secrets sent to the server (server/src/lsp/secretChannel.ts); the server process got it in its environment. */
  secretKey: string;
}

export type ClientFeature = (context: ClientContext) => vscode.Disposable[];

/** Add a feature: import it here and append it to this list. */
export const CLIENT_FEATURES: ClientFeature[] = [databaseClientFeature, traceClientFeature, scaffoldClientFeature, createConfigClientFeature, walkthroughClientFeature, ruleDocsClientFeature, runClientFeature];
