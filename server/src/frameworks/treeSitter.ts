/**
 * Tree-sitter for host languages the TypeScript compiler cannot read (Python, Ruby, Elixir
 * migrations). Loading WASM is asynchronous while extractors are synchronous, so the grammars are
 * loaded once, up front, by `initEngine()` (engine.ts awaits `loadHostGrammars()`); an extractor then
 * asks `grammar(name)` synchronously and reports the file "not analysed" if it is not loaded.
 *
 * Where the WASM files are: dist/ ships `tree-sitter.wasm` and `tree-sitter-<name>.wasm` next to the
 * bundles (scripts/build.mjs copies them); from sources (tests, tsx) they come from node_modules.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as WTS from 'web-tree-sitter';

// `require`, not `import`: the bundler then takes the package's CommonJS build, which finds its
// files through `locateFile` below (its ES module build reads `import.meta.url`, empty in dist/*.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Language, Parser } = require('web-tree-sitter') as typeof WTS;
type Language = WTS.Language;
type Parser = WTS.Parser;

export type GrammarName = 'ruby' | 'python' | 'elixir';

let init: Promise<void> | undefined;
// web-tree-sitter links every grammar into one shared symbol table and, while loading one, resolves
// the symbols every other grammar still has pending: two loads in flight at once can fail with
// "bad export type for 'tree_sitter_python_external_scanner_create'". So loads run one at a time.
let queue: Promise<unknown> = Promise.resolve();
const loading = new Map<GrammarName, Promise<Language | undefined>>();
const loaded = new Map<GrammarName, Language>();
const failures = new Map<GrammarName, string>();

/** A file shipped next to the bundle, else resolved from node_modules. */
function wasmPath(file: string, fromPackage: () => string): string {
  const shipped = join(__dirname, file);
  return existsSync(shipped) ? shipped : fromPackage();
}

function initParser(): Promise<void> {
  init ??= Parser.init({
    locateFile: () => wasmPath('tree-sitter.wasm', () => require.resolve('web-tree-sitter/tree-sitter.wasm')),
  });
  return init;
}

/** Load one grammar (once). Resolves to undefined, never rejects, when the WASM cannot be loaded. */
export function loadGrammar(name: GrammarName): Promise<Language | undefined> {
  let p = loading.get(name);
  if (!p) {
    const file = `tree-sitter-${name}.wasm`;
    p = queue
      .then(initParser)
      .then(() => Language.load(wasmPath(file, () => join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out', file))))
      .then((lang) => {
        loaded.set(name, lang);
        return lang;
      })
      .catch((e: unknown) => {
        failures.set(name, e instanceof Error ? e.message : String(e));
        return undefined;
      });
    loading.set(name, p);
    queue = p;
  }
  return p;
}

/** The grammars host-file extractors use; engine.ts loads them with the SQL parser. */
export const HOST_GRAMMARS: readonly GrammarName[] = ['python', 'ruby', 'elixir'];

export async function loadHostGrammars(): Promise<void> {
  await Promise.all(HOST_GRAMMARS.map(loadGrammar));
}

/** Why a grammar failed to load (for the "not analysed" reason), if it did. */
export function grammarFailure(name: GrammarName): string | undefined {
  return failures.get(name);
}

/** A parser for a loaded grammar; undefined when `loadGrammar(name)` has not completed. */
export function parserFor(name: GrammarName): Parser | undefined {
  const lang = loaded.get(name);
  if (!lang) return undefined;
  const parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

/**
 * Parse `text`, hand the root to `read`, then free the tree and the parser: they live in WASM
 * memory, which the garbage collector never reclaims, so a tree not deleted stays for the life of
 * the language server. No node may outlive `read`. Without a tree, `failed` says why.
 */
export function withTree<T>(grammar: GrammarName, text: string, read: (root: WTS.Node) => T, failed: (reason: string) => T): T {
  const parser = parserFor(grammar);
  if (!parser) return failed(`tree-sitter could not load the ${grammar} grammar (${grammarFailure(grammar) ?? 'initEngine() not awaited'})`);
  const tree = parser.parse(text);
  try {
    return tree ? read(tree.rootNode) : failed(`the ${grammar} parser returned no tree`);
  } finally {
    tree?.delete();
    parser.delete();
  }
}
