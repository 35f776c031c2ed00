/**
 * The effective config of each open document: `lockstep.*` settings pulled from the editor
 * (per document, so multi-root folders can differ), overridden by lockstep.config.json.
 * Cached per URI until settings or config files change.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import type { LockstepConfig } from '../config/types';
import { RULE_IDS } from '../rules';
import { NOT_ANALYSED } from '../frameworks/types';
import { ConfigProblemReporter, OnceLogger } from './configProblems';
import { describeError } from './documentLinter';
import { resolveEffectiveConfig, type EffectiveConfig } from './projectConfig';
import { SETTINGS_SECTION } from './protocol';
import { settingsToConfig } from './settings';

export class DocumentConfigs {
  /** Set from the client's capabilities: can we ask it with workspace/configuration? */
  canPullSettings = false;
  private readonly cache = new Map<string, Promise<EffectiveConfig>>();
  /** The loaded config of each URI whose load has finished. */
  private readonly settled = new Map<string, EffectiveConfig>();
  /**
   * The settings last pulled for a document of each folder (see neighbourKey), and the generation
   * they were asked in. Kept across a settings change: until new ones arrive, a hover may use them.
   */
  private readonly neighbourSettings = new Map<string, { settings: LockstepConfig; generation: number }>();
  /** Settings asked for in this turn, sent as one request (pull). */
  private batch: PendingPull[] | undefined;
  /** Bumped whenever settings or config files change. */
  private generation = 0;
  private readonly fileProblems: ConfigProblemReporter;
  private readonly settingsProblems: OnceLogger;
  /** Settings pushed with didChangeConfiguration, used when the client cannot be asked. */
  private pushedSettings: unknown;

  constructor(private readonly connection: Connection) {
    this.fileProblems = new ConfigProblemReporter(connection);
    this.settingsProblems = new OnceLogger((message) => connection.console.warn(message));
  }

  get(uri: string): Promise<EffectiveConfig> {
    let pending = this.cache.get(uri);
    if (!pending) {
      const loading = this.load(uri);
      this.cache.set(uri, loading);
      // A failed load must not stick: the next lint retries.
      loading.then(
        (effective) => this.cache.get(uri) === loading && this.settled.set(uri, effective),
        () => this.cache.get(uri) === loading && this.cache.delete(uri),
      );
      pending = loading;
    }
    return pending;
  }

  /**
   * The config now, without waiting for the client: the document's own once loaded, else one built
   * from the settings a document of the same folder got last, even before a settings change. Hovers
   * use it: a client busy with other work may answer workspace/configuration late, and a hover must
   * not wait for that (the lint waits, and publishes with the document's own). Undefined when no
   * such settings are known yet.
   */
  peek(uri: string): EffectiveConfig | undefined {
    const own = this.settled.get(uri);
    if (own) return own;
    const neighbour = this.neighbourSettings.get(neighbourKey(uri));
    return neighbour ? resolveEffectiveConfig(filePathOf(uri), neighbour.settings) : undefined;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.settled.delete(uri);
  }

  settingsChanged(pushed: unknown): void {
    this.pushedSettings = pushed;
    this.settingsProblems.reset();
    this.clear();
  }

  /** A lockstep.config.json was created, changed or deleted. */
  configFileChanged(uri: string): void {
    const path = filePathOf(uri);
    if (path) this.fileProblems.forget(path);
    this.clear();
  }

  private clear(): void {
    this.generation++;
    this.cache.clear();
    this.settled.clear();
  }

  private async load(uri: string): Promise<EffectiveConfig> {
    const generation = this.generation;
    const settings = await this.settingsFor(uri);
    // A reply to a question asked before a settings change must not replace one asked after it.
    const key = neighbourKey(uri);
    if (generation >= (this.neighbourSettings.get(key)?.generation ?? -1)) this.neighbourSettings.set(key, { settings, generation });
    const effective = resolveEffectiveConfig(filePathOf(uri), settings);
    if (effective.file) this.fileProblems.report(effective.file, effective.problems);
    return effective;
  }

  /**
   * The editor's settings for `uri`, asked together with every other document's asked in the same
   * turn: one workspace/configuration request with an item each. A settings change re-lints every
   * open document; a request each queued a reply each ahead of the user's next hover.
   */
  private pull(uri: string): Promise<unknown> {
    if (!this.batch) {
      const batch: PendingPull[] = [];
      this.batch = batch;
      setImmediate(() => {
        this.batch = undefined;
        // Through a promise, so a request that throws at once (a closed connection) rejects them all too.
        Promise.resolve()
          .then(() => this.connection.workspace.getConfiguration(batch.map((p) => ({ scopeUri: p.uri, section: SETTINGS_SECTION }))))
          .then(
            (values: unknown[]) => batch.forEach((p, i) => p.resolve(Array.isArray(values) ? values[i] : undefined)),
            (error: unknown) => batch.forEach((p) => p.reject(error)),
          );
      });
    }
    const batch = this.batch;
    return new Promise((resolve, reject) => batch.push({ uri, resolve, reject }));
  }

  private async settingsFor(uri: string): Promise<LockstepConfig> {
    let raw = sectionOf(this.pushedSettings);
    if (this.canPullSettings) {
      try {
        raw = await this.pull(uri);
      } catch (error) {
        this.connection.console.warn(`Could not read lockstep settings: ${describeError(error)}`);
        raw = undefined;
      }
    }
    const settings = settingsToConfig(raw, [...RULE_IDS, NOT_ANALYSED]);
    for (const problem of settings.problems) this.settingsProblems.report(problem);
    return settings.config;
  }
}

interface PendingPull {
  uri: string;
  resolve: (settings: unknown) => void;
  reject: (error: unknown) => void;
}

/** Local path of a `file:` URI; undefined for untitled and other schemes. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Documents that share this key get the same settings from the editor: one folder (so one
 * workspace root) and one file extension (so one language's overrides).
 */
function neighbourKey(uri: string): string {
  const path = filePathOf(uri) ?? uri;
  const dot = path.lastIndexOf('.');
  return `${dirname(path)}\0${dot > path.lastIndexOf('/') ? path.slice(dot) : ''}`;
}

/** Push-model clients send either the whole settings object or just our section. */
function sectionOf(settings: unknown): unknown {
  if (settings && typeof settings === 'object' && SETTINGS_SECTION in settings) {
    return (settings as Record<string, unknown>)[SETTINGS_SECTION];
  }
  return settings;
}
