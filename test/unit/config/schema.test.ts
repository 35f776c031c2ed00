import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import {
  MAX_PG_VERSION,
  MIN_PG_VERSION,
  RULE_SETTING_CHOICES,
  RUNNER_CHOICES,
  TRANSACTION_CHOICES,
  validateConfig,
} from '../../../server/src/config/validate';
import { CONFIG_PRESETS } from '../../../server/src/config/presets';

const schemaPath = join(__dirname, '../../../schemas/lockstep.config.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

const goodSamples: unknown[] = [
  {},
  { $schema: './schemas/lockstep.config.schema.json' },
  { pgVersion: 10 },
  { pgVersion: 18, runner: 'golang-migrate', transaction: 'never' },
  { rules: { 'require-concurrent-index': 'off', 'ban-drop-column': 'hint' } },
  { exclude: ['legacy/**', '*.down.sql'] },
  { lockTimeout: '500ms', statementTimeout: '1min' },
  { lockTimeout: '1.5s', statementTimeout: '5000' },
  { runner: 'auto', transaction: 'auto', rules: {}, exclude: [] },
  { extends: 'lockstep:strict', rules: { 'require-statement-timeout': 'info' } },
  { extends: 'lockstep:goose' },
  { extends: ['lockstep:strict', 'lockstep:prisma'] },
  { categories: { style: 'off', locking: 'error', 'breaking-change': 'info', hygiene: 'hint' } },
  { categories: {}, rules: { 'prefer-text': 'warning' } },
  { codeScan: { include: ['src/**'], exclude: ['**/*.test.ts'] } },
];

const badSamples: unknown[] = [
  { codeScan: { paths: ['src'] } },
  { codeScan: { exclude: 'src/**' } },
  { codeScan: ['src/**'] },
  [],
  'pgVersion',
  null,
  { pgVersion: 9 },
  { pgVersion: 19 },
  { pgVersion: 14.5 },
  { pgVersion: '14' },
  { runner: 'rails' },
  { transaction: true },
  { rules: { x: 'loud' } },
  { extends: 'strict' },
  { extends: 'lockstep:rails' },
  { extends: [] },
  { extends: ['lockstep:goose', 'goose'] },
  { rules: ['x'] },
  { rules: { x: 1 } },
  { exclude: 'legacy/**' },
  { exclude: [1] },
  { exclude: [''] },
  { lockTimeout: '2 seconds' },
  { lockTimeout: 2 },
  { statementTimeout: '' },
  { statementTimeout: '-1s' },
  { color: true },
  { categories: { styles: 'off' } },
  { categories: { style: 'loud' } },
  { categories: ['style'] },
  { $schema: 1 },
  { estimate: { scanMBps: 5e-324 } },
];

describe('config schema and validator', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const validateWithSchema = ajv.compile(schema);

  it('is a draft-07 schema with a description on every property', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const undocumented: string[] = [];
    const visit = (node: Record<string, unknown>, path: string) => {
      if (typeof node.description !== 'string' || node.description.length < 10) undocumented.push(path || '(root)');
      for (const [key, child] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {})) {
        visit(child, `${path}.${key}`);
      }
      for (const nested of ['items', 'additionalProperties'] as const) {
        if (typeof node[nested] === 'object') visit(node[nested] as Record<string, unknown>, `${path}.${nested}`);
      }
    };
    visit(schema, '');
    assert.deepEqual(undocumented, []);
  });

  for (const sample of goodSamples) {
    it(`both accept ${JSON.stringify(sample)}`, () => {
      assert.equal(validateWithSchema(sample), true, JSON.stringify(validateWithSchema.errors));
      assert.deepEqual(validateConfig(sample).problems, []);
    });
  }

  for (const sample of badSamples) {
    it(`both reject ${JSON.stringify(sample)}`, () => {
      assert.equal(validateWithSchema(sample), false);
      assert.notDeepEqual(validateConfig(sample).problems, []);
    });
  }

  it('offers the same choices as the validator', () => {
    assert.deepEqual(schema.properties.runner.enum, [...RUNNER_CHOICES]);
    assert.deepEqual(schema.properties.transaction.enum, [...TRANSACTION_CHOICES]);
    assert.deepEqual(schema.definitions.preset.enum, [...CONFIG_PRESETS]);
    assert.deepEqual(schema.properties.rules.additionalProperties.enum, [...RULE_SETTING_CHOICES]);
    assert.equal(schema.properties.pgVersion.minimum, MIN_PG_VERSION);
    assert.equal(schema.properties.pgVersion.maximum, MAX_PG_VERSION);
  });
});
