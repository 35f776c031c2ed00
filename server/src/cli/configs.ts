/**
 * Which configuration applies to each linted file, read once per config file:
 * either the one `--config` names, or the nearest `lockstep.config.json` above the file.
 */
import { dirname, resolve } from 'node:path';
import { findConfigFile, isExcluded, loadConfigFile, type ConfigLoadResult } from '../config/load';
import { RULE_IDS } from '../rules';
import { NOT_ANALYSED } from '../frameworks/types';
import { DEFAULT_CONFIG } from '../config/types';

export class ConfigResolver {
  private readonly fileForDir = new Map<string, string | undefined>();
  private readonly loaded = new Map<string, ConfigLoadResult>();
  private readonly defaults: ConfigLoadResult = { config: DEFAULT_CONFIG, problems: [] };
  private readonly explicit?: ConfigLoadResult;

  constructor(
    private readonly cwd: string,
    explicitFile?: string,
  ) {
    if (explicitFile) this.explicit = this.load(resolve(cwd, explicitFile));
  }

  private load(file: string): ConfigLoadResult {
    let result = this.loaded.get(file);
    if (!result) {
      result = loadConfigFile(file, undefined, { knownRuleIds: [...RULE_IDS, NOT_ANALYSED] });
      this.loaded.set(file, result);
    }
    return result;
  }

  /** The nearest config file at or above `dir`; each folder is looked at once per run. */
  private configFileFor(dir: string): string | undefined {
    if (this.fileForDir.has(dir)) return this.fileForDir.get(dir);
    const parent = dirname(dir);
    const file = findConfigFile(dir, dir) ?? (parent === dir ? undefined : this.configFileFor(parent));
    this.fileForDir.set(dir, file);
    return file;
  }

  /** The config for a file (or for standard input when `path` is undefined: searched from the working folder). */
  configFor(path: string | undefined): ConfigLoadResult {
    if (this.explicit) return this.explicit;
    const file = this.configFileFor(path ? dirname(path) : this.cwd);
    return file ? this.load(file) : this.defaults;
  }

  isExcluded(path: string): boolean {
    const result = this.configFor(path);
    return isExcluded(result, path, this.cwd);
  }

  /** Every config file read so far, for reporting their problems once each. */
  loadedConfigs(): ConfigLoadResult[] {
    return [...this.loaded.values()];
  }
}
