import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import {
  CONFIG_FILE_NAME,
  findConfigFile,
  isExcluded,
  loadConfigFile,
  resolveConfigFor,
} from '../../../server/src/config/load';

describe('config loading', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lockstep-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('findConfigFile', () => {
    it('finds the nearest config file walking upward', () => {
      const top = write(CONFIG_FILE_NAME, '{}');
      const nested = write(`db/${CONFIG_FILE_NAME}`, '{}');
      mkdirSync(join(root, 'db/migrations/v1'), { recursive: true });
      assert.equal(findConfigFile(join(root, 'db/migrations/v1')), nested);
      assert.equal(findConfigFile(join(root, 'other')), top);
    });

    it('stops at stopAt', () => {
      write(CONFIG_FILE_NAME, '{}');
      mkdirSync(join(root, 'a/b'), { recursive: true });
      assert.equal(findConfigFile(join(root, 'a/b'), join(root, 'a')), undefined);
      assert.equal(findConfigFile(join(root, 'a/b'), root), join(root, CONFIG_FILE_NAME));
    });

    it('ignores a directory that has the config file name', () => {
      mkdirSync(join(root, 'x', CONFIG_FILE_NAME), { recursive: true });
      assert.equal(findConfigFile(join(root, 'x'), root), undefined);
    });
  });

  describe('loadConfigFile', () => {
    it('reads every key and fills the rest from defaults', () => {
      const file = write(CONFIG_FILE_NAME, JSON.stringify({ pgVersion: 12, rules: { 'require-concurrent-index': 'off' } }));
      const result = loadConfigFile(file);
      assert.deepEqual(result.problems, []);
      assert.equal(result.file, file);
      assert.equal(result.config.pgVersion, 12);
      assert.equal(result.config.rules['require-concurrent-index'], 'off');
      assert.equal(result.config.lockTimeout, DEFAULT_CONFIG.lockTimeout);
      assert.equal(result.config.runner, DEFAULT_CONFIG.runner);
    });

    it('accepts comments and trailing commas', () => {
      const file = write(CONFIG_FILE_NAME, '// project settings\n{\n  /* target */ "pgVersion": 14,\n  "exclude": ["old/**",],\n}\n');
      const result = loadConfigFile(file);
      assert.deepEqual(result.problems, []);
      assert.equal(result.config.pgVersion, 14);
      assert.deepEqual(result.config.exclude, ['old/**']);
    });

    it('reports bad JSON with line and column and falls back to defaults', () => {
      const file = write(CONFIG_FILE_NAME, '{\n  "pgVersion": 14\n  "runner": "flyway"\n}');
      const result = loadConfigFile(file);
      assert.equal(result.problems.length, 1);
      const [problem] = result.problems;
      assert.equal(problem.file, file);
      assert.match(problem.message, /invalid JSON/);
      assert.equal(problem.line, 3);
      assert.equal(problem.column, 3);
      assert.deepEqual(result.config, DEFAULT_CONFIG);
    });

    it('reports each bad value at its position and keeps the good ones', () => {
      const text = [
        '{',
        '  "pgVersion": 9,',
        '  "runner": "flyway",',
        '  "transaction": "sometimes",',
        '  "rules": { "a": "warning", "b": "loud" },',
        '  "lockTimeout": "two seconds",',
        '  "statementTimeout": "500ms",',
        '  "colour": true',
        '}',
      ].join('\n');
      const result = loadConfigFile(write(CONFIG_FILE_NAME, text));
      const where = result.problems.map((p) => `${p.line}:${p.column} ${p.message.split(' ')[0]}`);
      assert.deepEqual(where, [
        '2:16 "pgVersion"',
        '4:18 "transaction"',
        '5:35 rule',
        '6:18 "lockTimeout"',
        '8:13 unknown',
      ]);
      assert.equal(result.config.pgVersion, DEFAULT_CONFIG.pgVersion);
      assert.equal(result.config.runner, 'flyway');
      assert.equal(result.config.transaction, DEFAULT_CONFIG.transaction);
      assert.deepEqual(result.config.rules, { a: 'warning' });
      assert.equal(result.config.lockTimeout, DEFAULT_CONFIG.lockTimeout);
      assert.equal(result.config.statementTimeout, '500ms');
    });

    it('reports unknown rule ids only when the known ids are given', () => {
      const file = write(CONFIG_FILE_NAME, '{ "rules": { "no-such-rule": "off", "known": "error" } }');
      assert.deepEqual(loadConfigFile(file).problems, []);
      const strict = loadConfigFile(file, undefined, { knownRuleIds: ['known'] });
      assert.equal(strict.problems.length, 1);
      assert.match(strict.problems[0].message, /unknown rule "no-such-rule"/);
      assert.deepEqual(strict.config.rules, { known: 'error' });
    });

    it('rejects a non-object root', () => {
      const result = loadConfigFile(write(CONFIG_FILE_NAME, '[1, 2]'));
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0].message, /must be a JSON object/);
      assert.equal(result.problems[0].line, 1);
    });

    it('never throws on unreadable input', () => {
      const missing = loadConfigFile(join(root, 'missing.json'));
      assert.match(missing.problems[0].message, /not found/);
      mkdirSync(join(root, 'dir.json'));
      assert.match(loadConfigFile(join(root, 'dir.json')).problems[0].message, /directory/);
      const junk = loadConfigFile(write('junk.json', '\u0000\u00ff{{{"'));
      assert.match(junk.problems[0].message, /invalid JSON/);
      const deep = loadConfigFile(write('deep.json', '['.repeat(200_000)));
      assert.equal(deep.problems.length, 1);
      assert.deepEqual(deep.config, DEFAULT_CONFIG);
    });

    it('lets the file override the base settings, merging rules per id', () => {
      const file = write(CONFIG_FILE_NAME, '{ "pgVersion": 15, "rules": { "b": "error" } }');
      const result = loadConfigFile(file, { pgVersion: 12, lockTimeout: '1s', rules: { a: 'off', b: 'hint' } });
      assert.equal(result.config.pgVersion, 15);
      assert.equal(result.config.lockTimeout, '1s');
      assert.deepEqual(result.config.rules, { a: 'off', b: 'error' });
    });
  });

  describe('resolveConfigFor', () => {
    it('loads the nearest file for a migration', () => {
      write(CONFIG_FILE_NAME, '{ "pgVersion": 13 }');
      const migration = write('migrations/V1__init.sql', 'select 1;');
      const result = resolveConfigFor(migration, { pgVersion: 17 });
      assert.equal(result.file, join(root, CONFIG_FILE_NAME));
      assert.equal(result.config.pgVersion, 13);
    });
  });

  describe('isExcluded', () => {
    it('matches globs relative to the config folder', () => {
      const file = write(`db/${CONFIG_FILE_NAME}`, '{ "exclude": ["legacy/**", "*.down.sql", "/seed.sql", "tmp"] }');
      const result = loadConfigFile(file);
      const check = (rel: string) => isExcluded(result, join(root, 'db', rel));
      assert.equal(check('legacy/a/V1__x.sql'), true);
      assert.equal(check('migrations/3.down.sql'), true);
      assert.equal(check('seed.sql'), true);
      assert.equal(check('migrations/seed.sql'), false);
      assert.equal(check('migrations/tmp/x.sql'), true);
      assert.equal(check('migrations/3.up.sql'), false);
      assert.equal(isExcluded(result, join(root, 'legacy/a.sql')), false, 'outside the config folder');
    });

    it('excludes nothing without patterns', () => {
      assert.equal(isExcluded({ config: DEFAULT_CONFIG, problems: [] }, join(root, 'x.sql')), false);
    });
  });
});
