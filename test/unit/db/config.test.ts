/** The `estimate` throughput keys: validator, JSON schema, editor settings and defaults agree. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { loadConfigFile } from '../../../server/src/config/load';
import { ESTIMATE_KEYS, validateConfig } from '../../../server/src/config/validate';
import { throughputOf } from '../../../server/src/db/estimate';
import { DEFAULT_THROUGHPUT, THROUGHPUT_KEYS } from '../../../server/src/db/throughput';
import { settingsToConfig } from '../../../server/src/lsp/settings';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';

const root = join(__dirname, '../../..');
const schema = require(join(root, 'schemas/lockstep.config.schema.json'));
const manifest = require(join(root, 'package.json'));

describe('estimate configuration', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

  for (const good of [{ estimate: {} }, { estimate: { rewriteMBps: 40 } }, { estimate: { rewriteMBps: 40, scanMBps: 250.5, indexBuildMBps: 90 } }]) {
    it(`validator and schema accept ${JSON.stringify(good)}`, () => {
      assert.equal(validate(good), true, JSON.stringify(validate.errors));
      assert.deepEqual(validateConfig(good).problems, []);
      assert.deepEqual(validateConfig(good).config.estimate, good.estimate);
    });
  }

  for (const bad of [{ estimate: 100 }, { estimate: { rewriteMBps: 0 } }, { estimate: { scanMBps: -5 } }, { estimate: { scanMBps: '800' } }, { estimate: { diskMBps: 1 } }, { estimate: { indexBuildMBps: 1e9 } }]) {
    it(`validator and schema reject ${JSON.stringify(bad)}`, () => {
      assert.equal(validate(bad), false);
      const { problems } = validateConfig(bad);
      assert.equal(problems.length, 1);
      assert.match(problems[0].path, /^estimate/);
    });
  }

  it('names the same keys everywhere, with the measured defaults', () => {
    assert.deepEqual([...ESTIMATE_KEYS], [...THROUGHPUT_KEYS]);
    assert.deepEqual(Object.keys(schema.properties.estimate.properties), [...THROUGHPUT_KEYS]);
    const settings = manifest.contributes.configuration.properties;
    for (const key of THROUGHPUT_KEYS) {
      assert.equal(schema.properties.estimate.properties[key].default, DEFAULT_THROUGHPUT[key], key);
      assert.equal(settings[`lockstep.estimate.${key}`].default, DEFAULT_THROUGHPUT[key], key);
    }
  });

  it('editor settings reach the config; the file overrides them key by key', () => {
    const fromSettings = settingsToConfig({ estimate: { rewriteMBps: 55, scanMBps: 400 }, database: { url: 'postgres://x@h/d' } });
    assert.deepEqual(fromSettings.problems, []);
    assert.deepEqual(fromSettings.config.estimate, { rewriteMBps: 55, scanMBps: 400 });
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-estimate-config-'));
    try {
      writeFileSync(join(dir, 'lockstep.config.json'), JSON.stringify({ estimate: { scanMBps: 120 } }));
      const loaded = loadConfigFile(join(dir, 'lockstep.config.json'), fromSettings.config);
      assert.deepEqual(loaded.problems, []);
      assert.deepEqual(throughputOf(loaded.config), { rewriteMBps: 55, scanMBps: 120, indexBuildMBps: DEFAULT_THROUGHPUT.indexBuildMBps });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(throughputOf(DEFAULT_CONFIG), DEFAULT_THROUGHPUT);
  });

  it('contributes the database commands, the URL setting and limited support in untrusted workspaces', () => {
    const commands = manifest.contributes.commands.map((c: { command: string; title: string }) => `${c.command}=${c.title}`);
    for (const c of ['lockstep.connectDatabase=Connect to Database', 'lockstep.disconnectDatabase=Disconnect', 'lockstep.estimateLockImpact=Estimate Lock Impact']) {
      assert.ok(commands.includes(c), c);
    }
    assert.equal(manifest.contributes.configuration.properties['lockstep.database.url'].default, '');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['lockstep.database.url']);
  });
});
