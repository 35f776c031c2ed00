import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { RULE_SETTING_CHOICES, RUNNER_CHOICES, TRANSACTION_CHOICES, MIN_PG_VERSION, MAX_PG_VERSION } from '../../server/src/config/validate';
import { REPO_ROOT } from './harness';

const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8'));
const settings: Record<string, any> = manifest.contributes.configuration.properties;

describe('extension manifest (package.json contributes)', function () {
  this.timeout(30_000);

  it('activates on SQL files, on workspaces with a lockstep.config.json, and on JS/TS, Rails and Ecto migration folders', () => {
    assert.deepEqual(manifest.activationEvents, [
      'onLanguage:sql',
      'workspaceContains:**/lockstep.config.json',
      'workspaceContains:**/migrations/*.{ts,js,mjs,cjs}',
      'workspaceContains:**/migrations/0001_*.py',
      'workspaceContains:**/alembic.ini',
      'workspaceContains:**/db/migrate/*.rb',
      'workspaceContains:**/priv/repo/migrations/*.exs',
    ]);
    assert.equal(manifest.main, './dist/client.js');
  });

  it('contributes settings whose choices and defaults match the config the server validates', () => {
    assert.equal(settings['lockstep.pgVersion'].default, DEFAULT_CONFIG.pgVersion);
    assert.equal(settings['lockstep.pgVersion'].minimum, MIN_PG_VERSION);
    assert.equal(settings['lockstep.pgVersion'].maximum, MAX_PG_VERSION);
    assert.deepEqual(settings['lockstep.runner'].enum, [...RUNNER_CHOICES]);
    assert.equal(settings['lockstep.runner'].enumDescriptions.length, RUNNER_CHOICES.length);
    assert.equal(settings['lockstep.runner'].default, DEFAULT_CONFIG.runner);
    assert.deepEqual(settings['lockstep.transaction'].enum, [...TRANSACTION_CHOICES]);
    assert.equal(settings['lockstep.transaction'].default, DEFAULT_CONFIG.transaction);
    assert.deepEqual(settings['lockstep.rules'].additionalProperties.enum, [...RULE_SETTING_CHOICES]);
    assert.equal(settings['lockstep.lockTimeout'].default, DEFAULT_CONFIG.lockTimeout);
    assert.equal(settings['lockstep.statementTimeout'].default, DEFAULT_CONFIG.statementTimeout);
    assert.deepEqual(settings['lockstep.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('validates lockstep.config.json with the shipped schema', () => {
    const [validation] = manifest.contributes.jsonValidation;
    assert.equal(validation.fileMatch, 'lockstep.config.json');
    assert.ok(existsSync(resolve(REPO_ROOT, validation.url)), `${validation.url} exists`);
  });

  it('packages dist/ with the WASM, schemas and docs, and no sources, tests or node_modules', () => {
    // `vsce ls` applies .vscodeignore exactly as `vsce package` does, without writing a .vsix.
    const vsce = resolve(REPO_ROOT, 'node_modules', '.bin', 'vsce');
    const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);

    for (const required of ['package.json', 'LICENSE', 'dist/client.js', 'dist/server.js', 'dist/server.bundle.js', 'dist/libpg-query.wasm', 'dist/tree-sitter.wasm', 'dist/tree-sitter-ruby.wasm', 'dist/tree-sitter-elixir.wasm', 'schemas/lockstep.config.schema.json']) {
      assert.ok(files.includes(required), `${required} is packaged (got ${files.join(', ')})`);
    }
    // Written by other parts of the project; shipped whenever they exist.
    for (const optional of ['README.md', 'docs', 'snippets', 'syntaxes']) {
      if (!hasFiles(optional)) continue;
      assert.ok(files.some((f) => f === optional || f.startsWith(`${optional}/`)), `${optional} is packaged`);
    }
    const unwanted = files.filter((f) => /^(node_modules|server|client|test|scripts|bench|examples)\/|\.map$|\.ts$/.test(f));
    assert.deepEqual(unwanted, []);
  });
});

/** A file, or a folder with at least one file somewhere inside. */
function hasFiles(relative: string): boolean {
  const path = resolve(REPO_ROOT, relative);
  if (!existsSync(path)) return false;
  if (statSync(path).isFile()) return true;
  return readdirSync(path, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile());
}
