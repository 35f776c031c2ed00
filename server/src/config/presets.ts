/**
 * What `"extends"` can name. `lockstep:recommended` is the default set, `lockstep:strict` also turns
 * on the rules that are off by default, and `lockstep:<runner>` pins the runner (so a file whose name
 * or markers do not give its runner away is still judged by its runner's transaction rules) plus the
 * few settings that runner needs. Each setting says why; docs/presets.md is the user-facing table.
 * A preset sits under the file's own settings: anything the file sets wins.
 */
import type { LockstepConfig, RunnerId } from './types';

type PresetRunner = Exclude<RunnerId, 'plain'>;

export interface RunnerPreset {
  /** Settings layered under the config file's own (runner is always set). */
  settings: Omit<Partial<LockstepConfig>, 'runner'> & { runner: PresetRunner };
  /** One line per setting beyond `runner`, for the docs. */
  why: string[];
}

const pin = (runner: PresetRunner, extra: Omit<Partial<LockstepConfig>, 'runner'> = {}, why: string[] = []): RunnerPreset => ({
  settings: { ...extra, runner },
  why,
});

export const RUNNER_PRESETS = {
  'lockstep:flyway': pin('flyway'),
  'lockstep:golang-migrate': pin('golang-migrate'),
  'lockstep:goose': pin('goose'),
  'lockstep:dbmate': pin('dbmate'),
  'lockstep:sqitch': pin('sqitch', { exclude: ['verify'] }, [
    '`exclude: ["verify"]`: Sqitch runs verify scripts in a transaction it rolls back, to check a deploy; they change nothing and take no lasting lock.',
  ]),
  'lockstep:diesel': pin('diesel'),
  'lockstep:prisma': pin('prisma', { rules: { 'prefer-identity': 'off' } }, [
    '`prefer-identity: off`: Prisma Migrate writes `@default(autoincrement())` as `SERIAL` and has no attribute for an identity column, so the finding cannot be acted on in schema.prisma.',
  ]),
  'lockstep:drizzle': pin('drizzle'),
  'lockstep:supabase': pin('supabase', { exclude: ['seed.sql'] }, [
    '`exclude: ["seed.sql"]`: `supabase/seed.sql` loads data into a fresh local database after the migrations; it never runs against production.',
  ]),
  'lockstep:postgres-migrations': pin('postgres-migrations'),
  'lockstep:graphile-migrate': pin('graphile-migrate'),
  'lockstep:atlas': pin('atlas'),
  'lockstep:liquibase': pin('liquibase'),
  'lockstep:sqlx': pin('sqlx'),
} as const satisfies Record<`lockstep:${PresetRunner}`, RunnerPreset>;

export const CONFIG_PRESETS = ['lockstep:recommended', 'lockstep:strict', ...(Object.keys(RUNNER_PRESETS) as (keyof typeof RUNNER_PRESETS)[])] as const;
export type ConfigPreset = (typeof CONFIG_PRESETS)[number];

/** The presets a config extends, as a list (`"extends"` takes one name or an array). */
export function presetsOf(config: Pick<LockstepConfig, 'extends'>): readonly ConfigPreset[] {
  const value = config.extends;
  return value === undefined ? [] : Array.isArray(value) ? value : [value as ConfigPreset];
}

/** The settings of the runner presets a config extends, later ones winning (rules merge per id). */
export function presetLayer(config: Pick<LockstepConfig, 'extends'>): Partial<LockstepConfig> {
  let layer: Partial<LockstepConfig> = {};
  for (const name of presetsOf(config)) {
    const preset = (RUNNER_PRESETS as Record<string, RunnerPreset>)[name];
    if (!preset) continue;
    const { rules, exclude, ...rest } = preset.settings;
    layer = {
      ...layer,
      ...rest,
      ...(rules ? { rules: { ...layer.rules, ...rules } } : {}),
      ...(exclude ? { exclude: [...(layer.exclude ?? []), ...exclude] } : {}),
    };
  }
  return layer;
}
