/**
 * What the launched bundles' esbuild plugins (scripts/launchedPlugins.mjs) resolve, read from the
 * metafile of a bundle of the language server built in memory: every server module that imports
 * vscode-languageserver/node gets the one shared ES module (one copy of its exports at start, not
 * one per importer), and libpg-query's loader goes through the launcher's parser hand-over.
 */
import assert from 'node:assert/strict';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error: a plain .mjs module of the build (no types)
import { oneLanguageServerImport, parserFromLauncher } from '../../../scripts/launchedPlugins.mjs';
import { REPO_ROOT } from '../cli/distCli';

const SHIM = 'server/src/startup/languageServerNode.ts';
const LANGUAGE_SERVER_NODE = 'node_modules/vscode-languageserver/lib/node/main.js';

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

describe('launched bundles: esbuild plugins', function () {
  this.timeout(60_000);

  it('gives the language server one import of vscode-languageserver/node, through the shared module', async () => {
    // Without the plugin, each of these modules imports it itself (esbuild copies its exports once per importer).
    const direct = importersOf(await serverMetafile([]), LANGUAGE_SERVER_NODE).filter((file) => file.startsWith('server/src/'));
    assert.ok(direct.length > 1, direct.join(', '));
    const meta = await serverMetafile([oneLanguageServerImport, parserFromLauncher]);
    assert.deepEqual(importersOf(meta, LANGUAGE_SERVER_NODE), [SHIM]);
    assert.deepEqual(importersOf(meta, SHIM), direct);
  });

  it("routes libpg-query's module factory through the launcher's parser hand-over", async () => {
    const meta = await serverMetafile([oneLanguageServerImport, parserFromLauncher]);
    assert.deepEqual(importersOf(meta, 'server/src/startup/parserPreload.ts'), ['node_modules/libpg-query/wasm/index.cjs']);
  });
});
