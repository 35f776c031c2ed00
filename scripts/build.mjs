// Bundles the client, the language server and the CLI into dist/, self-contained:
// nothing in dist/ needs node_modules at run time (the VS Code API is provided by the editor).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { childProcessOnUse, parserFromLauncher } from './launchedPlugins.mjs';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
/**
 * pg asks, when it is first required, whether it runs on Cloudflare Workers; on Node 20 its test
 * (`typeof Response`) loads Node's whole fetch implementation (undici): ~90 ms in one piece on
 * the language server's thread at the first database connection. These bundles run on Node only.
 * The build fails if the line is gone (a pg update): then look again.
 */
const pgOnNode = {
  name: 'pg-on-node',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const test = '  if (isCloudflareRuntime()) {';
      if (!source.includes(test)) throw new Error(`${args.path}: no "${test.trim()}" to replace; pg changed, check its Cloudflare test`);
      return { contents: source.replace(test, '  if (false) { // scripts/build.mjs: Node only'), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // pg tries `require('pg-native')` only when asked for; keep it out of the bundle. The TypeScript
  // compiler (host-file migrations) ships as dist/typescript.js, loaded on first use (server/src/frameworks/tsAst.ts).
  external: ['vscode', 'pg-native', 'typescript'],
  // require.resolve of wasm files runs only from sources (tests); dist/ ships them next to the bundle.
  logOverride: { 'unsupported-require-call': 'silent', 'require-resolve-not-external': 'silent' },
  plugins: [pgOnNode],
};

/** In dist/cli.js, run.ts's `require('./commands')` loads dist/cliCommands.js at run time. */
const subcommandsApart = {
  name: 'subcommands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands$/ }, (args) =>
      /[\\/]cli[\\/]run\.ts$/.test(args.importer) && args.kind === 'require-call' ? { path: './cliCommands.js', external: true } : undefined,
    );
  },
};

/**
 * dist/cli.js and dist/server.js are launchers (server/src/startup/launch.ts): they run the bundle
 * `dist/<name>.bundle.js` through V8's code cache, so a new process skips compiling it. Built after
 * the bundle, with its content hash, which names the cache files.
 */
async function launcher(name, options = {}) {
  const bundle = `${name}.bundle.js`;
  // The launcher reads the bundle as latin1, which skips UTF-8 decoding (~20 ms for 1 MB under
  // load). esbuild escapes every non-ASCII character of strings, regular expressions and
  // identifiers; what is left is in comments it keeps (→, …): one '?' per UTF-16 unit keeps the
  // source map's columns.
  const text = readFileSync(join('dist', bundle), 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, '?');
  if (ascii !== text) writeFileSync(join('dist', bundle), ascii);
  const hash = createHash('sha256').update(ascii).digest('hex').slice(0, 16);
  await build({
    ...common,
    sourcemap: false,
    entryPoints: ['server/src/startup/launch.ts'],
    outfile: `dist/${name}.js`,
    banner: options.banner,
    define: {
      LOCKSTEP_BUNDLE: JSON.stringify(bundle),
      LOCKSTEP_BUNDLE_HASH: JSON.stringify(hash),
      LOCKSTEP_WRITE_CACHE_AFTER_MS: options.writeCacheAfterMs === undefined ? 'undefined' : String(options.writeCacheAfterMs),
    },
  });
}

/**
 * For the bundles the launchers run through vm.Script: import() becomes a require() (the only one is
 * web-tree-sitter's `import('fs/promises')`). Node 20 forgets a script's import() callback when
 * the script comes from the code cache ("A dynamic import callback was not specified").
 */
const launched = { ...common, supported: { 'dynamic-import': false }, plugins: [pgOnNode, parserFromLauncher, childProcessOnUse] };

mkdirSync('dist', { recursive: true });
// Maps of launchers from before they existed would be stale.
for (const stale of ['dist/cli.js.map', 'dist/server.js.map']) rmSync(stale, { force: true });
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' }),
  build({ ...launched, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.bundle.js' }).then(() =>
    // The server writes its cache once start-up and the first lints have compiled what they use.
    launcher('server', { writeCacheAfterMs: 5_000 }),
  ),
  // The subcommands besides lint (PGlite, pg, the scaffolder: over half the code) go in a bundle of
  // their own that run.ts requires on first use, so `lockstep lint` starts without them.
  build({ ...launched, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.bundle.js', plugins: [...launched.plugins, subcommandsApart] }).then(() =>
    launcher('cli', { banner: { js: '#!/usr/bin/env node' } }),
  ),
  build({ ...common, entryPoints: ['server/src/cli/commands.ts'], outfile: 'dist/cliCommands.js' }),
  build({ ...common, entryPoints: ['server/src/trace/worker.ts'], outfile: 'dist/traceWorker.js' }),
  // The code-reference index (still-referenced) is built off the language server's main thread.
  build({ ...common, entryPoints: ['server/src/coderefs/worker.ts'], outfile: 'dist/coderefsWorker.js' }),
  // `lockstep lint` reads its files in this thread, ahead of the lint (cli/readAhead.ts).
  build({ ...common, entryPoints: ['server/src/cli/readAheadWorker.ts'], outfile: 'dist/readAheadWorker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
// libpg-query loads its WASM from the directory of the bundle that requires it.
const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
copyFileSync(wasm, 'dist/libpg-query.wasm');
// PGlite (embedded PostgreSQL for `lockstep trace`) finds its engine files next to the bundle too.
const pglite = dirname(require.resolve('@electric-sql/pglite'));
for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) copyFileSync(join(pglite, file), join('dist', file));
// The TypeScript compiler, for reading .ts/.js framework migrations; self-contained (Node built-ins only).
copyFileSync(require.resolve('typescript/lib/typescript.js'), 'dist/typescript.js');
// Tree-sitter (Python/Ruby/Elixir framework migrations): its runtime and the grammars, loaded from
// next to the bundle by server/src/frameworks/treeSitter.ts.
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
for (const grammar of ['python', 'ruby', 'elixir']) {
  copyFileSync(join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out', `tree-sitter-${grammar}.wasm`), `dist/tree-sitter-${grammar}.wasm`);
}
if (watch) console.log('watch mode is not supported; rerun npm run build');
