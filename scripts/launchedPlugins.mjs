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

/**
 * vscode-languageserver's node/files.js requires `child_process` when it loads, for helpers the
 * server never calls at start (resolving global npm/yarn modules): ~1.5 ms of CPU at every start
 * (BENCHMARKS.md, issue 14, twelfth session, start-up). Its two uses read the module on first call
 * instead. The build fails if the line changes (a vscode-languageserver update): then look again.
 */
export const childProcessOnUse = {
  name: 'child-process-on-use',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]vscode-languageserver[\\/]lib[\\/]node[\\/]files\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = 'const child_process_1 = require("child_process");';
      if (source.split(line).length !== 2) throw new Error(`${args.path}: not one "${line}" to replace; vscode-languageserver changed, check its child_process uses`);
      const used = [...new Set([...source.matchAll(/child_process_1\.(\w+)/g)].map((m) => m[1]))];
      if (used.join() !== 'fork,spawnSync') throw new Error(`${args.path}: uses child_process's ${used.join(', ')}; expected fork and spawnSync`);
      const lazy = 'const child_process_1 = { get fork() { return require("child_process").fork; }, get spawnSync() { return require("child_process").spawnSync; } };';
      return { contents: source.replace(line, lazy), loader: 'js' };
    });
  },
};
