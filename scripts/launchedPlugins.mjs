// An esbuild plugin for the bundles the launchers run (dist/cli.bundle.js, dist/server.bundle.js):
// start-up work it avoids (BENCHMARKS.md, issue 14, eleventh session, start-up). Used by
// scripts/build.mjs; test/unit/startup/launchedPlugins.test.ts checks what it resolves.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * libpg-query instantiates the parser's WASM that the launcher started compiling before the bundle
 * ran (server/src/startup/parserPreload.ts). The build fails if libpg-query's factory call changes
 * (a libpg-query update): then look again.
 */
export const parserFromLauncher = {
  name: 'parser-from-launcher',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]libpg-query[\\/]wasm[\\/]index\.cjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = '(0, libpg_query_js_1.default)()';
      if (source.split(call).length !== 2) throw new Error(`${args.path}: not one "${call}" to wrap; libpg-query changed, check how it loads its WASM`);
      const preload = JSON.stringify(join(REPO, 'server/src/startup/parserPreload.ts'));
      return { contents: source.replace(call, `require(${preload}).withLauncherCompiledParser(libpg_query_js_1.default)`), loader: 'js' };
    });
  },
};
