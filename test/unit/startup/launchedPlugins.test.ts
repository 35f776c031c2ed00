/**
 * What the launched bundles' esbuild plugin (scripts/launchedPlugins.mjs) does, read from the
 * metafile of a bundle of the language server built in memory: libpg-query's loader goes through
 * the launcher's parser hand-over; and the built server, which publishes its first diagnostics
 * without loading `child_process`.
 */
import assert from 'node:assert/strict';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error: a plain .mjs module of the build (no types)
import { parserFromLauncher } from '../../../scripts/launchedPlugins.mjs';
import { ensureBuilt, REPO_ROOT } from '../cli/distCli';
import { serverValueAtExit } from './serverAtExit';

async function serverMetafile(plugins: unknown[]): Promise<Metafile> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['server/src/lsp/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['vscode', 'pg-native', 'typescript'],
    plugins: plugins as never,
  });
  return result.metafile;
}

/** The bundle's modules that import `path`. */
function importersOf(meta: Metafile, path: string): string[] {
  return Object.entries(meta.inputs)
    .filter(([, input]) => input.imports.some((i) => i.path === path))
    .map(([file]) => file)
    .sort();
}

describe('launched bundles: the esbuild plugin', function () {
  this.timeout(60_000);

  it("routes libpg-query's module factory through the launcher's parser hand-over", async () => {
    const meta = await serverMetafile([parserFromLauncher]);
    assert.deepEqual(importersOf(meta, 'server/src/startup/parserPreload.ts'), ['node_modules/libpg-query/wasm/index.cjs']);
    // Without it, nothing in the bundle takes the launcher's compile.
    assert.deepEqual(importersOf(await serverMetafile([]), 'server/src/startup/parserPreload.ts'), []);
  });
});

describe('launched bundles: what the built server loads', function () {
  this.timeout(60_000);
  before(() => ensureBuilt());

  it('dist/server.js publishes its first diagnostics without loading child_process (vscode-languageserver reads it on use)', async () => {
    const loaded = (await serverValueAtExit('process.moduleLoadList')) as string[];
    assert.ok(loaded.includes('NativeModule net'), 'the list is the server process\'s');
    assert.deepEqual(loaded.filter((m) => /child_process/.test(m)), []);
  });
});
