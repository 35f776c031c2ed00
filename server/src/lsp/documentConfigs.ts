/**
 * The effective config of each open document: `lockstep.*` settings pulled from the editor
 * (per document, so multi-root folders can differ), overridden by lockstep.config.json.
 * Cached per URI until settings or config files change.
 */
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
      loading.catch(() => this.cache.get(uri) === loading && this.cache.delete(uri));
      pending = loading;
    }
    return pending;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  settingsChanged(pushed: unknown): void {
    this.pushedSettings = pushed;
    this.settingsProblems.reset();
    this.cache.clear();
  }

  /** A lockstep.config.json was created, changed or deleted. */
  configFileChanged(uri: string): void {
    const path = filePathOf(uri);
    if (path) this.fileProblems.forget(path);
    this.cache.clear();
  }

  private async load(uri: string): Promise<EffectiveConfig> {
    const effective = resolveEffectiveConfig(filePathOf(uri), await this.settingsFor(uri));
    if (effective.file) this.fileProblems.report(effective.file, effective.problems);
    return effective;
  }

  private async settingsFor(uri: string): Promise<LockstepConfig> {
    let raw = sectionOf(this.pushedSettings);
    if (this.canPullSettings) {
      try {
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
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

/** Local path of a `file:` URI; undefined for untitled and other schemes. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Push-model clients send either the whole settings object or just our section. */
function sectionOf(settings: unknown): unknown {
  if (settings && typeof settings === 'object' && SETTINGS_SECTION in settings) {
    return (settings as Record<string, unknown>)[SETTINGS_SECTION];
  }
  return settings;
}
