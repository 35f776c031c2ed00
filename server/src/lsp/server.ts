/**
 * The Lockstep language server: diagnostics, hovers and document info for SQL migrations.
 * Every handler is guarded so one bad document or engine bug never takes the server down.
 */
import { isHostPath } from '../frameworks/registry';
import { isHostResult } from '../frameworks/lint';
import {
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type ClientCapabilities,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { initEngine } from '../engine';
import { Debouncer } from './debouncer';
import { DiagnosticReuse } from './diagnostics';
import { DocumentConfigs, filePathOf } from './documentConfigs';
import { DocumentLinter, describeError, type LintedDocument } from './documentLinter';
import { FEATURES, type FeatureContext } from './features';
import { lockHover } from './hover';
import { LastLintLookup, type FromLastLint } from './lastLint';
import { quickHover } from './quickHover';
import { DeferredWarmUp } from './warmUp';
import { PIECE_DOCUMENTS } from './pieceDocument';
import { DEFAULT_MAX_DOCUMENT_MB, largeDocumentDiagnostic } from './largeDocument';
import { CONFIG_FILE_NAME, DOCUMENT_INFO_METHOD, SETTINGS_SECTION, type DocumentInfo, type LockstepInitOptions } from './protocol';

const DEFAULT_DEBOUNCE_MS = 150;
/** A document whose last lint took longer than this waits that long again before the next one… */
const SLOW_LINT_MS = 500;
/** …up to this much, so typing in a huge file does not keep the server busy re-linting. */
const MAX_ADAPTIVE_DEBOUNCE_MS = 5_000;
/**
 * A hover on a statement edited since the last lint waits for the new lint of a document shorter than
 * this (a few ms of work) and is answered from the statement alone in a longer one (quickHover.ts).
 */
export const WAIT_FOR_LINT_BELOW_STATEMENTS = 300;
/** Editors choke on tens of thousands of markers (think binary junk); the first ones suffice. */
export const MAX_DIAGNOSTICS_PER_DOCUMENT = 1_000;

/**
 * How long an edit waits before its relint: the typing pause, or as long as the last relint took
 * when that was slow. The document's first lint (nothing cached, seconds for a long file) does not
 * count: an edit's relint reuses its work, and waiting as long again delayed the first edit by the
 * whole open.
 */
export function relintDelay(last: Pick<LintedDocument, 'durationMs' | 'cold'> | undefined, debounceMs: number): number {
  const lintMs = last && !last.cold ? last.durationMs : 0;
  return lintMs > SLOW_LINT_MS ? Math.max(debounceMs, Math.min(lintMs, MAX_ADAPTIVE_DEBOUNCE_MS)) : debounceMs;
}

export function startServer(connection: Connection): void {
  // The text in pieces: an edit builds no whole-text string (pieceDocument.ts).
  const documents = new TextDocuments(PIECE_DOCUMENTS);
  const log = connection.console;
  const linter = new DocumentLinter((message) => log.error(message));
  const configs = new DocumentConfigs(connection);
  const debouncer = new Debouncer();
  /** Open documents that have had their first lint. */
  const seen = new Set<string>();
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  let maxDocumentMb = DEFAULT_MAX_DOCUMENT_MB;
  let canRegisterConfigChange = false;
  let clientCapabilities: ClientCapabilities = {};
  let engineReady: Promise<boolean> = Promise.resolve(false);
  let hostEngineReady: Promise<boolean> | undefined;
  /** The engine a document needs: a host file (Python, Ruby, Elixir…) waits for the grammars too. */
  function engineFor(uri: string): Promise<boolean> {
    if (!isHostPath(filePathOf(uri) ?? '')) return engineReady;
    hostEngineReady ??= engineReady.then((ok) => ok && initEngine().then(() => true));
    return hostEngineReady;
  }
  let workspaceRoots: string[] = [];

  function guard<P, R>(name: string, fallback: R, handler: (params: P, token?: CancellationToken) => R | Promise<R>) {
    const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, `${name} was cancelled`) as unknown as R;
    return async (params: P, token?: CancellationToken): Promise<R> => {
      // A request cancelled while it queued is not started at all, and a result computed for
      // a cancelled request is not sent: the client no longer wants it.
      if (token?.isCancellationRequested) return cancelled();
      try {
        const result = await handler(params, token);
        return token?.isCancellationRequested ? cancelled() : result;
      } catch (error) {
        log.error(`${name} failed: ${describeError(error)}`);
        return fallback;
      }
    };
  }

  /** Set once the engine has loaded; runs the warm-up after the first publish. */
  let warming: DeferredWarmUp | undefined;
  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    clientCapabilities = params.capabilities ?? {};
    configs.canPullSettings = params.capabilities.workspace?.configuration === true;
    canRegisterConfigChange = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    const options = (params.initializationOptions ?? {}) as LockstepInitOptions;
    workspaceRoots = rootsOf(params, options);
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0 && options.debounceMs <= 10_000) {
      debounceMs = options.debounceMs;
    }
    if (typeof options.maxFileSizeMB === 'number' && options.maxFileSizeMB >= 0.01 && options.maxFileSizeMB <= 100) {
      maxDocumentMb = options.maxFileSizeMB;
    }
    // The SQL parser only: the tree-sitter grammars (host files) load with the first host file.
    engineReady = initEngine({ hostGrammars: false }).then(
      () => true,
      (error) => {
        log.error(`Lockstep engine failed to load; no diagnostics will be produced: ${describeError(error)}`);
        return false;
      },
    );
    // Answer once the engine is loaded; the warm-up waits for the first publish (warmUp.ts).
    if (await engineReady) warming = new DeferredWarmUp(log, describeError);
    const capabilities: ServerCapabilities = { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true };
    for (const feature of FEATURES) Object.assign(capabilities, feature.capabilities);
    return { capabilities, serverInfo: { name: 'lockstep' } };
  });

  connection.onInitialized(
    guard('initialized', undefined, async () => {
      // Without this registration VS Code never tells a pull-model server that settings changed.
      if (canRegisterConfigChange) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
      }
      for (const feature of FEATURES) feature.initialized?.();
      warming?.afterInitialized(() => running.size > 0);
    }),
  );

  /**
   * The lint running for each document. A lint runs in slices (lintSliced), so requests are answered
   * meanwhile; it is superseded, and stops without publishing, when the text changes or a newer lint
   * of the document starts (settings changed).
   */
  const running = new Map<string, { version: number; settings: number; ticket: number; result: Promise<LintedDocument | undefined> }>();
  let tickets = 0;
  /** Bumped when settings change: a lint started before is superseded even for the same text. */
  let settingsEpoch = 0;

  /** Lint the document's current text (if it is still open and is SQL); undefined when skipped or superseded. */
  async function lintNow(uri: string): Promise<LintedDocument | undefined> {
    if (!isSqlDocument(documents.get(uri))) return undefined;
    const engineOk = await engineFor(uri);
    const effective = await configs.get(uri);
    const doc = documents.get(uri); // re-read: it may have changed or closed while we awaited
    if (!doc) return undefined;
    if (effective.excluded || !engineOk) {
      linter.forget(uri);
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
      return undefined;
    }
    // The same text under the same settings: wait for the lint already running rather than start another.
    const inFlight = running.get(uri);
    if (inFlight?.version === doc.version && inFlight.settings === settingsEpoch) return inFlight.result;
    const ticket = ++tickets;
    const wanted = () => running.get(uri)?.ticket === ticket && documents.get(uri)?.version === doc.version;
    const config = FEATURES.reduce((c, feature) => feature.adjustConfig?.(c, uri) ?? c, effective.config);
    const result = linter.lintSliced(doc, filePathOf(uri), config, Math.floor(maxDocumentMb * 1048576), wanted).then((linted) => {
      if (!linted || !wanted()) return undefined;
      running.delete(uri);
      publish(doc, linted);
      return linted;
    });
    running.set(uri, { version: doc.version, settings: settingsEpoch, ticket, result });
    try {
      return await result;
    } finally {
      if (running.get(uri)?.ticket === ticket) running.delete(uri);
    }
  }

  /** The documentInfo last sent for each open document. */
  const sentInfo = new Map<string, string>();
  /** Each open document's last published diagnostics, handed out again for the findings an edit left as they were. */
  const published = new Map<string, DiagnosticReuse>();
  function publish(doc: TextDocument, linted: LintedDocument): void {
    const uri = doc.uri;
    const shown = linted.findings.slice(0, MAX_DIAGNOSTICS_PER_DOCUMENT);
    if (shown.length < linted.findings.length) {
      log.warn(`${uri}: showing the first ${shown.length} of ${linted.findings.length} findings`);
    }
    let reuse = published.get(uri);
    if (!reuse) published.set(uri, (reuse = new DiagnosticReuse()));
    const diagnostics = reuse.convert(shown, doc);
    if (linted.large) diagnostics.unshift(largeDocumentDiagnostic(doc, linted.large, maxDocumentMb, linted.result?.document.statements.length ?? 0));
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    warming?.afterPublish();
    // The status bar keeps the last info per document: an edit that leaves it as it was sends nothing.
    const info = documentInfo(uri, linted);
    const key = JSON.stringify(info);
    if (sentInfo.get(uri) === key) return;
    sentInfo.set(uri, key);
    void connection.sendNotification(DOCUMENT_INFO_METHOD, info);
  }

  const lintGuarded = guard('lint', undefined, (uri: string) => lintNow(uri));
  const lastLint = new LastLintLookup();
  /** The current version's lint (waiting for it), as a hover lookup. */
  async function lintedNowAt(uri: string, offset: number): Promise<FromLastLint | undefined> {
    const linted = await lintNow(uri);
    return linted && { linted, offset, delta: 0 };
  }
  /** The lint of the document's current version: the last one if current, else the running one, else a new one. */
  const currentLint = (uri: string, version: number) => linter.current(uri, version) ?? lintNow(uri);

  function relintAll(): void {
    settingsEpoch++;
    linter.invalidateResults();
    for (const doc of documents.all()) void lintGuarded(doc.uri);
  }

  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    // The first sight of a document (didOpen) lints at once; edits wait for typing to pause,
    // and documents that are slow to lint wait longer so the server stays responsive.
    if (!seen.has(uri)) {
      seen.add(uri);
      void lintGuarded(uri);
      return;
    }
    debouncer.schedule(uri, relintDelay(linter.last(uri), debounceMs), () => void lintGuarded(uri));
  });

  documents.onDidClose((event) => {
    const uri = event.document.uri;
    debouncer.cancel(uri);
    running.delete(uri); // a lint in progress stops at its next pause
    lastLint.forget(uri);
    sentInfo.delete(uri);
    published.delete(uri);
    seen.delete(uri);
    linter.forget(uri, filePathOf(uri));
    configs.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, (params) => {
      configs.settingsChanged(params.settings);
      relintAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', undefined, (params) => {
      const configChanges = params.changes.filter((change) => change.uri.endsWith(`/${CONFIG_FILE_NAME}`));
      const others = params.changes.filter((change) => !change.uri.endsWith(`/${CONFIG_FILE_NAME}`));
      if (others.length) for (const feature of FEATURES) feature.watchedFilesChanged?.(others);
      if (configChanges.length === 0) return;
      for (const change of configChanges) configs.configFileChanged(change.uri);
      relintAll();
    }),
  );

  connection.onHover(
    guard('hover', null, async (params) => {
      const doc = documents.get(params.textDocument?.uri);
      if (!doc || !isSqlDocument(doc) || !isPosition(params.position)) return null;
      // While a newer lint runs or waits for its debounce, answer from the last completed one when the
      // statement under the cursor is untouched since (lastLint.ts), rather than wait for the lint.
      const offset = doc.offsetAt(params.position);
      const exact = linter.current(doc.uri, doc.version);
      // Never linted yet (its first lint is running, or waits for the engine): answer from the statement alone.
      if (!exact && !linter.last(doc.uri) && !isHostPath(filePathOf(doc.uri) ?? '')) return statementHover(doc.uri, params.position);
      const last = linter.last(doc.uri);
      const found = exact ? { linted: exact, offset, delta: 0 } : lastLint.find(doc, offset, last);
      if (found) return hoverFrom(doc, found, params.position);
      // The statement changed since the last lint. A short document is linted now (fast) and answered
      // in full; a long one from the statement alone rather than wait for its lint (seconds). A host
      // file's SQL needs its framework: it waits.
      const short = (last?.result?.document.statements.length ?? 0) < WAIT_FOR_LINT_BELOW_STATEMENTS;
      if (!short && !isHostPath(filePathOf(doc.uri) ?? '')) return statementHover(doc.uri, params.position);
      const now = await lintedNowAt(doc.uri, offset);
      return now ? hoverFrom(doc, now, params.position) : null;
    }),
  );

  /** The lock hover from a lint of this text or an earlier one (`found`), with the features' additions. */
  async function hoverFrom(doc: TextDocument, found: FromLastLint, position: { line: number; character: number }) {
    const fresh = documents.get(doc.uri);
    if (!found.linted.result || !fresh) return null;
    // The text moved on while we waited: answer only if the statement is still the same.
    const still =
      fresh.version === doc.version
        ? found
        : fresh.version === found.linted.version
          ? { linted: found.linted, offset: fresh.offsetAt(position), delta: 0 }
          : lastLint.find(fresh, fresh.offsetAt(position), found.linted);
    if (!still) return null;
    const { linted } = still;
    const hover = lockHover(fresh, linted.result!, still.offset, linted.config, still.delta);
    if (!hover) return null;
    // Feature hovers read SQL offsets; a host file's offsets are the host's.
    if (isHostResult(linted.result!)) return hover;
    // Features add to the lock table (e.g. live database figures); a failing one adds nothing.
    for (const feature of FEATURES) {
      const extra = await feature.hover?.(fresh.uri, still.offset, linted).catch((error) => log.error(`hover feature failed: ${describeError(error)}`));
      if (extra) (hover.contents as { value: string }).value += `\n\n${extra}`;
    }
    return hover;
  }

  /** quickHover.ts (the statement alone), with the document's settings; null for an excluded document or without the engine. */
  async function statementHover(uri: string, position: { line: number; character: number }) {
    const engineOk = await engineReady;
    // Not the document's own settings yet? Those of its folder: the client may answer late.
    const effective = configs.peek(uri) ?? (await configs.get(uri));
    const doc = documents.get(uri); // re-read: it may have changed or closed while we awaited
    if (!engineOk || effective.excluded || !doc) return null;
    const config = FEATURES.reduce((c, feature) => feature.adjustConfig?.(c, uri) ?? c, effective.config);
    return quickHover(doc, doc.offsetAt(position), config, filePathOf(uri));
  }

  const featureContext: FeatureContext = {
    connection,
    documents,
    guard,
    log: (message) => log.info(message),
    relintAll,
    cacheFor: (uri) => linter.cacheFor(uri),
    workspaceRoots: () => workspaceRoots,
    setCodeReferences: (code, relint = true) => {
      linter.code = code;
      if (relint) relintAll();
    },
    codeReferences: () => linter.code,
    clientCapabilities: () => clientCapabilities,
    linted: async (uri) => {
      const doc = documents.get(uri);
      if (!doc || !isSqlDocument(doc)) return undefined;
      return currentLint(uri, doc.version);
    },
  };
  for (const feature of FEATURES) feature.register(featureContext);

  connection.onShutdown(() => {
    debouncer.dispose();
    for (const feature of FEATURES) feature.dispose?.();
  });

  documents.listen(connection);
  connection.listen();
}

