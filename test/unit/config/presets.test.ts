/** `"extends": "lockstep:<runner>"` (issue 15, part 10): what each runner preset sets, under the file's own settings. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCli } from '../../../server/src/cli/run';
import { loadConfigFile } from '../../../server/src/config/load';
import { CONFIG_PRESETS, RUNNER_PRESETS } from '../../../server/src/config/presets';
import { resolveEffectiveConfig } from '../../../server/src/lsp/projectConfig';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { RULES, ruleSetting } from '../../../server/src/rules';

const DOC = readFileSync(resolve(__dirname, '..', '..', '..', 'docs', 'presets.md'), 'utf8');

describe('runner presets', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-presets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const config = (settings: object) => write('lockstep.config.json', JSON.stringify(settings));
  /** Rule ids found per file by the CLI, in process. */
  const lint = async (...operands: string[]) => {
    let out = '';
    let err = '';
    const io = { cwd: dir, env: {}, stdoutIsTTY: false, writeOut: (t: string) => void (out += t), writeErr: (t: string) => void (err += t), readStdin: async () => Buffer.alloc(0) };
    const status = await runCli(['lint', '--format', 'json', ...operands], io);
    assert.ok(status === 0 || status === 1, err);
    const files = JSON.parse(out).files as { path: string; findings: { ruleId: string }[] }[];
    return Object.fromEntries(files.map((f) => [f.path, f.findings.map((x) => x.ruleId)]));
  };

  // Plain psql runs this file statement by statement; goose runs it in one transaction, where CONCURRENTLY fails.
  const INDEX = 'SET lock_timeout = \'2s\';\nDROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n';

  it('pins the runner: a migration whose name and markers do not give goose away is judged by goose\'s transaction', async () => {
    write('db/20240101_add_index.sql', INDEX);
    config({});
    assert.deepEqual((await lint('db'))[join('db', '20240101_add_index.sql')], [], 'auto-detected as plain SQL: nothing to report');
    config({ extends: 'lockstep:goose' });
    assert.ok((await lint('db'))[join('db', '20240101_add_index.sql')].includes('concurrent-in-transaction'));
  });

  it('the file\'s own settings win over the preset, rule by rule', () => {
    config({ extends: 'lockstep:prisma', runner: 'plain', rules: { 'prefer-text': 'off' } });
    const { config: loaded, problems } = loadConfigFile(join(dir, 'lockstep.config.json'));
    assert.deepEqual(problems, []);
    assert.equal(loaded.runner, 'plain');
    assert.deepEqual(loaded.rules, { 'prefer-identity': 'off', 'prefer-text': 'off' });
    config({ extends: 'lockstep:prisma', rules: { 'prefer-identity': 'hint' } });
    assert.equal(loadConfigFile(join(dir, 'lockstep.config.json')).config.rules['prefer-identity'], 'hint');
  });

  it('prisma: prefer-identity is off (Prisma writes autoincrement() as SERIAL), other style rules stay', async () => {
    const sql = 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" varchar(40), CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n';
    write('prisma/migrations/20240101000000_init/migration.sql', sql);
    config({});
    const before = (await lint('prisma'))[join('prisma', 'migrations', '20240101000000_init', 'migration.sql')];
    assert.ok(before.includes('prefer-identity') && before.includes('prefer-text'), before.join());
    config({ extends: 'lockstep:prisma' });
    const after = (await lint('prisma'))[join('prisma', 'migrations', '20240101000000_init', 'migration.sql')];
    assert.deepEqual(after, before.filter((id) => id !== 'prefer-identity'));
  });

  it('supabase skips seed.sql and sqitch skips verify/, as their own exclude would', async () => {
    write('supabase/migrations/20240101000000_init.sql', 'CREATE TABLE t (id bigint PRIMARY KEY);\n');
    write('supabase/seed.sql', 'UPDATE t SET id = id;\n');
    write('sqitch/deploy/x.sql', 'BEGIN;\nCREATE TABLE u (id bigint PRIMARY KEY);\nCOMMIT;\n');
    write('sqitch/verify/x.sql', 'BEGIN;\nUPDATE u SET id = id;\nROLLBACK;\n');
    config({});
    assert.deepEqual(Object.keys(await lint('.')).sort(), [
      join('sqitch', 'deploy', 'x.sql'), join('sqitch', 'verify', 'x.sql'),
      join('supabase', 'migrations', '20240101000000_init.sql'), join('supabase', 'seed.sql'),
    ]);
    config({ extends: ['lockstep:supabase', 'lockstep:sqitch'] });
    assert.deepEqual(Object.keys(await lint('.')).sort(), [join('sqitch', 'deploy', 'x.sql'), join('supabase', 'migrations', '20240101000000_init.sql')]);
  });

  it('combines with lockstep:strict in a list, and the editor sees the same config as the CLI', () => {
    const strictOnly = RULES.find((r) => r.defaultOff)!.id;
    config({ extends: ['lockstep:strict', 'lockstep:prisma'] });
    write('prisma/migrations/1_x/migration.sql', 'SELECT 1;\n');
    const lsp = resolveEffectiveConfig(join(dir, 'prisma/migrations/1_x/migration.sql'), { ...DEFAULT_CONFIG });
    assert.equal(lsp.config.runner, 'prisma');
    assert.equal(lsp.config.rules['prefer-identity'], 'off');
    assert.deepEqual(lsp.config.extends, ['lockstep:strict', 'lockstep:prisma']);
    assert.equal(ruleSetting(lsp.config, strictOnly), undefined, `${strictOnly} runs at its default severity under lockstep:strict`);
    config({ extends: 'lockstep:prisma' });
    assert.equal(ruleSetting(resolveEffectiveConfig(join(dir, 'prisma/migrations/1_x/migration.sql'), { ...DEFAULT_CONFIG }).config, strictOnly), 'off');
  });

  it('every preset is documented in docs/presets.md with what it sets and why', () => {
    for (const name of CONFIG_PRESETS) assert.ok(DOC.includes(`\`${name}\``), `${name} is not in docs/presets.md`);
    for (const [name, preset] of Object.entries(RUNNER_PRESETS)) {
      assert.equal(`lockstep:${preset.settings.runner}`, name, 'a runner preset pins its own runner');
      for (const why of preset.why) assert.ok(DOC.includes(why), `docs/presets.md lacks: ${why}`);
    }
  });
});
