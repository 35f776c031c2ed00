import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { settingsToConfig } from '../../server/src/lsp/settings';

describe('editor settings → base config', () => {
  it('takes every valid lockstep.* setting', () => {
    const { config, problems } = settingsToConfig({
      pgVersion: 13,
      runner: 'flyway',
      transaction: 'never',
      rules: { 'require-concurrent-index': 'error' },
      lockTimeout: '500ms',
      statementTimeout: '5min',
      trace: { server: 'verbose' },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      pgVersion: 13,
      runner: 'flyway',
      transaction: 'never',
      rules: { 'require-concurrent-index': 'error' },
      exclude: [],
      lockTimeout: '500ms',
      statementTimeout: '5min',
    });
  });

  it('falls back to the defaults for junk and names each bad setting', () => {
    const { config, problems } = settingsToConfig({ pgVersion: 'banana', runner: 42, rules: ['x'], lockTimeout: '2 seconds' });
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['lockstep.pgVersion', 'lockstep.runner', 'lockstep.rules', 'lockstep.lockTimeout'],
    );
  });

  it('accepts a missing or non-object section, and null values, as "use the defaults"', () => {
    for (const raw of [undefined, null, 'lockstep', [], { pgVersion: null, rules: null }]) {
      const { config, problems } = settingsToConfig(raw);
      assert.deepEqual(config, DEFAULT_CONFIG, JSON.stringify(raw));
      assert.deepEqual(problems, []);
    }
  });

  it('reports unknown rule ids when the known ids are given, and never takes exclude from settings', () => {
    const { config, problems } = settingsToConfig({ rules: { 'no-such-rule': 'off' }, exclude: ['**'] }, ['require-concurrent-index']);
    assert.deepEqual(config.rules, {});
    assert.deepEqual(config.exclude, []);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /no-such-rule/);
  });
});