function documentInfo(uri: string, linted: LintedDocument): DocumentInfo {
  const detected = linted.result && isHostResult(linted.result) ? linted.result.host.framework.id : linted.result?.document?.runner;
  return {
    uri,
    runner: typeof detected === 'string' ? detected : linted.config.runner,
    pgVersion: linted.config.pgVersion,
    transaction: linted.config.transaction,
  };
}

/** Junk params must not reach offsetAt (it would throw on a non-number). */
function isPosition(value: unknown): value is { line: number; character: number } {
  const p = value as { line?: unknown; character?: unknown } | undefined;
  return typeof p?.line === 'number' && typeof p.character === 'number' && Number.isFinite(p.line) && Number.isFinite(p.character);
}

/** SQL documents, and host files (.ts/.js…) that may be framework migrations (the linter checks which are). */
function isSqlDocument(doc: TextDocument | undefined): doc is TextDocument {
  if (!doc) return false;
  const path = doc.uri.split(/[?#]/)[0];
  return doc.languageId === 'sql' || /\.sql$/i.test(path) || (doc.uri.startsWith('file:') && isHostPath(decodeURIComponent(path)));
}

/** The workspace folders to index for code references (none when the client opts out). */
function rootsOf(params: InitializeParams, options: LockstepInitOptions): string[] {
  if (options.codeReferences === false) return [];
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
}
